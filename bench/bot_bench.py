"""How fast the real bot answers taps through the emulator on the demo company, beside the bare echo bot.

Five demo people tap at once, each on their own registry message: numbers under the list
(each tap re-reads the order and sends its card) or ◀ ▶ (each tap re-reads the filters and
the page and edits the list in place). As in `bench.echo`, every tap is queued before the
bot starts polling, and the time runs until the bot has answered the last callback query.
The bot is built as the end-to-end tests build it (a SQLite copy of the demo, a fixed clock).

Taps that write: the two approvers approve, each on their own half of many orders put in
approval for the run; and a typed reason (tap "return", then type why). Every SQL statement the
bot sends while timed is counted (an engine event), so a statement too many shows as a figure.
"""

import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bench.echo import echo_bot_rate, rate_of
from bench.registry import Figure, benchmark
from bot.app import build_application
from bot.callbacks import Prefix, pack
from bot.services import Services
from bot.settings import BotSettings
from core import use_cases as uc
from core.db import Database
from core.demo_data import load_demo_data
from core.migrate import upgrade
from core.models import Counterparty, Item, Person
from core.settings import Settings
from sandbox.server import start
from sandbox.testing import ChatMessage, SandboxClient

DEMO_NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
BOT_NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
PEOPLE = (1001, 1002, 1003, 1004, 1005)  # two managers, the head of sales, the planner, the accountant
APPROVERS = (1002, 1006)  # the head of sales and the finance approver: neither registered the orders
MANAGER = 1001
TAPS = 600
DECISIONS = 200  # orders put in approval for a run of approve taps (or typed reasons): each decided once
REQUIRED_BY = date(2026, 12, 30)
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


async def registries_on_screen(db: Database, client: SandboxClient, people: tuple[int, ...]) -> dict[int, ChatMessage]:
    """Each person types /orders once; their registry message, to tap on."""
    application = bot_application(db, client)
    listings = {}
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=1, poll_interval=0)
        for person in people:
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


class Statements:
    """Counts every SQL statement sent on the database's engine from `start()` on."""

    def __init__(self, db: Database) -> None:
        self.count = 0
        self.counting = False
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._seen)

    def start(self) -> None:
        self.count, self.counting = 0, True

    def _seen(self, *_args: Any) -> None:
        if self.counting:
            self.count += 1


@dataclass(frozen=True)
class Run:
    rate: float  # taps a second
    statements: float  # SQL statements a tap


async def taps_a_second(
    db: Database,
    client: SandboxClient,
    tap: TapData,
    *,
    taps: int = TAPS,
    application: Callable[[Database, SandboxClient], Application[Any, Any, Any, Any, Any, Any]] | None = None,
) -> Run:
    """Taps answered a second: every person's taps queued, then the bot started and timed."""
    listings = await registries_on_screen(db, client, PEOPLE)
    for n in range(taps):
        person = PEOPLE[n % len(PEOPLE)]
        listing = listings[person]
        await tap_on(client, person, listing.message_id, tap(listing, n // len(PEOPLE)))
    calls = client.emulator.stats.calls
    before = calls["answerCallbackQuery"]
    bot = (application or bot_application)(db, client)
    return await timed(db, bot, taps, lambda: calls["answerCallbackQuery"] - before)


async def tap_on(client: SandboxClient, person: int, message_id: int, data: str) -> None:
    await client.request(
        "POST",
        "/callbacks",
        json={"user_id": person, "chat_id": person, "message_id": message_id, "data": data, "forge": True},
    )


async def timed(
    db: Database, application: Application[Any, Any, Any, Any, Any, Any], taps: int, answered: Callable[[], int]
) -> Run:
    """Taps a second, and the SQL statements the bot sent a tap meanwhile."""
    statements = Statements(db)
    statements.start()
    rate = await rate_of(application, count=taps, answered=answered)
    return Run(rate, statements.count / taps)


async def orders_in_approval(db: Database, count: int) -> list[tuple[int, int]]:
    """`count` small orders of the first manager, put in approval: (order id, version) of each."""
    async with db.reading() as session:
        manager = await session.scalar(select(Person.id).where(Person.telegram_id == MANAGER))
        customer = await session.scalar(select(Counterparty.id).order_by(Counterparty.id).limit(1))
        item = await session.scalar(select(Item.id).order_by(Item.id).limit(1))
    assert manager is not None and customer is not None and item is not None
    orders = []
    for _ in range(count):
        card = await uc.register_request(db, actor_id=manager, counterparty_id=customer, now=BOT_NOW)
        await uc.add_line(
            db, actor_id=manager, order_id=card.id, item_id=item, quantity="1", required_by=REQUIRED_BY, now=BOT_NOW
        )
        card = await uc.submit_for_approval(db, actor_id=manager, order_id=card.id, now=BOT_NOW)
        orders.append((card.id, card.version))
    return orders


async def decisions_a_second(db: Database, client: SandboxClient, *, typed: bool, count: int = DECISIONS) -> Run:
    """The two approvers decide the orders in approval, each half: an approve tap, or "return" and a reason.

    A typed reason is a tap (the question, the keyboard) then a message (the vote, the new card):
    both are queued beforehand, in that order, and the time runs until the last new card is sent.
    """
    orders = await orders_in_approval(db, count)
    listings = await registries_on_screen(db, client, APPROVERS)
    for n, (order_id, version) in enumerate(orders):
        person = APPROVERS[n % len(APPROVERS)]
        action = "return" if typed else "approve"
        await tap_on(client, person, listings[person].message_id, pack(Prefix.ORDER, order_id, version, action))
        if typed:
            await client.request("POST", "/messages", json={"user_id": person, "text": f"Уточнить сроки, заказ {n}"})
    calls = client.emulator.stats.calls
    if not typed:
        before = calls["answerCallbackQuery"]
        return await timed(db, bot_application(db, client), count, lambda: calls["answerCallbackQuery"] - before)
    # A decision made deletes the question it answered: one deleteMessage each (the first takes the registry
    # message the taps are forged on, so later questions are sent anew rather than edited in: a little dearer).
    deleted = calls["deleteMessage"]
    return await timed(db, bot_application(db, client), count, lambda: calls["deleteMessage"] - deleted)


async def on_fresh_demo(measure: Callable[[Database, SandboxClient], Awaitable[Run]]) -> Run:
    """A measurement on a fresh demo database and a fresh emulator."""
    running = await start()
    client = SandboxClient(running.base_url, running=running, timeout=30)
    try:
        async with demo_database() as db:
            return await measure(db, client)
    finally:
        await client.close()
        await running.stop()


async def bot_rate(
    tap: TapData,
    *,
    taps: int = TAPS,
    application: Callable[[Database, SandboxClient], Application[Any, Any, Any, Any, Any, Any]] | None = None,
) -> Run:
    """Taps a second of the real bot (or `application`) on the registry."""
    return await on_fresh_demo(lambda db, client: taps_a_second(db, client, tap, taps=taps, application=application))


async def decision_rate(*, typed: bool) -> Run:
    """Decisions a second of the real bot, many orders in approval."""
    return await on_fresh_demo(lambda db, client: decisions_a_second(db, client, typed=typed))


@benchmark
async def bot_taps() -> list[Figure]:
    echo, bare, cards, pages, approvals, reasons = [], [], [], [], [], []
    for _ in range(ROUNDS):  # alternated, best of each, so a noisy moment does not hurt one side only
        echo.append(await echo_bot_rate(through="emulator"))
        bare.append((await bot_rate(page_tap, application=bare_application)).rate)
        cards.append(await bot_rate(card_tap))
        pages.append(await bot_rate(page_tap))
        approvals.append(await decision_rate(typed=False))
        reasons.append(await decision_rate(typed=True))
    reference, bare_taps = max(echo), max(bare)
    people, approvers = len(PEOPLE), len(APPROVERS)
    card, page, approve, reason = best(cards), best(pages), best(approvals), best(reasons)
    return [
        Figure("echo bot through the emulator (this run)", reference, "updates/s"),
        # A tap costs two Bot API calls (answer, edit) where an echo costs one: this is the ceiling of any tap.
        Figure(f"bare taps (answer + edit, no work), {people} people", bare_taps, "taps/s", reference, "echo bot"),
        Figure(f"order cards opened from the registry, {people} people", card.rate, "taps/s", reference, "echo bot"),
        Figure(f"registry pages turned (◀ ▶), {people} people", page.rate, "taps/s", reference, "echo bot"),
        Figure("order cards beside bare taps", card.rate, "taps/s", bare_taps, "bare taps"),
        Figure("registry pages beside bare taps", page.rate, "taps/s", bare_taps, "bare taps"),
        Figure(
            f"approve taps (a vote that writes), {approvers} approvers", approve.rate, "taps/s", bare_taps, "bare taps"
        ),
        Figure(
            f"a typed reason (tap return, type why), {approvers} approvers",
            reason.rate,
            "reasons/s",
            bare_taps,
            "bare taps",
        ),
        Figure("SQL statements per card tap", card.statements, "statements"),
        Figure("SQL statements per page tap", page.statements, "statements"),
        Figure("SQL statements per approve tap", approve.statements, "statements"),
        Figure("SQL statements per typed reason (tap and text)", reason.statements, "statements"),
    ]


def best(runs: list[Run]) -> Run:
    """The faster run (the statements a tap are the same in every run)."""
    return max(runs, key=lambda run: run.rate)
