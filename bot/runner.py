"""`orderbot run`: the bot against Telegram (polling or webhook), or, without a token, the sandbox."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
from collections.abc import Iterator, Sequence
from typing import Any

import aiohttp
from telegram import Update
from telegram.ext import Application

from bot.app import build_application, halt, launch
from bot.services import Services, utc_now
from bot.settings import BotSettings
from core.db import Database
from core.migrate import upgrade
from core.settings import Settings
from core.use_cases.people import PersonView

log = logging.getLogger(__name__)


async def run(settings: Settings, bot_settings: BotSettings) -> None:
    """Run until interrupted (Ctrl+C or SIGTERM); refuse at once to start a webhook without a secret."""
    bot_settings.check_webhook()
    db = Database(settings.database_url, echo=settings.echo_sql)
    await upgrade(db)
    sandbox = None
    if not bot_settings.token:
        sandbox, bot_settings = await start_sandbox(db, settings, bot_settings)
    application = build_application(Services(db=db, settings=settings, bot_settings=bot_settings))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await launch(application)
        try:
            await receive_updates(application, bot_settings)
            if sandbox is not None:
                print_sandbox_help(sandbox.base_url, application.bot.username, sandbox.webchat_url)
            await stop.wait()
        finally:
            await halt(application)
    finally:
        if sandbox is not None:
            await sandbox.stop()
        await db.dispose()


async def receive_updates(application: Application[Any, Any, Any, Any, Any, Any], settings: BotSettings) -> None:
    """Long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set (several replicas behind one URL)."""
    updater = application.updater
    assert updater is not None
    if settings.webhook_url:
        settings.check_webhook()
        with port_of(settings.webhook_port, setting="TELEGRAM_WEBHOOK_PORT"):
            await updater.start_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=settings.webhook_path,
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
        log.info("receiving updates at %s", settings.webhook_url)
    else:
        await updater.start_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
        log.info("polling for updates")


async def start_sandbox(db: Database, settings: Settings, bot_settings: BotSettings) -> tuple[Any, BotSettings]:
    """The local Telegram, with the demo company in the database if it has no orders yet."""
    from core.demo_data import load_demo_data
    from core.use_cases import list_people
    from sandbox.server import open_webchat
    from sandbox.server import start as start_emulator
    from sandbox.testing import make_token

    with port_of(bot_settings.sandbox_port, setting="ORDERBOT_SANDBOX_PORT"):
        running = await start_emulator("127.0.0.1", bot_settings.sandbox_port)
    try:
        with port_of(bot_settings.webchat_port, setting="ORDERBOT_WEBCHAT_PORT"):
            await open_webchat(running, bot_settings.webchat_port)
    except PortBusy:
        await running.stop()
        raise
    if not await list_people(db):
        await load_demo_data(
            db, now=utc_now(), number_prefix=settings.order_number_prefix, number_digits=settings.order_number_digits
        )
    await staff_have_started(running.base_url, await list_people(db))
    configured = bot_settings.model_copy(
        update={"token": make_token(), "api_base_url": running.bot_api_url, "api_file_url": running.file_url}
    )
    return running, configured


async def staff_have_started(base_url: str, people: Sequence[PersonView]) -> None:
    """Telegram lets a bot write first only to people who have started it: in the sandbox, the staff have."""
    async with aiohttp.ClientSession() as http:
        for person in people:
            if person.telegram_id is None:
                continue
            last, first, *_ = [*person.full_name.split(), "", ""]
            profile = {"user_id": person.telegram_id, "first_name": first or last, "last_name": last,
                       "label": ", ".join(sorted(person.roles))}  # shown in the web chat's person picker
            async with http.post(f"{base_url}/__control/users", json={**profile, "language_code": person.language}):
                pass


class PortBusy(Exception):
    """The port the bot would listen on is taken; the message names it and the setting that changes it."""


@contextlib.contextmanager
def port_of(port: int, *, setting: str) -> Iterator[None]:
    """Listening on `port`: when another process holds it, say which port and which setting moves us."""
    try:
        yield
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        raise PortBusy(
            f"port {port} is already in use (another `orderbot run` or `orderbot sandbox`?). Stop that process, "
            f"or choose another port with the setting {setting}, e.g. {setting}={port + 1}"
        ) from error


def print_sandbox_help(base_url: str, username: str, webchat_url: str | None = None) -> None:
    control = f"{base_url}/__control"
    if webchat_url:
        print(f"\nChat with the bot in a browser, as any of the demo staff: {webchat_url}", flush=True)
    print(
        f"\norderbot is running against the local sandbox at {base_url} (bot @{username}).\n"
        "Talk to it as the demo staff through the sandbox's control API, for example as manager 1001;\n"
        "each call answers with the chat's revision, and the bot's answer comes after it, so wait for it:\n"
        f"  R=$(curl -s {control}/messages -H 'Content-Type: application/json' "
        '-d \'{"user_id": 1001, "text": "/orders"}\' '
        "| python3 -c 'import json, sys; print(json.load(sys.stdin)[\"revision\"])')\n"
        f'  curl -s "{control}/chats/1001?wait_revision_gt=$R"\n'
        "Staff: admin 1000, managers 1001 and 1005, approver and head of sales 1002, finance 1006, "
        "planner 1003, accountant 1004.  Stop with Ctrl+C.\n",
        flush=True,
    )
