"""The composition root: the Application with its routing table (`bot.routes`), the database and the settings."""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram import Bot, BotCommand
from telegram.ext import AIORateLimiter, Application, ContextTypes
from telegram.request import HTTPXRequest

from bot.notices.dispatcher import Dispatcher, DispatchSettings
from bot.notices.limits import SendLimits
from bot.ordering import PerPersonOrder
from bot.routes import handlers
from bot.scheduler import build_scheduler
from bot.services import SERVICES, Services
from templates.commands import commands_for

log = logging.getLogger(__name__)
BACKGROUND = "orderbot.background"


@dataclass
class Background:
    """What runs beside the handlers in every process: the notification dispatcher and the scheduler."""

    bot: Bot
    dispatcher: Dispatcher
    scheduler: AsyncIOScheduler


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
    services: Services = application.bot_data[SERVICES]
    if services.bot_settings.notify:
        application.bot_data[BACKGROUND] = await start_background(services)


async def halt(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop receiving updates, finish the ones under way, and let go of the bot's resources."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    background: Background | None = application.bot_data.pop(BACKGROUND, None)
    if background is not None:
        await stop_background(background)
    if application.running:
        await application.stop()
    await application.shutdown()


async def start_background(services: Services, *, limits: SendLimits | None = None) -> Background:
    """The dispatcher, sending through a bot of its own (it keeps Telegram's limits itself: `bot.notices.limits`),
    and the scheduler; handlers wake the dispatcher after each update."""
    settings = services.bot_settings
    request = HTTPXRequest(connection_pool_size=64)
    bot = (
        Bot(settings.token, base_url=settings.api_base_url, base_file_url=settings.file_url, request=request)
        if settings.file_url
        else Bot(settings.token, base_url=settings.api_base_url, request=request)
    )
    await bot.initialize()
    dispatch = DispatchSettings(
        poll=settings.notify_poll,
        send_timeout=settings.notify_send_timeout,
        max_tries=settings.notify_max_tries,
        backoff=settings.notify_backoff,
    )
    dispatcher = Dispatcher(
        bot,
        services.db,
        clock=services.clock,
        worker=f"{socket.gethostname()}:{os.getpid()}:{id(services):x}",
        settings=dispatch,
        limits=limits or SendLimits(overall_per_second=settings.notify_rate),
    )
    scheduler = build_scheduler(services.db, services.clock)
    dispatcher.start()
    scheduler.start()
    services.wake_dispatcher = dispatcher.wake
    return Background(bot=bot, dispatcher=dispatcher, scheduler=scheduler)


async def stop_background(background: Background) -> None:
    """Stop the timers, let the dispatcher finish what it is sending (a few seconds at most), close its bot."""
    background.scheduler.shutdown(wait=False)
    await background.dispatcher.stop()
    await background.bot.shutdown()


async def _prepare(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Learn the bot's username (for invitation links) and set the menu strangers see."""
    services: Services = application.bot_data[SERVICES]
    services.bot_username = application.bot.username
    for lang in ("ru", "en"):
        commands = [BotCommand(name, description) for name, description in commands_for([], lang)]
        await application.bot.set_my_commands(commands, language_code=lang)


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)
