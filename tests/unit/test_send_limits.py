"""The dispatcher's own flood limits: one chat's wait is that chat's alone, and one message a second per chat."""

from __future__ import annotations

import time

from bot.notices.limits import SendLimits


async def test_a_flood_wait_for_one_chat_does_not_hold_back_another() -> None:
    limits = SendLimits()
    limits.pause(1001, 30)
    started = time.monotonic()
    await limits.acquire(1002)
    assert time.monotonic() - started < 0.1
    assert 29 < limits.paused_for(1001) <= 30 and limits.paused_for(1002) == 0


async def test_a_chat_gets_one_message_a_second_while_others_go_at_once() -> None:
    limits = SendLimits(speed=20)  # twenty times faster than the wall clock
    started = time.monotonic()
    for _ in range(3):
        await limits.acquire(1001)
    same_chat = time.monotonic() - started
    await limits.acquire(1002)
    assert 0.09 <= same_chat < 0.5  # two waits of 1/20 s
    assert time.monotonic() - started - same_chat < 0.05


async def test_the_overall_rate_is_kept_across_chats() -> None:
    limits = SendLimits(overall_per_second=28, speed=10)
    started = time.monotonic()
    for chat in range(1, 57):  # two seconds' worth at 28 a second, ten times faster
        await limits.acquire(chat)
    assert 0.15 <= time.monotonic() - started < 0.5


async def test_floods_for_several_chats_at_once_mean_the_bot_s_limit_and_every_chat_waits() -> None:
    limits = SendLimits()
    limits.pause(1001, 5)
    limits.pause(1002, 5)
    assert limits.paused_for(1003) == 0  # two chats may be two chats' own limits
    limits.pause(1004, 5)
    assert 4 < limits.paused_for(1003) <= 5
