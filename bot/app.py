"""The composition root: the Application with its routing table (`bot.routes`), the database and the settings."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand
from telegram.ext import AIORateLimiter, Application, ContextTypes

from bot.ordering import PerPersonOrder
from bot.routes import handlers
from bot.services import SERVICES, Services
from templates.commands import commands_for

log = logging.getLogger(__name__)


def build_application(services: Services, *, rate_limited: bool = True) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot, wired to its services; it talks to whatever Bot API server the settings name."""
    settings = services.bot_settings
    builder = (
        Application.builder().token(settings.token).base_url(settings.api_base_url).concurrent_updates(PerPersonOrder())
    )
    if settings.file_url:
        builder = builder.base_file_url(settings.file_url)
    if rate_limited:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    application = builder.build()
    application.bot_data[SERVICES] = services
    application.add_handlers(handlers())  # the routing table: bot/routes.py
    application.add_error_handler(_log_error)
    return application


async def launch(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Initialise and start the bot; updates are then received by polling or a webhook."""
    await application.initialize()
    await _prepare(application)
    await application.start()


async def halt(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop receiving updates, finish the ones under way, and let go of the bot's resources."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


async def _prepare(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Learn the bot's username (for invitation links) and set the menu strangers see."""
    services: Services = application.bot_data[SERVICES]
    services.bot_username = application.bot.username
    for lang in ("ru", "en"):
        commands = [BotCommand(name, description) for name, description in commands_for([], lang)]
        await application.bot.set_my_commands(commands, language_code=lang)


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)
