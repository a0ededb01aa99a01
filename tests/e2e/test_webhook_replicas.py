"""Webhook mode: the bot behind a secret-token webhook, and a conversation that moves between replicas."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.app import build_application, launch
from bot.runner import PortBusy, receive_updates
from bot.services import Services
from bot.settings import BotSettings, UnsafeSettings
from core.db import Database
from core.settings import Settings
from sandbox.testing import SandboxClient, running_sandbox
from tests.conftest import sqlite_url
from tests.e2e.conftest import BOT_NOW, MANAGER, stop_bot


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_settings(sandbox: SandboxClient, *, port: int, secret: str = "replica_Secret-1") -> BotSettings:
    return BotSettings(
        TELEGRAM_BOT_TOKEN=sandbox.token,
        TELEGRAM_API_BASE_URL=sandbox.bot_api_url,
        TELEGRAM_API_FILE_URL=sandbox.file_url,
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        TELEGRAM_WEBHOOK_SECRET=secret,
        TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        TELEGRAM_WEBHOOK_PORT=port,
    )


async def replica(sandbox: SandboxClient, db: Database) -> Application[Any, Any, Any, Any, Any, Any]:
    """One bot process in webhook mode, as `orderbot run` starts it with TELEGRAM_WEBHOOK_URL set."""
    settings = webhook_settings(sandbox, port=free_port())
    application = build_application(Services(db=db, settings=Settings(), bot_settings=settings, clock=lambda: BOT_NOW))
    await sandbox.track(application)
    await launch(application)
    await receive_updates(application, settings)
    return application


async def test_a_conversation_started_on_one_replica_goes_on_on_another(tmp_path: Path, demo_template: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    shutil.copy(demo_template, path)
    db = Database(sqlite_url(path))
    async with running_sandbox() as sandbox:
        manager = sandbox.user(MANAGER, first_name="Анна", language_code="ru")
        first = await replica(sandbox, db)
        info = await first.bot.get_webhook_info()
        assert info.url.endswith("/telegram") and info.pending_update_count == 0
        await manager.send("/new")
        await manager.send("Ромашка")
        await stop_bot(first)  # the load balancer now sends everything to the other replica
        second = await replica(sandbox, db)
        try:
            assert manager.last_message.buttons, "the counterparty matches were offered as buttons"
            await manager.tap(manager.last_message.buttons[0][0].text)
            assert "Новая заявка: ООО «Ромашка»" in manager.last_message.text, manager.last_message.text
        finally:
            await stop_bot(second)
    await db.dispose()


async def test_a_webhook_without_a_secret_does_not_listen_and_says_how_to_set_one(
    tmp_path: Path, demo_template: Path
) -> None:
    db = Database(sqlite_url(tmp_path / "unused.sqlite3"))
    async with running_sandbox() as sandbox:
        port = free_port()
        settings = webhook_settings(sandbox, port=port, secret="")
        application = build_application(Services(db=db, settings=Settings(), bot_settings=settings))
        await launch(application)
        try:
            with pytest.raises(UnsafeSettings, match="Set TELEGRAM_WEBHOOK_SECRET"):
                await receive_updates(application, settings)
            assert (await application.bot.get_webhook_info()).url == "", "Telegram was not told to send updates"
            with socket.socket() as probe:
                assert probe.connect_ex(("127.0.0.1", port)) != 0, "nothing listens for forged updates"
        finally:
            await stop_bot(application)
    await db.dispose()


async def test_a_replica_on_a_busy_port_names_the_port_and_its_setting(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path / "unused.sqlite3"))
    async with running_sandbox() as sandbox:
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 0))
            holder.listen()
            port = int(holder.getsockname()[1])
            settings = webhook_settings(sandbox, port=port)
            application = build_application(Services(db=db, settings=Settings(), bot_settings=settings))
            await launch(application)
            try:
                with pytest.raises(PortBusy, match=f"port {port} is already in use.*TELEGRAM_WEBHOOK_PORT={port + 1}"):
                    await receive_updates(application, settings)
            finally:
                await stop_bot(application)
    await db.dispose()
