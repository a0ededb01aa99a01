"""Who hears of what: the outbox fanned out to people, once, and never at night unless it is urgent."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select, update

from core import use_cases as uc
from core.db import Database
from core.journal import EventKind
from core.models import Decision, Notification, OutboxEvent, Person
from core.stages import Stage
from tests.integration.world import NOW, make_world, order_in, request_with_line

Heard = tuple[int | None, str, str, bool, str]


async def heard(db: Database, kind: str | None = None) -> set[Heard]:
    """(telegram id, event kind, purpose, urgent, status) of every notice written."""
    async with db.reading() as session:
        query = select(
            Person.telegram_id, Notification.kind, Notification.purpose, Notification.urgent, Notification.status
        )
        query = query.join(Person, Person.id == Notification.person_id)
        if kind is not None:
            query = query.where(Notification.kind == kind)
        return {tuple(row) for row in await session.execute(query)}  # type: ignore[misc]


async def test_a_submission_asks_both_approvers_urgently_and_does_not_tell_the_manager(db: Database) -> None:
    world = await make_world(db)
    await order_in(world, Stage.APPROVAL)
    await uc.fan_out(db, now=NOW)
    assert await heard(db, EventKind.APPROVAL_STEP_OPENED) == {
        (1002, "approval.step_opened", "decide", True, "pending"),
        (1006, "approval.step_opened", "decide", True, "pending"),
    }
    assert not any(who == 1001 for who, *_ in await heard(db))


async def test_a_second_fan_out_writes_nothing_twice(db: Database) -> None:
    world = await make_world(db)
    await order_in(world, Stage.APPROVAL)
    first = await uc.fan_out(db, now=NOW)
    async with db.unit_of_work() as session:
        await session.execute(update(OutboxEvent).values(processed_at=None))  # as if the first run's commit was lost
    second = await uc.fan_out(db, now=NOW)
    assert first.notices > 0 and second.events == first.events and second.notices == 0


async def test_the_manager_hears_when_a_head_of_sales_registers_an_order_for_them(db: Database) -> None:
    world = await make_world(db)
    await uc.register_request(
        db, actor_id=world.approver, counterparty_id=world.customer, responsible_id=world.manager, now=NOW
    )
    await uc.fan_out(db, now=NOW)
    assert await heard(db) == {(1001, "order.registered", "own_order", False, "pending")}


async def test_the_last_approval_tells_the_manager_and_the_planners_but_not_the_approver(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    await uc.fan_out(db, now=NOW)
    await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    await uc.fan_out(db, now=NOW)
    moved = await heard(db, EventKind.ORDER_STAGE_CHANGED)
    assert (1001, "order.stage_changed", "own_order", False, "pending") in moved
    assert (1003, "order.stage_changed", "plan", False, "pending") in moved
    assert not any(who == 1002 for who, *_ in moved)


async def test_a_return_for_rework_is_urgent_for_the_manager(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    await uc.vote(
        db, actor_id=world.finance, order_id=card.id, decision=Decision.RETURN, comment="Уточните сроки", now=NOW
    )
    await uc.fan_out(db, now=NOW)
    # Fanned out after the return: the step it opened is closed, so nobody is asked to decide it.
    assert await heard(db) == {(1001, "order.returned", "action_needed", True, "pending")}


async def test_notices_in_quiet_hours_are_held_until_morning_and_then_released(db: Database) -> None:
    world = await make_world(db)
    night = datetime(2026, 11, 30, 19, 30, tzinfo=UTC)  # 22:30 in Moscow
    await uc.register_request(
        db, actor_id=world.approver, counterparty_id=world.customer, responsible_id=world.manager, now=night
    )
    done = await uc.fan_out(db, now=night)
    assert done.held == 1
    morning = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 08:00 in Moscow
    async with db.reading() as session:
        assert await session.scalar(select(Notification.due_at)) == morning
    assert await uc.release_held(db, now=morning - timedelta(minutes=1)) == 0
    assert await uc.release_held(db, now=morning) == 1
    assert await heard(db) == {(1001, "order.registered", "own_order", False, "pending")}


async def test_a_person_with_their_own_quiet_hours_is_told_when_the_default_would_hold(db: Database) -> None:
    world = await make_world(db)
    async with db.unit_of_work() as session:
        await session.execute(
            update(Person).where(Person.id == world.manager).values(quiet_from=time(23, 0), quiet_to=time(7, 0))
        )
    night = datetime(2026, 11, 30, 19, 30, tzinfo=UTC)  # 22:30 in Moscow
    await uc.register_request(
        db, actor_id=world.approver, counterparty_id=world.customer, responsible_id=world.manager, now=night
    )
    assert (await uc.fan_out(db, now=night)).held == 0


async def test_watchers_hear_of_the_order_and_muted_kinds_are_not_written(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    await uc.fan_out(db, now=NOW)
    assert await uc.watch(db, actor_id=world.accountant, order_id=card.id, now=NOW)
    assert not await uc.watch(db, actor_id=world.accountant, order_id=card.id, now=NOW)
    assert await uc.watch(db, actor_id=world.planner, order_id=card.id, now=NOW)
    async with db.unit_of_work() as session:
        await session.execute(
            update(Person).where(Person.id == world.planner).values(muted_kinds=["order.stage_changed"])
        )
    await uc.cancel(db, actor_id=world.manager, order_id=card.id, reason="Клиент передумал", now=NOW)
    await uc.fan_out(db, now=NOW)
    assert await heard(db) == {(1004, "order.stage_changed", "watching", False, "pending")}
    assert await uc.unwatch(db, actor_id=world.accountant, order_id=card.id)


async def test_an_admin_hears_that_their_invitation_was_used(db: Database) -> None:
    world = await make_world(db)
    async with db.unit_of_work() as session:
        session.add(
            OutboxEvent(
                created_at=NOW,
                kind="invite.used",
                actor_id=world.planner,
                payload={"role": "planner", "created_by_id": world.admin, "person_id": world.planner},
            )
        )
    await uc.fan_out(db, now=NOW)
    assert await heard(db) == {(1000, "invite.used", "invite", False, "pending")}
