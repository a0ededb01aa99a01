"""How fast the real bot answers taps through the emulator on the demo company, beside the bare echo bot.

Five demo people tap at once, each on their own registry message: numbers under the list
(each tap re-reads the order and sends its card) or ◀ ▶ (each tap re-reads the filters and
the page and edits the list in place). As in `bench.echo`, every tap is queued before the
bot starts polling, and the time runs until the bot has answered the last callback query.
The bot is built as the end-to-end tests build it (a SQLite copy of the demo, a fixed clock).
"""

import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bench.echo import echo_bot_rate, rate_of
from bench.registry import Figure, benchmark
from bot.app import build_application
from bot.services import Services
from bot.settings import BotSettings
from core.db import Database
from core.demo_data import load_demo_data
from core.migrate import upgrade
from core.settings import Settings
from sandbox.server import start
from sandbox.testing import ChatMessage, SandboxClient

DEMO_NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
BOT_NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
PEOPLE = (1001, 1002, 1003, 1004, 1005)  # two managers, the head of sales, the planner, the accountant
TAPS = 600
ROUNDS = 2

# The callback data of a person's n-th tap on their registry message.
TapData = Callable[[ChatMessage, int], str]


def card_tap(listing: ChatMessage, n: int) -> str:
    """A number under the list: the order's card."""
    numbers = [button.value for row in listing.buttons for button in row if button.text.isdigit()]
    return str(numbers[n % len(numbers)])


def page_tap(listing: ChatMessage, n: int) -> str:
    """▶ then ◀, and so on: the list edited in place, page 2 and back."""
    return f"r:p:{(n + 1) % 2}"


@asynccontextmanager
async def demo_database() -> AsyncIterator[Database]:
    """A fresh SQLite file with the demo company, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="orderbot-bench-"))
    db = Database(f"sqlite+aiosqlite:///{folder / 'demo.sqlite3'}")
    try:
        await upgrade(db)
        await load_demo_data(db, now=DEMO_NOW)
        yield db
    finally:
        await db.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def bot_application(db: Database, client: SandboxClient) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot as it runs in production, on the demo database, polling the emulator."""
    bot_settings = BotSettings(
        TELEGRAM_BOT_TOKEN=client.token,
        TELEGRAM_API_BASE_URL=client.bot_api_url,
        TELEGRAM_API_FILE_URL=client.file_url,
    )
    services = Services(db=db, settings=Settings(), bot_settings=bot_settings, clock=lambda: BOT_NOW)
    return build_application(services, rate_limited=False)


async def registries_on_screen(db: Database, client: SandboxClient) -> dict[int, ChatMessage]:
    """Each person types /orders once; their registry message, to tap on."""
    application = bot_application(db, client)
    listings = {}
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=1, poll_interval=0)
        for person in PEOPLE:
            user = client.user(person, first_name=f"User{person}", language_code="ru")
            await user.send("/orders", within=30)
            listings[person] = user.last_message
        await application.updater.stop()
        await application.stop()
    return listings


async def bare_tap(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """The least any tap costs: answer it and edit the message (to text that differs each time)."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    await query.answer()
    await query.message.edit_text(f"{query.data} {update.update_id}")


def bare_application(_db: Database, client: SandboxClient) -> Application[Any, Any, Any, Any, Any, Any]:
    application = (
        Application.builder().token(client.token).base_url(client.bot_api_url).base_file_url(client.file_url).build()
    )
    application.add_handler(CallbackQueryHandler(bare_tap))
    return application


async def taps_a_second(
    db: Database,
    client: SandboxClient,
    tap: TapData,
    *,
    taps: int = TAPS,
    application: Callable[[Database, SandboxClient], Application[Any, Any, Any, Any, Any, Any]] | None = None,
) -> float:
    """Taps answered a second: every person's taps queued, then the bot started and timed."""
    listings = await registries_on_screen(db, client)
    for n in range(taps):
        person = PEOPLE[n % len(PEOPLE)]
        listing = listings[person]
        data = tap(listing, n // len(PEOPLE))
        await client.request(
            "POST",
            "/callbacks",
            json={"user_id": person, "chat_id": person, "message_id": listing.message_id, "data": data, "forge": True},
        )
    calls = client.emulator.stats.calls
    before = calls["answerCallbackQuery"]
    return await rate_of(
        (application or bot_application)(db, client), count=taps, answered=lambda: calls["answerCallbackQuery"] - before
    )


async def bot_rate(
    tap: TapData,
    *,
    taps: int = TAPS,
    strict: bool = False,
    application: Callable[[Database, SandboxClient], Application[Any, Any, Any, Any, Any, Any]] | None = None,
) -> float:
    """Taps a second of the real bot on a fresh demo database and a fresh emulator."""
    running = await start(strict=strict)
    client = SandboxClient(running.base_url, running=running, timeout=30)
    try:
        async with demo_database() as db:
            return await taps_a_second(db, client, tap, taps=taps, application=application)
    finally:
        await client.close()
        await running.stop()


@benchmark
async def bot_taps() -> list[Figure]:
    echo, bare, cards, pages = [], [], [], []
    for _ in range(ROUNDS):  # alternated, best of each, so a noisy moment does not hurt one side only
        echo.append(await echo_bot_rate(through="emulator"))
        bare.append(await bot_rate(page_tap, application=bare_application))
        cards.append(await bot_rate(card_tap))
        pages.append(await bot_rate(page_tap))
    reference = max(echo)
    people = len(PEOPLE)
    return [
        Figure("echo bot through the emulator (this run)", reference, "updates/s"),
        # A tap costs two Bot API calls (answer, edit) where an echo costs one: this is the ceiling of any tap.
        Figure(f"bare taps (answer + edit, no work), {people} people", max(bare), "taps/s", reference, "echo bot"),
        Figure(f"order cards opened from the registry, {people} people", max(cards), "taps/s", reference, "echo bot"),
        Figure(f"registry pages turned (◀ ▶), {people} people", max(pages), "taps/s", reference, "echo bot"),
    ]
