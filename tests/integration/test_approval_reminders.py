"""Reminders: a step waiting too long reminds its approvers once, then the head of sales too, by the working clock."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from cli.main import main
from core import use_cases as uc
from core.db import Database
from core.demo_data import load_demo_data
from core.events import APPROVAL_REMINDER, ApprovalReminder, from_payload
from core.migrate import upgrade
from core.models import Decision, NoticeStatus, Notification, OutboxEvent, Person
from core.working_time import WorkingCalendar
from jobs.catalogue import run
from tests.conftest import sqlite_url
from tests.integration.world import NOW, World, make_world, request_with_line

MOSCOW = ZoneInfo("Europe/Moscow")
RULES = uc.ReminderRules(calendar=WorkingCalendar(), remind_after=timedelta(hours=4), escalate_after=timedelta(hours=8))


def moscow(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of December 2026 on the company's clock (the 4th is a Friday, the 7th a Monday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=MOSCOW).astimezone(UTC)


def every(step: timedelta, start: datetime, end: datetime) -> Iterator[datetime]:
    while start <= end:
        yield start
        start += step


MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)


@pytest.fixture(autouse=True)
def company_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    """The job reads its settings: the defaults, stated, so nothing in the environment changes them."""
    settings = {
        "ORDERBOT_TIME_ZONE": "Europe/Moscow",
        "ORDERBOT_REMIND_AFTER_HOURS": "4",
        "ORDERBOT_ESCALATE_AFTER_HOURS": "8",
        "ORDERBOT_WORKING_HOURS": "09:00-18:00",
        "ORDERBOT_WORKING_DAYS": "Mon-Fri",
        "ORDERBOT_HOLIDAYS": "",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


async def submitted(world: World, *, at: datetime) -> int:
    """An order sent for approval at `at`; its id."""
    card = await request_with_line(world)
    await uc.set_contract_and_terms(
        world.db,
        actor_id=world.manager,
        order_id=card.id,
        contract_id=world.contract,
        payment_terms_id=world.terms,
        now=NOW,
    )
    return (await uc.submit_for_approval(world.db, actor_id=world.manager, order_id=card.id, now=at)).id


async def reminders(db: Database) -> list[ApprovalReminder]:
    async with db.reading() as session:
        rows = await session.scalars(select(OutboxEvent).where(OutboxEvent.kind == APPROVAL_REMINDER))
        facts = [from_payload(row.kind, row.payload) for row in rows]
    assert all(isinstance(fact, ApprovalReminder) for fact in facts)
    return facts  # type: ignore[return-value]


async def heard(db: Database) -> Counter[tuple[int | None, str, str]]:
    """(telegram id, purpose, status) of every reminder notice, counted."""
    async with db.reading() as session:
        rows = await session.execute(
            select(Person.telegram_id, Notification.purpose, Notification.status)
            .join(Person, Person.id == Notification.person_id)
            .where(Notification.kind == APPROVAL_REMINDER)
        )
        return Counter(tuple(row) for row in rows.all())  # type: ignore[misc]


async def test_run_every_minute_a_step_is_reminded_once_at_four_working_hours_and_escalated_once_at_eight(
    db: Database,
) -> None:
    world = await make_world(db)
    await submitted(world, at=moscow(4, 16))  # Friday 16:00: two hours before the weekend
    runs = [
        *every(5 * MINUTE, moscow(4, 15, 55), moscow(4, 18, 30)),
        *every(HOUR, moscow(4, 19), moscow(7, 8)),  # the nights and the weekend
        *every(5 * MINUTE, moscow(7, 8, 30), moscow(7, 10, 25)),
        *every(MINUTE, moscow(7, 10, 30), moscow(7, 15, 30)),  # both thresholds and every minute after them
    ]
    did = {}
    for now in runs:
        report = await run(db, "approval_reminders", now=now)
        if any(report.counts.values()):
            did[now] = report.counts
    assert did == {
        moscow(7, 11): {"reminded": 1, "escalated": 0},  # Friday's 2 hours and Monday's first 2
        moscow(7, 15): {"reminded": 0, "escalated": 1},
    }
    assert [(r.hours_waiting, r.escalated, r.step) for r in await reminders(db)] == [
        (4, False, "Коммерческое согласование"),
        (8, True, "Коммерческое согласование"),
    ]


async def test_the_approvers_get_their_card_again_and_the_escalation_reaches_the_head_of_sales(db: Database) -> None:
    world = await make_world(db)
    await submitted(world, at=moscow(4, 16))
    await run(db, "approval_reminders", now=moscow(7, 11))
    await run(db, "approval_reminders", now=moscow(7, 15))
    await uc.fan_out(db, now=moscow(7, 15))
    # 1002 is an approver and a head of sales: the card (with its buttons) is what he gets, once per reminder.
    assert await heard(db) == Counter(
        {(1002, "decide", "pending"): 2, (1006, "decide", "pending"): 2, (1007, "escalation", "pending"): 1}
    )
    escalation = (await reminders(db))[-1]
    assert sorted(escalation.approvers) == ["Петров Пётр", "Смирнова Ольга"] and escalation.more_approvers == 0


async def test_a_weekend_and_a_holiday_do_not_count_towards_the_wait(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORDERBOT_HOLIDAYS", "2026-12-07")  # Monday off
    world = await make_world(db)
    await submitted(world, at=moscow(4, 16))
    for now in (moscow(5, 12), moscow(7, 11), moscow(7, 17), moscow(8, 10, 59)):
        assert (await run(db, "approval_reminders", now=now)).counts == {"reminded": 0, "escalated": 0}
    assert (await run(db, "approval_reminders", now=moscow(8, 11))).counts == {"reminded": 1, "escalated": 0}


async def test_quiet_hours_hold_a_reminder_until_they_end_though_the_step_opening_came_at_once(db: Database) -> None:
    world = await make_world(db)
    async with db.unit_of_work() as session:  # the finance approver works seven hours east of Moscow
        await session.execute(update(Person).where(Person.id == world.finance).values(time_zone="Asia/Vladivostok"))
    await submitted(world, at=moscow(4, 16))  # 23:00 in Vladivostok: the opening is urgent
    assert (await uc.fan_out(db, now=moscow(4, 16))).held == 0
    await run(db, "approval_reminders", now=moscow(7, 11))  # 18:00 there
    assert (await uc.fan_out(db, now=moscow(7, 11))).held == 0
    await run(db, "approval_reminders", now=moscow(7, 15))  # 22:00 there
    assert (await uc.fan_out(db, now=moscow(7, 15))).held == 1
    morning = datetime(2026, 12, 7, 22, 0, tzinfo=UTC)  # 08:00 in Vladivostok
    async with db.reading() as session:
        held = await session.scalar(select(Notification).where(Notification.status == NoticeStatus.HELD))
    assert held is not None and (held.person_id, held.kind, held.due_at) == (world.finance, APPROVAL_REMINDER, morning)
    assert await uc.release_held(db, now=morning - MINUTE) == 0
    assert await uc.release_held(db, now=morning) == 1


async def test_a_reminder_held_for_the_night_is_never_sent_once_someone_decides_the_step(db: Database) -> None:
    world = await make_world(db)
    async with db.unit_of_work() as session:
        await session.execute(update(Person).where(Person.id == world.finance).values(time_zone="Asia/Vladivostok"))
    order = await submitted(world, at=moscow(4, 16))
    await run(db, "approval_reminders", now=moscow(7, 15))
    await uc.fan_out(db, now=moscow(7, 15))
    await uc.vote(db, actor_id=world.approver, order_id=order, decision=Decision.APPROVE, now=moscow(7, 16))
    await uc.fan_out(db, now=moscow(7, 16))
    assert (await heard(db))[(1006, "decide", "cancelled")] == 1
    assert await uc.release_held(db, now=datetime(2026, 12, 7, 22, 0, tzinfo=UTC)) == 0


async def test_a_step_decided_in_time_is_never_reminded(db: Database) -> None:
    world = await make_world(db)
    order = await submitted(world, at=moscow(1, 10))
    await uc.vote(db, actor_id=world.finance, order_id=order, decision=Decision.APPROVE, now=moscow(1, 13))
    for now in every(HOUR, moscow(1, 13), moscow(3, 18)):
        assert (await run(db, "approval_reminders", now=now)).counts == {"reminded": 0, "escalated": 0}
    assert await reminders(db) == []


async def test_a_reminder_of_a_step_decided_before_the_fan_out_reaches_nobody(db: Database) -> None:
    world = await make_world(db)
    order = await submitted(world, at=moscow(1, 10))
    assert (await run(db, "approval_reminders", now=moscow(1, 14))).counts == {"reminded": 1, "escalated": 0}
    await uc.vote(db, actor_id=world.finance, order_id=order, decision=Decision.APPROVE, now=moscow(1, 14, 1))
    await uc.fan_out(db, now=moscow(1, 14, 1))
    assert await heard(db) == Counter()


async def test_each_open_step_of_a_round_is_reminded_on_its_own_to_its_own_approvers(db: Database) -> None:
    world = await make_world(db, finance_threshold=Decimal("1000"))  # the finance director's step too
    await submitted(world, at=moscow(1, 10))
    assert (await run(db, "approval_reminders", now=moscow(1, 14))).counts == {"reminded": 2, "escalated": 0}
    await uc.fan_out(db, now=moscow(1, 14))
    assert await heard(db) == Counter({(1002, "decide", "pending"): 1, (1006, "decide", "pending"): 1})


async def test_a_returned_order_sent_again_counts_from_its_new_opening(db: Database) -> None:
    world = await make_world(db)
    order = await submitted(world, at=moscow(1, 10))
    await uc.vote(
        db, actor_id=world.finance, order_id=order, decision=Decision.RETURN, comment="Сроки", now=moscow(1, 11)
    )
    await uc.submit_for_approval(db, actor_id=world.manager, order_id=order, now=moscow(1, 14))
    assert (await run(db, "approval_reminders", now=moscow(1, 17, 59))).counts == {"reminded": 0, "escalated": 0}
    assert (await run(db, "approval_reminders", now=moscow(1, 18))).counts == {"reminded": 1, "escalated": 0}


async def test_two_runs_at_once_remind_once(db: Database) -> None:
    world = await make_world(db)
    await submitted(world, at=moscow(1, 10))
    done = await asyncio.gather(*(uc.remind_approvers(db, now=moscow(1, 14), rules=RULES) for _ in range(3)))
    assert sum(result.reminded for result in done) == 1
    assert len(await reminders(db)) == 1


def test_the_command_line_runs_the_job_as_if_at_a_moment_and_a_second_run_reminds_nobody_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sqlite_url(tmp_path / "orderbot.sqlite3")
    monkeypatch.setenv("ORDERBOT_DATABASE_URL", url)

    async def company() -> None:
        db = Database(url)
        await upgrade(db)
        await submitted(await make_world(db), at=moscow(4, 16))
        await db.dispose()

    asyncio.run(company())
    for reminded in ("1", "0"):
        assert main(["jobs", "run", "approval_reminders", "--at", "2026-12-07 11:00", "--lang", "en"]) == 0
        out = capsys.readouterr().out
        assert "approval_reminders as of 7 Dec 2026, 11:00:" in out and f"reminded: {reminded}" in out


async def test_the_demos_waiting_orders_are_not_reminded_all_at_once_at_the_first_run(db: Database) -> None:
    loaded_at = moscow(3, 15)  # a Thursday afternoon: the demo's orders in approval waited for days
    await load_demo_data(db, now=loaded_at)
    assert (await run(db, "approval_reminders", now=loaded_at)).counts == {"reminded": 0, "escalated": 0}
