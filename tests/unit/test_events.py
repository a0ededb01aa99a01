"""Outbox events as typed facts: each kind written and read back unchanged, and older stored shapes still read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.events import (
    ApprovalCompleteBlocked,
    ApprovalRestarted,
    ApprovalsDelegated,
    ApprovalsTakenBack,
    ApprovalStepOpened,
    Event,
    EventKind,
    InviteUsed,
    LineAtRisk,
    LineChanged,
    LineProduced,
    MpsPlanned,
    OrderChanged,
    OrderProduced,
    OrderRegistered,
    OrderRejected,
    OrderReturned,
    OrderSubmitted,
    StageMoved,
    UnknownEvent,
    VoteCast,
    from_payload,
)

# One of every fact, each field away from its default, as a use case would write it.
EVERY_FACT: tuple[Event, ...] = (
    OrderRegistered(number="ЗС-000001", responsible_id=7),
    OrderChanged(number="ЗС-000001", change="contract_set", total=Decimal("25005.00"), currency="USD"),
    OrderChanged(number="ЗС-000001", change="note_set", total=Decimal("0.00")),
    LineChanged(number="ЗС-000001", change="line_updated", total=Decimal("150.75"), position=2, item="ВЗ-100"),
    OrderSubmitted(number="ЗС-000001", total=Decimal("1250000.50"), currency="EUR"),
    ApprovalStepOpened(
        number="ЗС-000001", step_id=3, step="Финансовое", role="approver", person_id=6, total=Decimal("25005.00")
    ),
    VoteCast(number="ЗС-000001", decision="approve", step_id=3, step="Коммерческое", role="approver", comment="Ок"),
    StageMoved(number="ЗС-000001", source="approval", target="execution", automatic=True),
    StageMoved(number="ЗС-000001", source="request", target="cancelled", reason="Клиент передумал"),
    OrderReturned(number="ЗС-000001", step_id=4, step="Финансовое", role="approver", reason="Уточните сроки"),
    OrderRejected(number="ЗС-000001", step_id=5, step="Коммерческое", role="approver", reason="Нет мощностей"),
    ApprovalRestarted(number="ЗС-000001", changed=("contract", "payment_terms"), round=2, voided_voters=(2, 6)),
    ApprovalCompleteBlocked(number="ЗС-000001", missing=("contract", "payment_terms"), responsible_id=1),
    InviteUsed(invite_id=9, role="planner", created_by_id=8, person_id=12, person_name="Новиков Н."),
    MpsPlanned(number="ЗС-000001", lines=3, quantity=Decimal("12.5")),
    LineProduced(
        number="ЗС-000001",
        position=2,
        item="ВК-12",
        quantity=Decimal("10"),
        actual_cost=Decimal("18000.00"),
        planned_cost=Decimal("17500.00"),
        currency="EUR",
    ),
    OrderProduced(
        number="ЗС-000001", responsible_id=3, actual_cost=Decimal("1.00"), planned_cost=Decimal("2.00"), currency="USD"
    ),
    LineAtRisk(
        number="ЗС-000001",
        position=1,
        item="ВЗ-100",
        risk="overdue",
        previous="at_risk",
        required_by="2026-12-15",
        expected_finish="2026-12-18",
        quantity=Decimal("100"),
        produced=Decimal("40.5"),
    ),
)

# Facts about people rather than orders: read back the same way.
STAFF_FACTS: tuple[Event, ...] = (
    ApprovalsDelegated(
        delegate_id=4, principal_id=6, principal_name="Фёдоров М. А.", until="2026-12-15", waiting=3, by_name="Админ"
    ),
    ApprovalsTakenBack(delegate_id=4, principal_id=6, principal_name="Фёдоров М. А."),
    VoteCast(number="ЗС-000001", decision="approve", step_id=3, step="Коммерческое", on_behalf_of="Фёдоров М. А."),
    OrderRejected(number="ЗС-000001", step_id=5, step="Коммерческое", reason="Нет", on_behalf_of="Фёдоров М. А."),
)


@pytest.mark.parametrize("fact", EVERY_FACT + STAFF_FACTS, ids=lambda fact: f"{type(fact).__name__}")
def test_every_fact_reads_back_from_its_payload_as_it_was_written(fact: Event) -> None:
    assert from_payload(fact.kind, fact.to_payload()) == fact


def test_every_kind_has_a_fact_in_the_round_trip() -> None:
    assert {fact.kind for fact in EVERY_FACT} == set(EventKind)


def test_a_stored_step_opened_dict_reads_as_a_typed_fact_and_writes_back_the_same() -> None:
    stored = {"number": "ЗС-000001", "step_id": 3, "step": "Коммерческое", "role": "approver", "person_id": None,
              "total": "25005.00", "currency": "RUB"}  # fmt: skip
    fact = from_payload("approval.step_opened", stored)
    assert fact == ApprovalStepOpened(number="ЗС-000001", step_id=3, step="Коммерческое", role="approver",
                                      total=Decimal("25005.00"))  # fmt: skip
    assert from_payload(fact.kind, fact.to_payload()) == fact


def test_a_stage_change_stored_by_a_vote_before_facts_were_typed_reads_as_a_return_or_a_rejection() -> None:
    back = {"number": "ЗС-1", "from": "approval", "to": "request", "step": "Ф", "reason": "сроки"}
    assert from_payload("order.stage_changed", back) == OrderReturned(number="ЗС-1", step="Ф", reason="сроки")
    assert isinstance(from_payload("order.stage_changed", {**back, "to": "cancelled"}), OrderRejected)
    moved = from_payload("order.stage_changed", {"from": "approval", "to": "execution", "automatic": True})
    assert moved == StageMoved(source="approval", target="execution", automatic=True)


def test_an_old_vote_without_a_step_id_or_role_still_reads() -> None:
    old = {"number": "ЗС-1", "decision": "reject", "step": "Ф", "comment": "Нет"}
    assert from_payload("approval.voted", old) == VoteCast(number="ЗС-1", decision="reject", step="Ф", comment="Нет")


def test_line_changes_unknown_kinds_and_bad_values_never_raise() -> None:
    assert isinstance(from_payload("order.changed", {"change": "line_added"}), LineChanged)
    assert type(from_payload("order.changed", {"change": "note_set", "position": 1})) is OrderChanged
    assert isinstance(from_payload("payment.forgotten", {"days": 3}), UnknownEvent)
    assert isinstance(from_payload("order.submitted", {"total": "not money"}), UnknownEvent)
