"""Notices through Telegram's bad days: floods, 5xx, timeouts, sends applied then lost, a person who blocked the bot.

Everything reaches everyone who can be reached; a duplicate appears only where a send may have
arrived although Telegram never answered (a timeout), and each such notice is marked doubtful.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import BACKGROUND, Background
from core.db import Database
from core.models import NoticeStatus, Notification, Person
from sandbox.testing import running_sandbox
from tests.e2e.conftest import ADMIN, BOT_NOW, MANAGER, OTHER_MANAGER, STAFF, RunningBot, start_bot, stop_bot
from tests.e2e.test_notifications import registered_by_head

ORDERS = 6  # for each of two managers: a chat takes one message a second


@pytest.fixture
async def bot_with_a_moving_clock(demo_db: Database) -> AsyncIterator[RunningBot]:
    """The notifying bot on a clock that moves with the wall clock, so backoffs and leases run out."""
    started = time.monotonic()

    def clock() -> datetime:
        return BOT_NOW + timedelta(seconds=time.monotonic() - started)

    async with running_sandbox() as sandbox:
        for telegram_id in STAFF:
            await sandbox.register_user(telegram_id, first_name=f"User{telegram_id}", language_code="ru")
        settings = {
            "ORDERBOT_NOTIFY_SEND_TIMEOUT": 1.0,
            "ORDERBOT_NOTIFY_BACKOFF_SECONDS": 0.2,
            "ORDERBOT_NOTIFY_POLL_SECONDS": 0.1,
        }
        application = await start_bot(sandbox, demo_db, clock, notify=True, **settings)
        running = RunningBot(sandbox=sandbox, db=demo_db, application=application, clock=clock, notify=True)
        try:
            yield running
        finally:
            await stop_bot(running.application)


async def register_for_managers(bot: RunningBot) -> dict[int, list[str]]:
    """The head of sales registers orders for two managers: each manager is to hear of each, once."""
    numbers: dict[int, list[str]] = {MANAGER: [], OTHER_MANAGER: []}
    for _ in range(ORDERS):
        for manager in numbers:
            numbers[manager].append((await registered_by_head(bot, manager)).number)
    return numbers


async def settled(bot: RunningBot, *, within: float = 60.0) -> list[tuple[int | None, str, bool]]:
    """Wait until no notice is pending any more: (telegram id, status, doubtful) of each."""
    deadline = time.monotonic() + within
    while True:
        async with bot.db.reading() as session:
            rows = list(
                await session.execute(
                    select(Person.telegram_id, Notification.status, Notification.doubtful).join(
                        Person, Person.id == Notification.person_id
                    )
                )
            )
        if rows and all(status != NoticeStatus.PENDING for _, status, _ in rows):
            return [tuple(row) for row in rows]  # type: ignore[misc]
        if time.monotonic() > deadline:
            raise AssertionError(f"notices still pending after {within} s: {Counter(s for _, s, _ in rows)}")
        await asyncio.sleep(0.05)


async def texts(bot: RunningBot, telegram_id: int) -> list[str]:
    user = bot.user(telegram_id)
    await user.refresh()
    return [message.text or "" for message in user.bot_messages]


def told_numbers(messages: list[str], numbers: list[str]) -> Counter[str]:
    return Counter(number for text in messages for number in numbers if number in text)


async def test_floods_5xx_timeouts_and_lost_answers_deliver_everything_once_except_where_doubtful(
    bot_with_a_moving_clock: RunningBot,
) -> None:
    bot = bot_with_a_moving_clock
    sandbox = bot.sandbox
    await sandbox.add_fault("error", method="sendMessage", status=429, retry_after=1, count=6)
    await sandbox.add_fault("apply_then_hang", method="sendMessage", count=2)
    await sandbox.add_fault("delay", method="sendMessage", seconds=1.5, count=2)
    await sandbox.add_fault("error", method="sendMessage", status=502, probability=0.2, seed=7)
    numbers = await register_for_managers(bot)
    rows = await settled(bot)
    await sandbox.clear_faults()
    assert {status for _, status, _ in rows} == {NoticeStatus.SENT}
    background: Background = bot.application.bot_data[BACKGROUND]
    counts = background.dispatcher.stats.counts
    assert counts["429"] >= 6 and counts["network"] >= 1 and counts["timeouts"] >= 4
    doubtful = sum(1 for _, _, flagged in rows if flagged)
    duplicates = 0
    for manager, wanted in numbers.items():
        seen = told_numbers(await texts(bot, manager), wanted)
        assert set(seen) == set(wanted), f"manager {manager} missed {set(wanted) - set(seen)}"
        duplicates += sum(count - 1 for count in seen.values())
    assert duplicates <= doubtful <= 4  # only the sends applied without an answer may have gone twice


async def test_a_person_who_blocked_the_bot_gets_nothing_more_and_an_admin_is_told(
    bot_with_a_moving_clock: RunningBot,
) -> None:
    bot = bot_with_a_moving_clock
    await bot.user(OTHER_MANAGER).block()
    numbers = await register_for_managers(bot)
    rows = await settled(bot)
    assert {status for who, status, _ in rows if who == MANAGER} == {NoticeStatus.SENT}
    assert NoticeStatus.SENT not in {status for who, status, _ in rows if who == OTHER_MANAGER}
    assert set(told_numbers(await texts(bot, MANAGER), numbers[MANAGER])) == set(numbers[MANAGER])
    assert any("заблокировал бота" in text for text in await texts(bot, ADMIN))
    async with bot.db.reading() as session:
        blocked = await session.scalar(select(Person.unreachable_since).where(Person.telegram_id == OTHER_MANAGER))
    assert blocked is not None
    await bot.user(OTHER_MANAGER).unblock()
    await bot.user(OTHER_MANAGER).send("/help")  # writing again makes them reachable
    async with bot.db.reading() as session:
        assert await session.scalar(select(Person.unreachable_since).where(Person.telegram_id == OTHER_MANAGER)) is None


async def test_a_notice_to_a_group_that_became_a_supergroup_goes_to_the_new_chat(
    bot_with_a_moving_clock: RunningBot,
) -> None:
    bot = bot_with_a_moving_clock
    supergroup = -1001234567890
    await bot.user(MANAGER).in_group(supergroup, title="Продажи").send("/help")  # the new chat exists
    await bot.sandbox.add_fault(
        "error",
        method="sendMessage",
        chat_id=MANAGER,
        status=400,
        count=1,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        parameters={"migrate_to_chat_id": supergroup},
    )
    numbers = [(await registered_by_head(bot)).number]
    await settled(bot)
    async with bot.db.reading() as session:
        chats = list(
            await session.scalars(select(Notification.chat_id).where(Notification.status == NoticeStatus.SENT))
        )
    assert chats == [supergroup]
    group = bot.user(MANAGER).in_group(supergroup)
    await group.refresh()
    assert any(numbers[0] in (message.text or "") for message in group.bot_messages)
