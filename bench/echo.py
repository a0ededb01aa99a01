"""How fast a bare python-telegram-bot echo bot runs through the emulator, beside a minimal fake server.

`echo_bot_rate()` is the reusable yardstick: a bot of ours measured in the same run can be put
beside it (`rate_of` times any polling Application the same way).
"""

import asyncio
import time
from collections.abc import Callable
from typing import Any, Literal

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bench.fake_telegram import FakeTelegram, start_fake
from bench.registry import Figure, benchmark
from sandbox.server import start
from sandbox.testing import SandboxClient, make_token

UPDATES = 2000
ROUNDS = 2
PEOPLE = 10


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say the same text back."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


def echo_application(base_url: str, token: str = make_token()) -> Application[Any, Any, Any, Any, Any, Any]:
    application = (Application.builder().token(token).base_url(f"{base_url}/bot")
                   .base_file_url(f"{base_url}/file/bot").get_updates_read_timeout(15).build())
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


async def rate_of(application: Application[Any, Any, Any, Any, Any, Any], *, count: int,
                  answered: Callable[[], int], limit_seconds: float = 120.0) -> float:
    """Updates a second: start the application polling, time until `answered()` reaches `count`."""
    async with application:
        await application.start()
        assert application.updater is not None
        started = time.perf_counter()
        await application.updater.start_polling(timeout=10, poll_interval=0)
        while answered() < count:
            if time.perf_counter() - started > limit_seconds:
                raise TimeoutError(f"only {answered()} of {count} answered in {limit_seconds} s")
            await asyncio.sleep(0.002)
        elapsed = time.perf_counter() - started
        await application.updater.stop()
        await application.stop()
    return count / elapsed


async def echo_bot_rate(*, through: Literal["emulator", "fake"] = "emulator", updates: int = UPDATES,
                        strict: bool = False) -> float:
    """Updates a second of an echo bot polling the emulator (or the fake server), all queued beforehand."""
    if through == "fake":
        fake = FakeTelegram()
        runner, base_url = await start_fake(fake)
        try:
            for n in range(updates):
                fake.add_text(1000 + n % PEOPLE, f"echo {n}")
            return await rate_of(echo_application(base_url), count=updates, answered=lambda: fake.sent)
        finally:
            await runner.cleanup()
    running = await start(strict=strict)
    client = SandboxClient(running.base_url)
    try:
        for n in range(updates):  # queued through the control API, as tests and demos do
            await client.request("POST", "/messages", json={"user_id": 1000 + n % PEOPLE, "text": f"echo {n}"})
        calls = running.emulator.stats.calls
        return await rate_of(echo_application(running.base_url), count=updates,
                             answered=lambda: calls["sendMessage"])
    finally:
        await client.close()
        await running.stop()


@benchmark
async def echo_bot() -> list[Figure]:
    fake, emulator = [], []
    for _ in range(ROUNDS):  # alternated, best of each, so a noisy moment does not hurt one side only
        fake.append(await echo_bot_rate(through="fake"))
        emulator.append(await echo_bot_rate(through="emulator"))
    strict = await echo_bot_rate(through="emulator", strict=True)
    return [
        Figure("echo bot through a minimal fake server", max(fake), "updates/s"),
        Figure("echo bot through the emulator", max(emulator), "updates/s", max(fake), "minimal fake server"),
        Figure("echo bot through the strict emulator", strict, "updates/s", max(fake), "minimal fake server"),
    ]
