"""What every handler needs: the database, the settings and the clock, kept in the Application."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram.ext import ContextTypes

from bot.settings import BotSettings
from core.db import Database
from core.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    db: Database
    settings: Settings
    bot_settings: BotSettings
    # Tests move time by replacing the clock; nothing else reads the wall clock.
    clock: Callable[[], datetime] = field(default=utc_now)
    bot_username: str = ""
    # Handlers call it after each update: the dispatcher (bot.notices) looks for notices at once.
    wake_dispatcher: Callable[[], None] = field(default=lambda: None)

    def now(self) -> datetime:
        return self.clock()


SERVICES = "orderbot.services"


def services(context: ContextTypes.DEFAULT_TYPE | Any) -> Services:
    found: Services = context.application.bot_data[SERVICES]
    return found
