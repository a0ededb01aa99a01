"""Fault rules make chosen calls fail, and python-telegram-bot sees each failure as Telegram's."""

from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from sandbox.testing import SandboxClient
from tests.sandbox.conftest import make_bot

ANNA = 1001


@pytest.fixture
async def anna(sandbox: SandboxClient) -> int:
    await sandbox.user(ANNA).send_nowait("/start")
    return ANNA


@pytest.fixture
async def impatient_bot(sandbox: SandboxClient) -> AsyncIterator[Bot]:
    """A bot that waits 0.3 s for an answer, so a delayed or hung call times out quickly."""
    bot = make_bot(sandbox, read_timeout=0.3)
    await bot.initialize()
    yield bot
    await bot.shutdown()


async def bot_texts(sandbox: SandboxClient, chat_id: int) -> list[str]:
    transcript = await sandbox.transcript(chat_id)
    return [m["text"] for m in transcript["messages"] if m["from"] == "bot"]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own retry_after notice
async def test_a_429_with_retry_after_reaches_ptb_as_retry_after(bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    await sandbox.add_fault("error", method="sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter, match=r"^Flood control exceeded. Retry in 3 seconds$"):
        await bot.send_message(anna, "hi")


async def test_a_403_reaches_ptb_as_forbidden(bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    await sandbox.add_fault("error", method="sendMessage", status=403)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(anna, "hi")


async def test_a_400_with_any_description_reaches_ptb_as_bad_request(
    bot: Bot, anna: int, sandbox: SandboxClient
) -> None:
    await sandbox.add_fault(
        "error", method="editMessageText", status=400, description="Bad Request: message to edit not found"
    )
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=anna, message_id=1)


async def test_a_5xx_html_page_reaches_ptb_as_network_error(bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    await sandbox.add_fault("html", method="sendMessage", status=502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(anna, "hi")


async def test_a_dropped_connection_reaches_ptb_as_network_error(bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    await sandbox.add_fault("reset", method="sendMessage")
    with pytest.raises(NetworkError) as failure:
        await bot.send_message(anna, "hi")
    assert not isinstance(failure.value, TimedOut)
    assert await bot_texts(sandbox, anna) == []


async def test_a_delay_past_the_clients_timeout_times_out_yet_the_message_is_sent(
    impatient_bot: Bot, anna: int, sandbox: SandboxClient
) -> None:
    await sandbox.add_fault("delay", method="sendMessage", seconds=0.6)
    with pytest.raises(TimedOut):
        await impatient_bot.send_message(anna, "late")
    await sandbox.request("GET", f"/chats/{anna}", params={"wait_revision_gt": 1, "timeout": 3})
    assert await bot_texts(sandbox, anna) == ["late"]


async def test_apply_then_hang_sends_the_message_but_never_answers(
    impatient_bot: Bot, anna: int, sandbox: SandboxClient
) -> None:
    await sandbox.add_fault("apply_then_hang", method="sendMessage")
    with pytest.raises(TimedOut):
        await impatient_bot.send_message(anna, "sent, unconfirmed")
    assert await bot_texts(sandbox, anna) == ["sent, unconfirmed"]


async def test_hang_neither_sends_nor_answers(impatient_bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    await sandbox.add_fault("hang", method="sendMessage")
    with pytest.raises(TimedOut):
        await impatient_bot.send_message(anna, "lost")
    assert await bot_texts(sandbox, anna) == []


async def test_nth_and_count_pick_exactly_the_calls_that_fail(bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    await sandbox.add_fault("error", method="sendMessage", status=500, nth=2, count=2)
    outcomes = []
    for n in range(5):
        try:
            await bot.send_message(anna, str(n))
            outcomes.append("ok")
        except NetworkError:
            outcomes.append("failed")
    assert outcomes == ["ok", "failed", "failed", "ok", "ok"]


async def test_a_seeded_probability_fails_the_same_calls_every_run(bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    async def run() -> list[bool]:
        await sandbox.clear_faults()
        await sandbox.add_fault("error", method="sendChatAction", status=500, probability=0.5, seed=7)
        failed = []
        for _ in range(12):
            try:
                await bot.send_chat_action(anna, "typing")
                failed.append(False)
            except NetworkError:
                failed.append(True)
        return failed

    first, second = await run(), await run()
    assert first == second and 0 < sum(first) < 12


async def test_a_rule_can_single_out_one_chat(bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    await sandbox.user(2002).send_nowait("/start")
    await sandbox.add_fault("error", chat_id=2002, status=403)
    await bot.send_message(anna, "fine")
    with pytest.raises(Forbidden):
        await bot.send_message(2002, "blocked")


async def test_clearing_faults_restores_normal_answers_and_stats_count_them(
    bot: Bot, anna: int, sandbox: SandboxClient
) -> None:
    rule_id = await sandbox.add_fault("error", method="sendMessage", status=500)
    with pytest.raises(NetworkError):
        await bot.send_message(anna, "x")
    await sandbox.request("DELETE", f"/faults/{rule_id}")
    await bot.send_message(anna, "x")
    assert (await sandbox.stats())["faults"] == 1


async def test_a_rule_with_an_unknown_action_is_refused_with_a_reason(sandbox: SandboxClient) -> None:
    with pytest.raises(AssertionError, match="action must be one of"):
        await sandbox.add_fault("explode")
