"""A notice's later life: approvers' cards closed once decided, the digest, a blocked person, jobs once a period."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from core import use_cases as uc
from core.db import Database
from core.models import Decision, NoticeStatus, Notification, Person
from core.stages import Stage
from core.use_cases.notifications import SentNotice, mark_all_sent
from jobs.catalogue import run
from tests.integration.world import NOW, World, make_world, order_in

LATER = NOW + timedelta(minutes=5)


async def decide_notices(world: World) -> dict[int, int]:
    """An order in approval with both approvers' cards sent: notice id by Telegram id."""
    await order_in(world, Stage.APPROVAL)
    await uc.fan_out(world.db, now=NOW)
    sent: dict[int, int] = {}
    for message_id, notice in enumerate(await uc.claim_due(world.db, worker="a", now=NOW), start=100):
        await uc.mark_sent(world.db, notice_id=notice.id, message_id=message_id, now=NOW)
        sent[notice.chat_id] = notice.id
    return sent


async def test_an_approval_closes_only_the_cards_of_its_own_step(db: Database) -> None:
    world = await make_world(db, finance_threshold=Decimal("1000"))
    sent = await decide_notices(world)
    assert set(sent) == {1002, 1006}
    async with db.reading() as session:
        order = await session.scalar(select(Notification.order_id).where(Notification.id == sent[1002]))
    assert order is not None
    await uc.vote(db, actor_id=world.approver, order_id=order, decision=Decision.APPROVE, now=LATER)
    await uc.fan_out(db, now=LATER)
    assert await uc.claim_edits(db, worker="a", now=LATER) == []  # the voter's own card is the one they tapped


async def test_a_rejection_closes_every_other_card_of_the_round_and_an_edit_is_made_once(db: Database) -> None:
    world = await make_world(db, finance_threshold=Decimal("1000"))
    sent = await decide_notices(world)
    async with db.reading() as session:
        order = await session.scalar(select(Notification.order_id).where(Notification.id == sent[1002]))
    assert order is not None
    await uc.vote(db, actor_id=world.approver, order_id=order, decision=Decision.REJECT, comment="Дорого", now=LATER)
    await uc.fan_out(db, now=LATER)
    [edit] = await uc.claim_edits(db, worker="a", now=LATER)
    assert (edit.id, edit.chat_id, edit.message_id, edit.actor_name) == (sent[1006], 1006, 101, "Петров Пётр")
    assert edit.closing.kind == "order.rejected"
    assert await uc.claim_edits(db, worker="b", now=LATER) == []  # leased
    await uc.mark_edited(db, notice_id=edit.id, now=LATER)
    assert await uc.claim_edits(db, worker="b", now=LATER + timedelta(minutes=5)) == []


async def test_a_card_not_yet_sent_when_the_order_left_approval_is_never_sent(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    await uc.fan_out(db, now=NOW)
    await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.RETURN, comment="Сроки", now=NOW)
    await uc.fan_out(db, now=NOW)
    claimed = await uc.claim_due(db, worker="a", now=NOW)
    assert [(n.chat_id, n.event.kind) for n in claimed] == [(1001, "order.returned")]
    async with db.reading() as session:
        cancelled = await session.scalar(
            select(Notification.status).where(Notification.purpose == "decide", Notification.person_id == world.finance)
        )
    assert cancelled == NoticeStatus.CANCELLED


async def test_someone_who_chose_a_digest_gets_what_is_not_urgent_at_the_end_of_their_quiet_hours(
    db: Database,
) -> None:
    world = await make_world(db)
    async with db.unit_of_work() as session:
        await session.execute(update(Person).where(Person.id == world.manager).values(notify_digest=True))
    for _ in range(2):
        await uc.register_request(
            db, actor_id=world.approver, counterparty_id=world.customer, responsible_id=world.manager, now=NOW
        )
    done = await uc.fan_out(db, now=NOW)  # 12:00 in Moscow
    assert done.held == 2
    tomorrow_8 = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 08:00 in Moscow
    assert (await run(db, "release_held", now=tomorrow_8)).counts == {"released": 0}  # not for quiet hours
    assert (await run(db, "daily_digest", now=tomorrow_8 - timedelta(minutes=1))).counts == {"released": 0}
    assert (await run(db, "daily_digest", now=tomorrow_8)).counts == {"released": 2}
    assert (await run(db, "daily_digest", now=tomorrow_8)).counts == {"released": 0}
    claimed = await uc.claim_due(db, worker="a", now=tomorrow_8)
    assert [n.in_digest for n in claimed] == [True, True]


async def test_a_decision_waiting_for_someone_who_chose_a_digest_still_comes_at_once(db: Database) -> None:
    world = await make_world(db)
    async with db.unit_of_work() as session:
        await session.execute(update(Person).where(Person.id == world.approver).values(notify_digest=True))
    await order_in(world, Stage.APPROVAL)
    await uc.fan_out(db, now=NOW)
    assert 1002 in {n.chat_id for n in await uc.claim_due(db, worker="a", now=NOW) if not n.in_digest}


async def test_a_person_who_blocked_the_bot_is_told_to_the_admins_once(db: Database) -> None:
    world = await make_world(db)
    await order_in(world, Stage.APPROVAL)
    await uc.fan_out(db, now=NOW)
    await uc.mark_unreachable(db, person_id=world.finance, now=NOW)
    await uc.mark_unreachable(db, person_id=world.finance, now=LATER)
    await uc.fan_out(db, now=LATER)
    told = [n for n in await uc.claim_due(db, worker="a", now=LATER) if n.event.kind == "person.unreachable"]
    assert [(n.chat_id, n.event.fact.person_name) for n in told] == [(1000, "Смирнова Ольга")]  # type: ignore[attr-defined]


async def test_a_periodic_job_runs_once_a_period_however_many_processes_ask(db: Database) -> None:
    await make_world(db)
    first, second = await asyncio.gather(
        run(db, "release_held", now=NOW, once_a_period=True), run(db, "release_held", now=NOW, once_a_period=True)
    )
    assert sorted([first.skipped, second.skipped]) == [False, True]
    assert (await run(db, "release_held", now=NOW + timedelta(seconds=30), once_a_period=True)).skipped
    assert not (await run(db, "release_held", now=NOW + timedelta(minutes=1), once_a_period=True)).skipped


async def test_only_telegram_s_failures_count_towards_giving_up_not_claims_that_came_back(db: Database) -> None:
    world = await make_world(db)
    await order_in(world, Stage.APPROVAL)
    await uc.fan_out(db, now=NOW)
    for minute in range(5):  # claimed and lost five times (a dispatcher killed, a lease that ran out)
        claimed = await uc.claim_due(db, worker="a", now=NOW + timedelta(minutes=minute), lease=timedelta(seconds=30))
    one = claimed[0]
    assert (one.attempts, one.failures) == (5, 0)
    await uc.retry_later(db, notice_id=one.id, at=LATER, reason="502", failed=True)
    [again] = [n for n in await uc.claim_due(db, worker="a", now=LATER + timedelta(minutes=1)) if n.id == one.id]
    assert (again.attempts, again.failures) == (6, 1)


async def test_marking_many_sent_at_once_leaves_out_one_already_sent_and_marks_the_rest(db: Database) -> None:
    world = await make_world(db)
    await order_in(world, Stage.APPROVAL)
    await uc.fan_out(db, now=NOW)
    one, two = await uc.claim_due(db, worker="a", now=NOW)
    assert await uc.mark_sent(db, notice_id=one.id, message_id=7, now=NOW)
    sent = [SentNotice(one.id, 8, LATER), SentNotice(two.id, 9, LATER, chat_id=-100)]
    assert await mark_all_sent(db, sent=sent) == {two.id}
    async with db.reading() as session:
        rows = {n.id: (n.telegram_message_id, n.chat_id) for n in await session.scalars(select(Notification))}
    assert rows[one.id][0] == 7 and rows[two.id] == (9, -100)
