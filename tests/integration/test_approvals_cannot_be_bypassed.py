"""The order's rules asked in one place: who may decide, what still blocks execution, and votes that
stop counting once what the approvers saw has changed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.lifecycle import change_stage
from core.models import Activity, Decision, Order, OutboxEvent, PaymentTerms, StepState
from core.policy import Action
from core.roles import Role
from core.stages import Stage, Verb
from templates import render_plain
from tests.integration.world import NOW, World, make_world, order_in, request_with_line, route_of


async def journal_and_outbox(db: Database, order_id: int) -> tuple[int, int]:
    async with db.reading() as session:
        activities = await session.scalar(select(func.count(Activity.id)).where(Activity.order_id == order_id))
        events = await session.scalar(select(func.count(OutboxEvent.id)).where(OutboxEvent.order_id == order_id))
        return activities or 0, events or 0


async def other_terms(db: Database) -> int:
    async with db.unit_of_work() as session:
        terms = PaymentTerms(name="Отсрочка 30 дней", instalments=[])
        session.add(terms)
        await session.flush()
        return terms.id


async def manager_and_approver(world: World) -> int:
    """Someone who sees every order (as an approver) but acts on orders as a manager."""
    person = await uc.add_person(
        world.db, full_name="Белов Семён", telegram_id=3002, roles=[Role.MANAGER, Role.APPROVER], now=NOW
    )
    return person.id


# --- 1. one authority: the stage table, for every move and every vote ---


async def test_change_stage_refuses_a_move_the_table_does_not_have(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.SHIPPED)
    async with db.unit_of_work() as session:
        order = await session.get(Order, card.id)
        assert order is not None
        with pytest.raises(DomainError) as refusal:
            change_stage(session, order, Verb.CANCEL, actor_id=world.approver, now=NOW)
        assert refusal.value.code is ErrorCode.WRONG_STAGE and order.stage == Stage.SHIPPED


async def test_the_head_of_sales_who_approves_may_not_reject_or_return_an_order_they_registered(
    db: Database,
) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL, manager=world.approver)
    before = await journal_and_outbox(db, card.id)
    for decision in Decision:
        with pytest.raises(DomainError) as refusal:
            await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=decision, comment="Нет", now=NOW)
        assert refusal.value.code is ErrorCode.OWN_ORDER_APPROVAL
    assert await journal_and_outbox(db, card.id) == before


# --- 2. the one way on to execution, and what blocks it, in the order's view ---


async def test_an_approved_order_waiting_for_its_contract_says_so_on_everyones_card(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    card = await uc.submit_for_approval(db, actor_id=world.manager, order_id=card.id, now=NOW)
    assert card.blockers == ("approvals", "contract", "payment_terms")
    card = await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert card.stage is Stage.APPROVAL and card.blockers == ("contract", "payment_terms")
    seen = await uc.get_order(db, viewer_id=world.manager, order_id=card.id)
    assert seen.blockers == ("contract", "payment_terms")
    shown = render_plain("bot/card.html.j2", lang="ru", card=seen, lines=seen.lines, page=0, pages=1)
    assert "До исполнения: не выбран договор; не выбраны условия оплаты" in shown


async def test_an_expired_contract_keeps_an_approved_order_out_of_execution_and_the_card_says_why(
    db: Database,
) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    next_year = NOW + timedelta(days=60)  # the contract ends on 31.12.2026
    card = await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=next_year)
    assert card.stage is Stage.APPROVAL and card.blockers == ("contract_not_valid",)
    seen = await uc.get_order(db, viewer_id=world.manager, order_id=card.id, now=next_year)
    assert seen.blockers == ("contract_not_valid",)


async def test_an_order_no_step_applies_to_goes_to_execution_once_its_terms_are_set(db: Database) -> None:
    world = await make_world(db)
    route = route_of(Decimal("900000"))
    route["steps"][0]["min_amount"] = Decimal("900000")  # type: ignore[index]
    await uc.load_route(db, route=route)
    card = await request_with_line(world)
    card = await uc.submit_for_approval(db, actor_id=world.manager, order_id=card.id, now=NOW)
    assert card.stage is Stage.APPROVAL and card.steps == () and card.blockers == ("contract", "payment_terms")
    card = await uc.set_contract_and_terms(
        db, actor_id=world.manager, order_id=card.id, contract_id=world.contract, payment_terms_id=world.terms, now=NOW
    )
    assert card.stage is Stage.EXECUTION and card.blockers == ()


# --- 4. what the approvers saw changes: their votes no longer count ---


async def test_terms_changed_after_the_finance_approval_void_the_votes_and_restart_the_route(db: Database) -> None:
    world = await make_world(db, finance_threshold=Decimal("20000"))
    card = await order_in(world, Stage.APPROVAL)  # 25 005,00 ₽: the commercial and the finance step
    card = await uc.vote(db, actor_id=world.finance, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    deferred = await other_terms(db)
    card = await uc.set_contract_and_terms(
        db, actor_id=world.manager, order_id=card.id, contract_id=world.contract, payment_terms_id=deferred, now=NOW
    )
    assert card.stage is Stage.APPROVAL
    assert [(s.state, s.decided_by) for s in card.steps] == [(StepState.PENDING, None), (StepState.PENDING, None)]
    card = await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert card.stage is Stage.APPROVAL  # the finance approval was given on other terms
    history = await uc.order_history(db, viewer_id=world.manager, order_id=card.id)
    restarts = [e.details for g in history for e in g.entries if e.kind == "approval_restarted"]
    assert restarts == [{"changed": ["payment_terms"], "round": 2, "steps": [s.title for s in card.steps]}]
    async with db.reading() as session:
        event = await session.scalar(
            select(OutboxEvent).where(OutboxEvent.order_id == card.id, OutboxEvent.kind == "approval.restarted")
        )
    assert event is not None and event.payload["voided_voters"] == [world.finance]
    card = await uc.vote(db, actor_id=world.finance, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert card.stage is Stage.EXECUTION and card.payment_terms_name == "Отсрочка 30 дней"


async def test_terms_set_again_unchanged_or_before_any_vote_keep_the_round(db: Database) -> None:
    world = await make_world(db, finance_threshold=Decimal("20000"))
    card = await order_in(world, Stage.APPROVAL)
    deferred = await other_terms(db)
    card = await uc.set_contract_and_terms(
        db, actor_id=world.manager, order_id=card.id, contract_id=world.contract, payment_terms_id=deferred, now=NOW
    )
    card = await uc.vote(db, actor_id=world.finance, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    card = await uc.set_contract_and_terms(
        db, actor_id=world.manager, order_id=card.id, contract_id=world.contract, payment_terms_id=deferred, now=NOW
    )
    assert [s.state for s in card.steps] == [StepState.PENDING, StepState.APPROVED]
    history = await uc.order_history(db, viewer_id=world.manager, order_id=card.id)
    assert not [e for g in history for e in g.entries if e.kind == "approval_restarted"]


# --- 5. nobody judges their own order, and a limit is a limit ---


async def test_the_next_approver_decides_an_order_the_head_of_sales_registered(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL, manager=world.approver)
    assert Action.APPROVE not in card.actions
    card = await uc.vote(db, actor_id=world.finance, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert card.stage is Stage.EXECUTION


async def test_an_approver_responsible_for_the_order_does_not_decide_it(db: Database) -> None:
    world = await make_world(db)
    both = await manager_and_approver(world)
    card = await order_in(world, Stage.APPROVAL, manager=both)
    with pytest.raises(DomainError) as refusal:
        await uc.vote(db, actor_id=both, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert refusal.value.code is ErrorCode.OWN_ORDER_APPROVAL


async def test_a_step_nobody_may_decide_is_shown_until_a_limit_lets_someone(db: Database) -> None:
    world = await make_world(db)
    await uc.set_approval_limit(db, telegram_id=1006, limit=Decimal("1000.00"))
    card = await order_in(world, Stage.APPROVAL, manager=world.approver)  # 25 005,00 ₽
    assert "no_approver" in card.blockers and [s.no_one_may_decide for s in card.steps] == [True]
    with pytest.raises(DomainError) as refusal:
        await uc.vote(db, actor_id=world.finance, order_id=card.id, decision=Decision.REJECT, comment="Нет", now=NOW)
    assert refusal.value.code is ErrorCode.APPROVAL_LIMIT_EXCEEDED
    shown = render_plain("bot/card.html.j2", lang="ru", card=card, lines=card.lines, page=0, pages=1)
    assert "Коммерческое согласование (решить некому)" in shown and "некому решить шаг согласования" in shown
    person = await uc.set_approval_limit(db, telegram_id=1006, limit=None)
    assert person.approval_limit is None
    card = await uc.get_order(db, viewer_id=world.finance, order_id=card.id)
    assert "no_approver" not in card.blockers and Action.APPROVE in card.actions
    card = await uc.vote(db, actor_id=world.finance, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert card.stage is Stage.EXECUTION


async def test_an_approver_above_their_limit_sees_no_vote_buttons(db: Database) -> None:
    world = await make_world(db)
    await uc.set_approval_limit(db, telegram_id=1006, limit=Decimal("25005.00"))
    card = await order_in(world, Stage.APPROVAL)  # exactly 25 005,00 ₽: within the limit
    assert Action.APPROVE in (await uc.get_order(db, viewer_id=world.finance, order_id=card.id)).actions
    await uc.set_approval_limit(db, telegram_id=1006, limit=Decimal("25004.99"))
    assert Action.APPROVE not in (await uc.get_order(db, viewer_id=world.finance, order_id=card.id)).actions


# --- 18. a round that is over is not shown as if it waited ---


async def test_a_withdrawn_order_does_not_show_its_steps_as_pending(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    card = await uc.move_stage(db, actor_id=world.manager, order_id=card.id, target=Stage.REQUEST, now=NOW)
    shown = render_plain("bot/card.html.j2", lang="ru", card=card, lines=card.lines, page=0, pages=1)
    assert "Коммерческое согласование" not in shown and "Согласование:" not in shown


async def test_a_returned_order_shows_the_return_as_the_last_round(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    card = await uc.vote(
        db, actor_id=world.approver, order_id=card.id, decision=Decision.RETURN, comment="Уточнить сроки", now=NOW
    )
    shown = render_plain("bot/card.html.j2", lang="ru", card=card, lines=card.lines, page=0, pages=1)
    assert "Последний круг согласования (завершён): ↩️ Коммерческое согласование" in shown
    assert "Уточнить сроки" in shown


# --- 24. the table's refusals through the use cases ---


async def test_a_manager_who_sees_every_order_acts_only_on_their_own(db: Database) -> None:
    world = await make_world(db)
    both = await manager_and_approver(world)
    request = await request_with_line(world)
    executing = await order_in(world, Stage.EXECUTION)
    before = [await journal_and_outbox(db, card.id) for card in (request, executing)]
    attempts = [
        uc.submit_for_approval(db, actor_id=both, order_id=request.id, now=NOW),
        uc.cancel(db, actor_id=both, order_id=request.id, reason="Не нужен", now=NOW),
        uc.set_note(db, actor_id=both, order_id=request.id, note="Моё", now=NOW),
        uc.set_contract_and_terms(
            db, actor_id=both, order_id=request.id, contract_id=world.contract, payment_terms_id=world.terms, now=NOW
        ),
        uc.ship(db, actor_id=both, order_id=executing.id, quantities={executing.lines[0].id: "1"}, now=NOW),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError) as refusal:
            await attempt
        assert refusal.value.code is ErrorCode.NOT_YOUR_ORDER
    assert [await journal_and_outbox(db, card.id) for card in (request, executing)] == before
    mine = await request_with_line(world, manager=both)
    assert (await uc.submit_for_approval(db, actor_id=both, order_id=mine.id, now=NOW)).stage is Stage.APPROVAL


async def test_a_shipped_order_refuses_a_cancel_and_writes_nothing(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.SHIPPED)
    before = await journal_and_outbox(db, card.id)
    for actor in (world.manager, world.approver, world.head_only):
        with pytest.raises(DomainError) as refusal:
            await uc.cancel(db, actor_id=actor, order_id=card.id, reason="Клиент передумал", now=NOW)
        assert refusal.value.code is ErrorCode.WRONG_STAGE
    assert await journal_and_outbox(db, card.id) == before
    assert (await uc.get_order(db, viewer_id=world.manager, order_id=card.id)).stage is Stage.SHIPPED
