"""What each use case leaves in the outbox: typed past-tense facts, read back as the fan-out reads them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.events import (
    ApprovalCompleteBlocked,
    ApprovalRestarted,
    ApprovalStepOpened,
    Event,
    InviteUsed,
    LineChanged,
    OrderChanged,
    OrderRegistered,
    OrderRejected,
    OrderReturned,
    OrderSubmitted,
    StageMoved,
    StoredEvent,
    VoteCast,
)
from core.models import Decision, Invite, Notification, OutboxEvent, Person
from core.roles import Role
from core.stages import Stage
from core.use_cases.notifications import read_event
from tests.integration.world import NOW, make_world, order_in, request_with_line

TOTAL = Decimal("25005.00")  # ten fans at 2,500.50
COMMERCIAL, FINANCIAL = "Коммерческое согласование", "Финансовое согласование"


async def last_written(db: Database) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.max(OutboxEvent.id))) or 0


async def written_since(db: Database, mark: int) -> list[StoredEvent]:
    async with db.reading() as session:
        rows = await session.scalars(select(OutboxEvent).where(OutboxEvent.id > mark).order_by(OutboxEvent.id))
        return [read_event(row) for row in rows]


async def facts_since(db: Database, mark: int) -> list[Event]:
    return [event.fact for event in await written_since(db, mark)]


async def test_a_head_registering_for_a_manager_writes_who_is_responsible(db: Database) -> None:
    world = await make_world(db)
    card = await uc.register_request(
        db, actor_id=world.approver, counterparty_id=world.customer, responsible_id=world.manager, now=NOW
    )
    [registered] = await written_since(db, 0)
    assert registered.fact == OrderRegistered(number=card.number, responsible_id=world.manager)
    assert (registered.order_id, registered.actor_id) == (card.id, world.approver)


async def test_a_submission_writes_one_fact_with_the_total_and_each_step_it_opened(db: Database) -> None:
    world = await make_world(db, finance_threshold=Decimal("1000"))
    card = await request_with_line(world)
    mark = await last_written(db)
    card = await uc.submit_for_approval(db, actor_id=world.manager, order_id=card.id, now=NOW)
    commercial, financial = card.steps
    written = await written_since(db, mark)
    assert [event.fact for event in written] == [
        OrderSubmitted(number=card.number, total=TOTAL, currency="RUB"),
        ApprovalStepOpened(
            number=card.number, step_id=commercial.id, step=COMMERCIAL, role="approver", total=TOTAL, currency="RUB"
        ),
        ApprovalStepOpened(
            number=card.number,
            step_id=financial.id,
            step=FINANCIAL,
            role="approver",
            person_id=world.finance,
            total=TOTAL,
            currency="RUB",
        ),
    ]
    assert {(event.order_id, event.actor_id) for event in written} == {(card.id, world.manager)}


async def test_the_last_approval_writes_the_vote_and_then_the_automatic_move_to_execution(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    [step] = card.steps
    mark = await last_written(db)
    card = await uc.vote(
        db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, comment="Согласовано", now=NOW
    )
    assert card.stage is Stage.EXECUTION
    assert await facts_since(db, mark) == [
        VoteCast(
            number=card.number,
            decision="approve",
            step_id=step.id,
            step=COMMERCIAL,
            role="approver",
            comment="Согласовано",
        ),
        StageMoved(number=card.number, source="approval", target="execution", automatic=True),
    ]


async def test_an_approval_that_cannot_go_to_execution_writes_what_is_missing(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    card = await uc.submit_for_approval(db, actor_id=world.manager, order_id=card.id, now=NOW)
    mark = await last_written(db)
    await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    vote, blocked = await facts_since(db, mark)
    assert isinstance(vote, VoteCast)
    assert blocked == ApprovalCompleteBlocked(
        number=card.number, missing=("contract", "payment_terms"), responsible_id=world.manager
    )


async def test_a_return_is_written_once_as_a_return_with_its_step_and_reason(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    [step] = card.steps
    mark = await last_written(db)
    card = await uc.vote(
        db, actor_id=world.approver, order_id=card.id, decision=Decision.RETURN, comment="Уточните сроки", now=NOW
    )
    assert card.stage is Stage.REQUEST
    [returned] = await written_since(db, mark)
    assert returned.fact == OrderReturned(
        number=card.number, step_id=step.id, step=COMMERCIAL, role="approver", reason="Уточните сроки"
    )
    assert returned.actor_id == world.approver


async def test_a_rejection_is_written_once_and_each_owner_and_watcher_is_told_once(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    [step] = card.steps
    await uc.watch(db, actor_id=world.accountant, order_id=card.id, now=NOW)
    await uc.fan_out(db, now=NOW)
    mark = await last_written(db)
    card = await uc.vote(
        db, actor_id=world.approver, order_id=card.id, decision=Decision.REJECT, comment="Нет мощностей", now=NOW
    )
    assert card.stage is Stage.CANCELLED
    assert await facts_since(db, mark) == [
        OrderRejected(number=card.number, step_id=step.id, step=COMMERCIAL, role="approver", reason="Нет мощностей")
    ]
    await uc.fan_out(db, now=NOW)
    async with db.reading() as session:
        told = await session.execute(
            select(Person.telegram_id, Notification.kind, Notification.purpose)
            .join(Person, Person.id == Notification.person_id)
            .where(Notification.event_id > mark)
            .order_by(Person.telegram_id)
        )
        assert [tuple(row) for row in told] == [
            (1001, "order.rejected", "own_order"),
            (1004, "order.rejected", "watching"),
        ]


async def test_a_move_by_hand_is_a_stage_move_and_a_cancellation_says_why(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    mark = await last_written(db)
    card = await uc.move_stage(db, actor_id=world.manager, order_id=card.id, target=Stage.REQUEST, now=NOW)
    assert await facts_since(db, mark) == [StageMoved(number=card.number, source="approval", target="request")]
    other = await request_with_line(world)
    mark = await last_written(db)
    await uc.cancel(db, actor_id=world.manager, order_id=other.id, reason="Клиент передумал", now=NOW)
    assert await facts_since(db, mark) == [
        StageMoved(number=other.number, source="request", target="cancelled", reason="Клиент передумал")
    ]


async def test_each_line_change_writes_which_line_and_the_new_total(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    mark = await last_written(db)
    by, order_id, when = world.manager, card.id, card.lines[0].required_by
    card = await uc.add_line(
        db, actor_id=by, order_id=order_id, item_id=world.duct, quantity="2.5", required_by=when, now=NOW
    )
    fan, duct = card.lines
    await uc.update_line(db, actor_id=by, order_id=order_id, line_id=duct.id, quantity="3", now=NOW)
    await uc.remove_line(db, actor_id=by, order_id=order_id, line_id=fan.id, now=NOW)
    assert await facts_since(db, mark) == [
        LineChanged(number=card.number, change="line_added", position=2, item="ВЗ-100", total=Decimal("25380.00")),
        LineChanged(number=card.number, change="line_updated", position=2, item="ВЗ-100", total=Decimal("25455.00")),
        LineChanged(number=card.number, change="line_removed", position=1, item="ВК-12", total=Decimal("450.00")),
    ]


async def test_terms_and_a_note_write_what_changed_with_the_total(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    mark = await last_written(db)
    await uc.set_contract_and_terms(
        db, actor_id=world.manager, order_id=card.id, contract_id=world.contract, payment_terms_id=world.terms, now=NOW
    )
    await uc.set_note(db, actor_id=world.manager, order_id=card.id, note="Доставка до склада", now=NOW)
    assert await facts_since(db, mark) == [
        OrderChanged(number=card.number, change="contract_set", total=TOTAL, currency="RUB"),
        OrderChanged(number=card.number, change="note_set", total=TOTAL, currency="RUB"),
    ]


async def test_new_terms_after_a_vote_write_the_restart_with_whose_votes_it_voided(db: Database) -> None:
    world = await make_world(db, finance_threshold=Decimal("1000"))
    card = await order_in(world, Stage.APPROVAL)
    await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    mark = await last_written(db)
    card = await uc.set_contract_and_terms(
        db,
        actor_id=world.manager,
        order_id=card.id,
        new_contract_number="Д-16/2026",
        payment_terms_id=world.terms,
        now=NOW,
    )
    commercial, financial = card.steps
    assert await facts_since(db, mark) == [
        OrderChanged(number=card.number, change="contract_set", total=TOTAL, currency="RUB"),
        ApprovalRestarted(number=card.number, changed=("contract",), round=2, voided_voters=(world.approver,)),
        ApprovalStepOpened(number=card.number, step_id=commercial.id, step=COMMERCIAL, role="approver", total=TOTAL),
        ApprovalStepOpened(
            number=card.number,
            step_id=financial.id,
            step=FINANCIAL,
            role="approver",
            person_id=world.finance,
            total=TOTAL,
        ),
    ]


async def test_an_invite_used_writes_who_joined_for_the_admin_who_made_it_and_a_refused_one_writes_nothing(
    db: Database,
) -> None:
    world = await make_world(db)
    invite = await uc.create_invite(db, actor_id=world.admin, role=Role.PLANNER, now=NOW)
    mark = await last_written(db)
    person = await uc.accept_invite(
        db, token=invite.token, telegram_id=4242, full_name="Новиков Н.", language="ru", now=NOW
    )
    async with db.reading() as session:
        invite_id = await session.scalar(select(Invite.id).where(Invite.token == invite.token))
    [joined] = await written_since(db, mark)
    assert joined.fact == InviteUsed(
        invite_id=invite_id, role="planner", created_by_id=world.admin, person_id=person.id, person_name="Новиков Н."
    )
    assert (joined.order_id, joined.actor_id) == (None, person.id)
    await uc.fan_out(db, now=NOW)
    async with db.reading() as session:
        told = await session.execute(select(Notification.person_id, Notification.purpose))
        assert [tuple(row) for row in told] == [(world.admin, "invite")]
    mark = await last_written(db)
    with pytest.raises(DomainError) as refusal:
        await uc.accept_invite(db, token=invite.token, telegram_id=4343, full_name="Другой", language="ru", now=NOW)
    assert refusal.value.code is ErrorCode.INVITE_USED
    assert await written_since(db, mark) == []
