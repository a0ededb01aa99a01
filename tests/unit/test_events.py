"""Outbox events read back as typed facts, from what the use cases store today."""

from __future__ import annotations

from decimal import Decimal

from core.events import (
    ApprovalStepOpened,
    LineChanged,
    OrderRejected,
    OrderReturned,
    StageMoved,
    UnknownEvent,
    from_payload,
)


def test_a_stored_step_opened_dict_reads_as_a_typed_fact_and_writes_back_the_same() -> None:
    stored = {"number": "ЗС-000001", "step_id": 3, "step": "Коммерческое", "role": "approver", "person_id": None,
              "total": "25005.00", "currency": "RUB"}  # fmt: skip
    fact = from_payload("approval.step_opened", stored)
    assert fact == ApprovalStepOpened(number="ЗС-000001", step_id=3, step="Коммерческое", role="approver",
                                      total=Decimal("25005.00"))  # fmt: skip
    assert from_payload(fact.kind, fact.to_payload()) == fact


def test_a_stage_change_by_a_vote_reads_as_a_return_or_a_rejection() -> None:
    back = {"number": "ЗС-1", "from": "approval", "to": "request", "step": "Ф", "reason": "сроки"}
    assert from_payload("order.stage_changed", back) == OrderReturned(number="ЗС-1", step="Ф", reason="сроки")
    assert isinstance(from_payload("order.stage_changed", {**back, "to": "cancelled"}), OrderRejected)
    moved = from_payload("order.stage_changed", {"from": "approval", "to": "execution", "automatic": True})
    assert moved == StageMoved(source="approval", target="execution", automatic=True)
    assert from_payload(moved.kind, moved.to_payload()) == moved


def test_line_changes_unknown_kinds_and_bad_values_never_raise() -> None:
    assert isinstance(from_payload("order.changed", {"change": "line_added"}), LineChanged)
    assert isinstance(from_payload("payment.overdue", {"days": 3}), UnknownEvent)
    assert isinstance(from_payload("order.submitted", {"total": "not money"}), UnknownEvent)
