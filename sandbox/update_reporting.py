"""Telling the sandbox when a python-telegram-bot Application has finished each update.

With it, waiting for the bot needs no quiet period: the sandbox knows the handler is done. This
is the one module of the sandbox that imports python-telegram-bot; only sandbox.testing uses it.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

Report = Callable[[int], Awaitable[None]]


class ReportingUpdateProcessor(BaseUpdateProcessor):
    """Runs updates as the processor it wraps does, then reports each update_id as handled."""

    def __init__(self, inner: BaseUpdateProcessor, report: Report) -> None:
        super().__init__(inner.max_concurrent_updates)
        self._inner = inner
        self._report = report

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        try:
            await self._inner.do_process_update(update, coroutine)
        finally:
            if isinstance(update, Update):
                await self._report(update.update_id)

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()


def report_handled_updates(application: Any, report: Report) -> None:
    """Make a built, not yet initialised Application report every update it finishes handling.

    The processor is swapped in place because the bot under test builds its own Application; for
    one built here, `ApplicationBuilder().concurrent_updates(ReportingUpdateProcessor(...))` is
    the public way to the same end.
    """
    application._update_processor = ReportingUpdateProcessor(application._update_processor, report)
