"""Never at night, and once a day for those who asked: quiet hours and the daily digest, on a clock the test moves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from core import use_cases as uc
from core.db import Database
from core.models import NoticeStatus, Person
from jobs.catalogue import run
from sandbox.testing import running_sandbox
from tests.e2e.conftest import HEAD, MANAGER, STAFF, RunningBot, start_bot, stop_bot
from tests.e2e.test_notifications import registered_by_head, statuses, told
from tests.e2e.test_order_card import new_request

NIGHT = datetime(2026, 11, 30, 19, 30, tzinfo=UTC)  # 22:30 in Moscow
MORNING = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 08:00 in Moscow


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def bot_at_night(demo_db: Database) -> AsyncIterator[tuple[RunningBot, Clock]]:
    clock = Clock(NIGHT)
    async with running_sandbox() as sandbox:
        for telegram_id in STAFF:
            await sandbox.register_user(telegram_id, first_name=f"User{telegram_id}", language_code="ru")
        application = await start_bot(sandbox, demo_db, clock, notify=True, ORDERBOT_NOTIFY_POLL_SECONDS=0.1)
        running = RunningBot(sandbox=sandbox, db=demo_db, application=application, clock=clock, notify=True)
        try:
            yield running, clock
        finally:
            await stop_bot(running.application)


async def until(bot: RunningBot, telegram_id: int, wanted: list[str]) -> None:
    for _ in range(200):
        if await statuses(bot, telegram_id) == wanted:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{telegram_id}: {await statuses(bot, telegram_id)} is not {wanted}")


async def test_news_at_night_waits_for_morning_but_a_decision_waiting_comes_at_once(
    bot_at_night: tuple[RunningBot, Clock],
) -> None:
    bot, clock = bot_at_night
    number = (await registered_by_head(bot)).number
    card = await new_request(bot)
    await uc.submit_for_approval(bot.db, actor_id=card.responsible_id, order_id=card.id, now=clock())
    await told(bot.user(HEAD), "Ждёт вашего решения", card.number)  # urgent: at night too
    await until(bot, MANAGER, [NoticeStatus.HELD])
    clock.now = MORNING
    assert (await run(bot.db, "release_held", now=clock())).counts == {"released": 1}
    await told(bot.user(MANAGER), number, "Зарегистрирован на вас")


async def test_a_digest_comes_once_in_the_morning_with_every_order_in_one_message(
    bot_at_night: tuple[RunningBot, Clock],
) -> None:
    bot, clock = bot_at_night
    async with bot.db.unit_of_work() as session:
        await session.execute(update(Person).where(Person.telegram_id == MANAGER).values(notify_digest=True))
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # midday: no quiet hours, yet nothing goes now
    numbers = [(await registered_by_head(bot)).number for _ in range(3)]
    await until(bot, MANAGER, [NoticeStatus.HELD] * 3)
    manager = bot.user(MANAGER)
    await manager.refresh()
    assert not manager.bot_messages
    clock.now = MORNING
    assert (await run(bot.db, "daily_digest", now=clock())).counts == {"released": 3}
    digest = await told(manager, "Ваша сводка", *numbers)
    await until(bot, MANAGER, [NoticeStatus.SENT] * 3)
    await manager.refresh()
    assert [m.message_id for m in manager.bot_messages] == [digest.message_id]  # one message for all three
