"""Realistic flood limits: bursts meet 429 with a retry_after, and AIORateLimiter gets through."""

import asyncio

import aiohttp
import pytest
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, ExtBot

from sandbox.limits import Limits
from sandbox.testing import SandboxClient

ANNA = 1001


@pytest.fixture
async def anna(sandbox: SandboxClient) -> int:
    await sandbox.user(ANNA).send_nowait("/start")
    return ANNA


async def send(sandbox: SandboxClient, chat_id: int, text: str) -> tuple[int, dict[str, object]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{sandbox.bot_api_url}{sandbox.token}/sendMessage", json={"chat_id": chat_id, "text": text}
        ) as response,
    ):
        return response.status, await response.json()


async def test_limits_are_off_by_default(sandbox: SandboxClient, anna: int) -> None:
    statuses = [(await send(sandbox, anna, str(n)))[0] for n in range(10)]
    assert set(statuses) == {200}


async def test_a_burst_to_one_chat_meets_429_after_three_messages(sandbox: SandboxClient, anna: int) -> None:
    await sandbox.set_limits(realistic=True)
    answers = [await send(sandbox, anna, str(n)) for n in range(4)]
    assert [status for status, _ in answers] == [200, 200, 200, 429]
    assert answers[-1][1] == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert (await sandbox.stats())["rate_limited"] == 1


async def test_other_chats_are_not_held_back_by_a_busy_one(sandbox: SandboxClient, anna: int) -> None:
    await sandbox.user(2002).send_nowait("/start")
    await sandbox.set_limits(realistic=True)
    for n in range(3):
        await send(sandbox, anna, str(n))
    assert (await send(sandbox, 2002, "hello"))[0] == 200


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own retry_after notice
async def test_ptbs_rate_limiter_gets_every_message_through(sandbox: SandboxClient, anna: int) -> None:
    await sandbox.set_limits(realistic=True, time_scale=50)
    bot = ExtBot(sandbox.token, base_url=sandbox.bot_api_url, rate_limiter=AIORateLimiter(max_retries=5))
    async with bot:
        sent = await asyncio.gather(*(bot.send_message(anna, str(n)) for n in range(6)))
    assert sorted(int(m.text or "") for m in sent) == list(range(6))
    assert (await sandbox.stats())["rate_limited"] >= 1


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_without_a_rate_limiter_ptb_sees_retry_after(sandbox: SandboxClient, anna: int) -> None:
    await sandbox.set_limits(realistic=True)
    bot = ExtBot(sandbox.token, base_url=sandbox.bot_api_url)
    async with bot:
        with pytest.raises(RetryAfter):
            for n in range(4):
                await bot.send_message(anna, str(n))


def test_a_group_sent_one_message_a_second_is_held_back_within_half_a_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1000.0]
    monkeypatch.setattr("sandbox.limits.time.monotonic", lambda: now[0])
    limits = Limits()
    limits.configure(realistic=True)
    accepted = 0
    while limits.retry_after(1, "sendMessage", -100, "group") is None:
        accepted += 1
        now[0] += 1.0  # one a second keeps within the per-chat limit, not the group's 20 a minute
    assert 20 <= accepted <= 30
    private_chat_accepted = sum(limits.retry_after(1, "sendMessage", 100 + n, "private") is None for n in range(10))
    assert private_chat_accepted == 10


def test_time_scale_shortens_the_wait_told_to_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sandbox.limits.time.monotonic", lambda: 5000.0)
    limits = Limits()
    limits.configure(realistic=True)
    for _ in range(3):
        limits.retry_after(1, "sendMessage", 7, "private")
    assert limits.retry_after(1, "sendMessage", 7, "private") == 1
    assert limits.retry_after(1, "editMessageText", 7, "private") is None  # only sending counts
