"""Fixtures for the sandbox's own tests: a strict emulator, a Bot on it, and bots that run."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import pytest
from telegram import Bot
from telegram.ext import Application, BaseHandler
from telegram.request import HTTPXRequest

from sandbox.testing import SandboxClient, running_sandbox

StartBot = Callable[..., Awaitable[Application[Any, Any, Any, Any, Any, Any]]]


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxClient]:
    """A strict emulator on a free port; the test fails if the Bot API contract broke on the way."""
    async with running_sandbox() as client:
        yield client


def make_bot(sandbox: SandboxClient, *, read_timeout: float = 5.0, token: str | None = None) -> Bot:
    return Bot(
        token or sandbox.token,
        base_url=sandbox.bot_api_url,
        base_file_url=sandbox.file_url,
        request=HTTPXRequest(read_timeout=read_timeout, connect_timeout=2.0),
    )


@pytest.fixture
async def bot(sandbox: SandboxClient) -> AsyncIterator[Bot]:
    """python-telegram-bot's Bot, initialised against the sandbox."""
    async with make_bot(sandbox) as ready:
        yield ready


@asynccontextmanager
async def polling_application(
    sandbox: SandboxClient,
    handlers: list[BaseHandler[Any, Any, Any]],
    *,
    track: bool = False,
    **builder_options: Any,
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """A real Application polling the sandbox with the given handlers, shut down cleanly afterwards.

    With track, it tells the sandbox when it has handled each update (exact waits).
    """
    builder = Application.builder().token(sandbox.token).base_url(sandbox.bot_api_url)
    builder = builder.base_file_url(sandbox.file_url).get_updates_read_timeout(5)
    for name, value in builder_options.items():
        builder = getattr(builder, name)(value)
    application = builder.build()
    application.add_handlers(handlers)
    if track:
        await sandbox.track(application)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=1, poll_interval=0)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()


@pytest.fixture
async def start_polling_bot(sandbox: SandboxClient) -> AsyncIterator[StartBot]:
    """start_polling_bot(handlers, track=False, **builder_options): a polling Application, stopped after."""
    async with AsyncExitStack() as stack:

        async def start(
            handlers: list[BaseHandler[Any, Any, Any]], **options: Any
        ) -> Application[Any, Any, Any, Any, Any, Any]:
            return await stack.enter_async_context(polling_application(sandbox, handlers, **options))

        yield start
