"""The real bot, polling the sandbox emulator, on a database with the demo company.

Tests talk to it as the demo people do: `manager = sandbox.user(1001)`,
`await manager.send("/orders")`, `await manager.tap("▶")`, `manager.last_message.text`.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.app import build_application, halt, launch
from bot.services import Services
from bot.settings import BotSettings
from core.db import Database
from core.demo_data import load_demo_data
from core.migrate import upgrade
from core.settings import Settings
from sandbox.testing import SandboxClient, SandboxUser, running_sandbox
from tests.conftest import NO_PG, PG_URL, create_database, drop_database, run_database_name, sqlite_url

# The demo is loaded as of this moment, and the bot's clock stands a little after it.
DEMO_NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
BOT_NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

ADMIN, MANAGER, HEAD, PLANNER, ACCOUNTANT, OTHER_MANAGER, FINANCE = 1000, 1001, 1002, 1003, 1004, 1005, 1006


@pytest.fixture(scope="session")
async def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the demo company, loaded once and copied for each test."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db = Database(sqlite_url(path))
    await upgrade(db)
    await load_demo_data(db, now=DEMO_NOW)
    await db.dispose()
    return path


@dataclass
class RunningBot:
    """The bot under test and what it runs on; `restart()` replaces the process, keeping the database."""

    sandbox: SandboxClient
    db: Database
    application: Application[Any, Any, Any, Any, Any, Any]
    clock: Callable[[], datetime]

    notify: bool = False

    def user(self, telegram_id: int, **profile: Any) -> SandboxUser:
        profile.setdefault("first_name", f"User{telegram_id}")
        profile.setdefault("language_code", "ru")
        return self.sandbox.user(telegram_id, **profile)

    async def restart(self) -> None:
        await stop_bot(self.application)
        self.application = await start_bot(self.sandbox, self.db, self.clock, notify=self.notify)


async def start_bot(
    sandbox: SandboxClient, db: Database, clock: Callable[[], datetime], *, notify: bool = False, **settings: Any
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot polling the sandbox; `notify` starts its dispatcher and scheduler too (`ORDERBOT_NOTIFY`).

    Without them, what a test reads in a chat is only the bot's answers to that test's own steps.
    """
    bot_settings = BotSettings(
        TELEGRAM_BOT_TOKEN=sandbox.token,
        TELEGRAM_API_BASE_URL=sandbox.bot_api_url,
        TELEGRAM_API_FILE_URL=sandbox.file_url,
        ORDERBOT_NOTIFY=notify,
        **settings,
    )
    services = Services(db=db, settings=Settings(), bot_settings=bot_settings, clock=clock)
    application = build_application(services, rate_limited=False)
    # The sandbox then knows when the bot has finished each update, so waits are exact, not timed.
    await sandbox.track(application)
    await launch(application)
    assert application.updater is not None
    await application.updater.start_polling(timeout=1, poll_interval=0)
    return application


async def stop_bot(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await halt(application)


@pytest.fixture(scope="session")
async def postgres_demo_template() -> AsyncIterator[str]:
    """A PostgreSQL database with the demo company, which each test's database is copied from."""
    if not PG_URL:
        pytest.skip(NO_PG)
    name = run_database_name("demo")
    db = Database(await create_database(name))
    await upgrade(db)
    await load_demo_data(db, now=DEMO_NOW)
    await db.dispose()  # a template must have no connections when it is copied
    yield name
    await drop_database(name)


@pytest.fixture
async def sqlite_demo(tmp_path: Path, demo_template: Path) -> AsyncIterator[Database]:
    path = tmp_path / "orderbot.sqlite3"
    shutil.copy(demo_template, path)
    db = Database(sqlite_url(path))
    yield db
    await db.dispose()


@pytest.fixture
async def postgres_demo(postgres_demo_template: str) -> AsyncIterator[Database]:
    name = run_database_name("e2e")
    db = Database(await create_database(name, template=postgres_demo_template))
    yield db
    await db.dispose()
    await drop_database(name)


@pytest.fixture(params=["sqlite", "postgres"])
def demo_db(request: pytest.FixtureRequest) -> Database:
    """The demo company on each kind of database the bot runs on."""
    database: Database = request.getfixturevalue(f"{request.param}_demo")
    return database


# The demo staff, who have all started the bot: Telegram lets a bot write first only to them.
STAFF = (ADMIN, MANAGER, HEAD, PLANNER, ACCOUNTANT, OTHER_MANAGER, FINANCE)


@pytest.fixture
async def notifying_bot(demo_db: Database) -> AsyncIterator[RunningBot]:
    """The bot with its notification dispatcher and scheduler running, as `orderbot run` starts it."""
    async with running_sandbox() as sandbox:
        for telegram_id in STAFF:
            await sandbox.register_user(telegram_id, first_name=f"User{telegram_id}", language_code="ru")
        application = await start_bot(sandbox, demo_db, lambda: BOT_NOW, notify=True)
        running = RunningBot(sandbox=sandbox, db=demo_db, application=application, clock=lambda: BOT_NOW, notify=True)
        try:
            yield running
        finally:
            await stop_bot(running.application)


@pytest.fixture
async def running_bot(demo_db: Database) -> AsyncIterator[RunningBot]:
    db = demo_db
    async with running_sandbox() as sandbox:
        application = await start_bot(sandbox, db, lambda: BOT_NOW)
        running = RunningBot(sandbox=sandbox, db=db, application=application, clock=lambda: BOT_NOW)
        try:
            yield running
        finally:
            await stop_bot(running.application)
