"""The order's life through approval, execution, shipping, closing, cancelling and the archive."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.models import Decision, OutboxEvent, StepState
from core.policy import Action
from core.stages import Stage
from tests.integration.world import NOW, make_world, order_in, request_with_line, route_of


async def events_of(db: Database, order_id: int) -> list[tuple[str, dict[str, object]]]:
    async with db.reading() as session:
        rows = await session.scalars(
            select(OutboxEvent).where(OutboxEvent.order_id == order_id).order_by(OutboxEvent.id)
        )
        return [(row.kind, row.payload) for row in rows]


async def test_a_request_without_lines_cannot_go_to_approval(db: Database) -> None:
    world = await make_world(db)
    card = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.customer, now=NOW)
    with pytest.raises(DomainError) as refusal:
        await uc.submit_for_approval(db, actor_id=world.manager, order_id=card.id, now=NOW)
    assert refusal.value.code is ErrorCode.NO_LINES


async def test_the_last_approval_moves_an_order_with_contract_and_terms_to_execution(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    assert [(s.title, s.state) for s in card.steps] == [("Коммерческое согласование", StepState.PENDING)]
    card = await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert card.stage is Stage.EXECUTION
    kinds = [kind for kind, _ in await events_of(db, card.id)]
    assert kinds[-2:] == ["approval.voted", "order.stage_changed"]


async def test_an_approval_without_contract_waits_and_tells_the_manager_what_is_missing(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    card = await uc.submit_for_approval(db, actor_id=world.manager, order_id=card.id, now=NOW)
    card = await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert card.stage is Stage.APPROVAL
    blocked = [payload for kind, payload in await events_of(db, card.id) if kind == "approval.complete_blocked"]
    assert blocked and blocked[0]["missing"] == ["contract", "payment_terms"]
    with pytest.raises(DomainError) as refusal:
        await uc.move_stage(db, actor_id=world.manager, order_id=card.id, target=Stage.EXECUTION, now=NOW)
    assert refusal.value.code is ErrorCode.EXECUTION_BLOCKED
    assert refusal.value.params["missing"] == ["contract", "payment_terms"]
    card = await uc.set_contract_and_terms(
        db, actor_id=world.manager, order_id=card.id, contract_id=world.contract, payment_terms_id=world.terms, now=NOW
    )
    # Nobody approved these terms yet: the route starts over, and the next approval sends it on.
    assert card.stage is Stage.APPROVAL and card.contract_number == "Д-15/2026"
    assert [s.state for s in card.steps] == [StepState.PENDING]
    card = await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert card.stage is Stage.EXECUTION


async def test_a_large_order_needs_the_finance_step_in_parallel(db: Database) -> None:
    world = await make_world(db, finance_threshold=Decimal("20000"))
    card = await request_with_line(world, quantity="10")  # 25 005,00 ₽
    card = await uc.set_contract_and_terms(
        db, actor_id=world.manager, order_id=card.id, contract_id=world.contract, payment_terms_id=world.terms, now=NOW
    )
    card = await uc.submit_for_approval(db, actor_id=world.manager, order_id=card.id, now=NOW)
    assert [s.state for s in card.steps] == [StepState.PENDING, StepState.PENDING]
    card = await uc.vote(db, actor_id=world.finance, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert card.stage is Stage.APPROVAL
    assert [(s.title, s.decided_by) for s in card.steps if s.state == StepState.APPROVED] == [
        ("Финансовое согласование", "Смирнова Ольга")
    ]
    with pytest.raises(DomainError) as refusal:
        await uc.vote(db, actor_id=world.finance, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert refusal.value.code is ErrorCode.ALREADY_VOTED
    card = await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert card.stage is Stage.EXECUTION


async def test_a_sequential_step_opens_only_after_the_one_before(db: Database) -> None:
    world = await make_world(db, finance_threshold=Decimal("20000"))
    route = route_of(Decimal("20000"))
    route["steps"][1]["parallel"] = False  # type: ignore[index]
    await uc.load_route(db, route=route)
    card = await request_with_line(world)
    card = await uc.submit_for_approval(db, actor_id=world.manager, order_id=card.id, now=NOW)
    assert [s.state for s in card.steps] == [StepState.PENDING, StepState.WAITING]
    with pytest.raises(DomainError) as refusal:
        await uc.vote(db, actor_id=world.finance, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert refusal.value.code is ErrorCode.NOTHING_TO_VOTE
    card = await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert [s.state for s in card.steps] == [StepState.APPROVED, StepState.PENDING]
    events = [payload for kind, payload in await events_of(db, card.id) if kind == "approval.step_opened"]
    assert [e["step"] for e in events] == ["Коммерческое согласование", "Финансовое согласование"]


async def test_an_approver_above_their_limit_cannot_approve(db: Database) -> None:
    world = await make_world(db)
    limited = await uc.add_person(
        db,
        full_name="Лимитов Лев",
        roles=[uc.people.Role.APPROVER],
        telegram_id=3001,
        approval_limit=Decimal("1000.00"),
        now=NOW,
    )
    card = await order_in(world, Stage.APPROVAL)
    with pytest.raises(DomainError) as refusal:
        await uc.vote(db, actor_id=limited.id, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert refusal.value.code is ErrorCode.APPROVAL_LIMIT_EXCEEDED


async def test_returning_for_rework_needs_a_reason_and_brings_the_lines_back_to_editing(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    with pytest.raises(DomainError) as refusal:
        await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.RETURN, comment="  ", now=NOW)
    assert refusal.value.code is ErrorCode.REASON_REQUIRED
    card = await uc.vote(
        db, actor_id=world.approver, order_id=card.id, decision=Decision.RETURN, comment="Уточнить сроки", now=NOW
    )
    assert card.stage is Stage.REQUEST and Action.ADD_LINE in card.actions
    card = await uc.submit_for_approval(db, actor_id=world.manager, order_id=card.id, now=NOW)
    assert [s.state for s in card.steps] == [StepState.PENDING]
    card = await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert card.stage is Stage.EXECUTION


async def test_a_rejection_cancels_the_order_with_its_reason(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    card = await uc.vote(
        db, actor_id=world.approver, order_id=card.id, decision=Decision.REJECT, comment="Нет мощностей", now=NOW
    )
    assert card.stage is Stage.CANCELLED and card.cancel_reason == "Нет мощностей"


async def test_lines_are_locked_once_the_order_left_request(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    with pytest.raises(DomainError) as refusal:
        await uc.remove_line(db, actor_id=world.manager, order_id=card.id, line_id=card.lines[0].id, now=NOW)
    assert refusal.value.code is ErrorCode.LINES_LOCKED


async def test_an_order_goes_all_the_way_to_the_archive_with_its_history_grouped_by_stage(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.ARCHIVED)
    history = await uc.order_history(db, viewer_id=world.manager, order_id=card.id)
    assert [group.stage for group in history] == [
        Stage.REQUEST,
        Stage.APPROVAL,
        Stage.EXECUTION,
        Stage.SHIPPED,
        Stage.CLOSED,
    ]
    assert [e.kind for e in history[0].entries] == ["registered", "line_added", "contract_set", "submitted"]
    assert [e.kind for e in history[1].entries] == ["approved", "stage_moved"]
    assert history[-1].entries[-1].details == {"from": "closed", "to": "archived"}
    versions = [e.version for group in history for e in group.entries]
    assert versions == sorted(versions) and versions[-1] == card.version


async def test_a_manager_cannot_cancel_in_execution_but_the_head_can_with_a_reason(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.EXECUTION)
    with pytest.raises(DomainError) as refusal:
        await uc.cancel(db, actor_id=world.manager, order_id=card.id, reason="Передумали", now=NOW)
    assert refusal.value.code is ErrorCode.NOT_ALLOWED
    with pytest.raises(DomainError) as refusal:
        await uc.cancel(db, actor_id=world.approver, order_id=card.id, reason="", now=NOW)
    assert refusal.value.code is ErrorCode.REASON_REQUIRED
    card = await uc.cancel(db, actor_id=world.approver, order_id=card.id, reason="Клиент закрылся", now=NOW)
    assert card.stage is Stage.CANCELLED


async def test_nothing_shipped_is_the_guard_on_cancelling_execution(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.EXECUTION)
    async with db.unit_of_work() as session:
        from core.models import OrderLine

        line = await session.get(OrderLine, card.lines[0].id)
        assert line is not None
        line.shipped_quantity = Decimal("1")
    with pytest.raises(DomainError) as refusal:
        await uc.cancel(db, actor_id=world.approver, order_id=card.id, reason="Клиент закрылся", now=NOW)
    assert refusal.value.code is ErrorCode.SOMETHING_SHIPPED


async def test_a_move_the_table_does_not_have_is_refused(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    for target in (Stage.SHIPPED, Stage.CLOSED, Stage.EXECUTION):
        with pytest.raises(DomainError) as refusal:
            await uc.move_stage(db, actor_id=world.manager, order_id=card.id, target=target, now=NOW)
        assert refusal.value.code is ErrorCode.WRONG_STAGE
    with pytest.raises(DomainError) as refusal:
        await uc.archive(db, actor_id=world.manager, order_id=card.id, now=NOW)
    assert refusal.value.code is ErrorCode.WRONG_STAGE


async def test_moving_twice_says_it_is_already_done_and_by_whom(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.SHIPPED)
    with pytest.raises(DomainError) as refusal:
        await uc.move_stage(db, actor_id=world.approver, order_id=card.id, target=Stage.SHIPPED, now=NOW)
    assert refusal.value.code is ErrorCode.ALREADY_DONE and refusal.value.params["by"] == "Иванова Анна"


async def test_the_manager_may_withdraw_an_order_from_approval(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    card = await uc.move_stage(db, actor_id=world.manager, order_id=card.id, target=Stage.REQUEST, now=NOW)
    assert card.stage is Stage.REQUEST
    with pytest.raises(DomainError) as refusal:
        await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert refusal.value.code is ErrorCode.WRONG_STAGE


async def test_a_contract_of_another_counterparty_or_over_its_limit_is_refused(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world, quantity="500")  # 1 250 250,00 ₽ over a 1 000 000 limit
    with pytest.raises(DomainError) as refusal:
        await uc.set_contract_and_terms(
            db,
            actor_id=world.manager,
            order_id=card.id,
            contract_id=world.contract,
            payment_terms_id=world.terms,
            now=NOW,
        )
    assert refusal.value.code is ErrorCode.CONTRACT_LIMIT_EXCEEDED
    other = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.other_customer, now=NOW)
    with pytest.raises(DomainError) as refusal:
        await uc.set_contract_and_terms(
            db,
            actor_id=world.manager,
            order_id=other.id,
            contract_id=world.contract,
            payment_terms_id=world.terms,
            now=NOW,
        )
    assert refusal.value.code is ErrorCode.CONTRACT_OF_OTHER_COUNTERPARTY
    card = await uc.set_contract_and_terms(
        db,
        actor_id=world.manager,
        order_id=other.id,
        new_contract_number="У-7/26",
        payment_terms_id=world.terms,
        now=NOW,
    )
    assert card.contract_number == "У-7/26"


async def test_only_approvers_vote_and_only_sales_people_move_orders(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    with pytest.raises(DomainError) as refusal:
        await uc.vote(db, actor_id=world.manager, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert refusal.value.code is ErrorCode.NOT_ALLOWED
    shipped = await order_in(world, Stage.EXECUTION)
    one = {shipped.lines[0].id: "1"}
    with pytest.raises(DomainError) as refusal:
        await uc.ship(db, actor_id=world.planner, order_id=shipped.id, quantities=one, now=NOW)
    assert refusal.value.code is ErrorCode.NOT_ALLOWED
    with pytest.raises(DomainError) as refusal:
        await uc.ship(db, actor_id=world.other_manager, order_id=shipped.id, quantities=one, now=NOW)
    assert refusal.value.code is ErrorCode.ORDER_NOT_FOUND


async def test_an_unknown_or_inactive_person_is_refused_everything(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(DomainError) as refusal:
        await uc.register_request(db, actor_id=987654, counterparty_id=world.customer, now=NOW)
    assert refusal.value.code is ErrorCode.NOT_REGISTERED


async def test_a_note_is_kept_changed_and_cleared_with_its_old_text_in_the_journal(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    card = await uc.set_note(
        db, actor_id=world.manager, order_id=card.id, note="Доставка до 10:00, <склад № 2> & пропуск", now=NOW
    )
    assert card.comment == "Доставка до 10:00, <склад № 2> & пропуск"
    card = await uc.set_note(db, actor_id=world.manager, order_id=card.id, note="", now=NOW)
    assert card.comment == ""
    history = await uc.order_history(db, viewer_id=world.manager, order_id=card.id)
    notes = [e.details for group in history for e in group.entries if e.kind == "note_set"]
    assert notes[-1] == {"from": "Доставка до 10:00, <склад № 2> & пропуск", "to": ""}


async def test_a_note_is_refused_when_too_long_or_once_the_order_is_in_execution(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    with pytest.raises(DomainError) as refusal:
        await uc.set_note(db, actor_id=world.manager, order_id=card.id, note="я" * 2001, now=NOW)
    assert refusal.value.code is ErrorCode.TEXT_TOO_LONG
    executing = await order_in(world, Stage.EXECUTION)
    with pytest.raises(DomainError) as refusal:
        await uc.set_note(db, actor_id=world.manager, order_id=executing.id, note="Поздно", now=NOW)
    assert refusal.value.code is ErrorCode.WRONG_STAGE
    with pytest.raises(DomainError) as refusal:
        await uc.set_note(db, actor_id=world.planner, order_id=card.id, note="Не моё", now=NOW)
    assert refusal.value.code is ErrorCode.NOT_ALLOWED
