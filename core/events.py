"""What people must hear of: the outbox's events as typed past-tense facts.

Each fact has a `kind` (the outbox row's `kind`, an `EventKind`) and turns into the row's JSON
payload and back. The use cases write them through `core.journal.announce`. `from_payload` also
reads the shapes stored before the facts were typed (a return or a rejection was a stage change
then), so old rows keep their meaning. A kind nobody knows becomes `UnknownEvent`, never an error:
an old or newer replica's event must not stop the fan-out.

Which order and who acted are the outbox row's own columns (`StoredEvent`), not the fact's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, ClassVar

from core.stages import Stage


class EventKind(StrEnum):
    """The outbox row's `kind` of each fact. Stored in rows and muted by people: never rename one."""

    ORDER_REGISTERED = "order.registered"
    ORDER_CHANGED = "order.changed"
    ORDER_SUBMITTED = "order.submitted"
    ORDER_STAGE_CHANGED = "order.stage_changed"
    ORDER_RETURNED = "order.returned"
    ORDER_REJECTED = "order.rejected"
    APPROVAL_STEP_OPENED = "approval.step_opened"
    APPROVAL_VOTED = "approval.voted"
    APPROVAL_COMPLETE_BLOCKED = "approval.complete_blocked"
    APPROVAL_RESTARTED = "approval.restarted"
    INVITE_USED = "invite.used"
    MPS_PLANNED = "mps.planned"
    LINE_PRODUCED = "production.line_produced"
    ORDER_PRODUCED = "production.order_produced"
    LINE_AT_RISK = "production.line_at_risk"


# Plain names for the kinds other modules know them by.
ORDER_RETURNED = EventKind.ORDER_RETURNED.value
ORDER_REJECTED = EventKind.ORDER_REJECTED.value
INVITE_USED = EventKind.INVITE_USED.value
LINE_CHANGES = frozenset({"line_added", "line_updated", "line_removed"})


@dataclass(frozen=True)
class Event:
    """A fact about an order (or about staff) that someone may need to hear."""

    kind: ClassVar[str] = ""
    number: str | None = None

    def to_payload(self) -> dict[str, Any]:
        return {name: _plain(value) for name, value in dataclasses.asdict(self).items() if value is not None}


@dataclass(frozen=True)
class OrderRegistered(Event):
    kind: ClassVar[str] = EventKind.ORDER_REGISTERED.value
    responsible_id: int | None = None


@dataclass(frozen=True)
class OrderChanged(Event):
    """Terms or a note changed (`change` is the journal's ActivityKind); the total as it is now."""

    kind: ClassVar[str] = EventKind.ORDER_CHANGED.value
    change: str = ""
    total: Decimal | None = None
    currency: str = "RUB"


@dataclass(frozen=True)
class LineChanged(OrderChanged):
    """A line was added, changed or removed: its position and item code."""

    position: int | None = None
    item: str = ""


@dataclass(frozen=True)
class OrderSubmitted(Event):
    kind: ClassVar[str] = EventKind.ORDER_SUBMITTED.value
    total: Decimal | None = None
    currency: str = "RUB"


@dataclass(frozen=True)
class ApprovalStepOpened(Event):
    """A step of the route opened: its approvers have a decision waiting."""

    kind: ClassVar[str] = EventKind.APPROVAL_STEP_OPENED.value
    step_id: int | None = None
    step: str = ""
    role: str = ""
    person_id: int | None = None
    total: Decimal | None = None
    currency: str = "RUB"


@dataclass(frozen=True)
class VoteCast(Event):
    """An approver decided a step (`step_id`). A return or a rejection is written as its own fact instead."""

    kind: ClassVar[str] = EventKind.APPROVAL_VOTED.value
    decision: str = ""
    step_id: int | None = None
    step: str = ""
    role: str = ""
    comment: str = ""
    on_behalf_of: str = ""  # a delegate voted in this approver's stead


@dataclass(frozen=True)
class StageMoved(Event):
    """The order moved between stages; `automatic` when the route moved it, `reason` when one was given."""

    kind: ClassVar[str] = EventKind.ORDER_STAGE_CHANGED.value
    source: str = ""
    target: str = ""
    automatic: bool = False
    reason: str = ""

    def to_payload(self) -> dict[str, Any]:
        # Stored names: `from` and `to` (keywords in Python, so renamed here).
        payload: dict[str, Any] = {"from": self.source, "to": self.target, "automatic": self.automatic}
        if self.reason:
            payload["reason"] = self.reason
        return {**payload, "number": self.number} if self.number is not None else payload


@dataclass(frozen=True)
class RoundEnded(Event):
    """An approver ended the round, deciding step `step_id`: the order leaves approval (`reason` says why)."""

    step_id: int | None = None
    step: str = ""
    role: str = ""
    reason: str = ""
    on_behalf_of: str = ""  # a delegate decided in this approver's stead


@dataclass(frozen=True)
class OrderReturned(RoundEnded):
    """An approver sent the order back to `request` for rework."""

    kind: ClassVar[str] = EventKind.ORDER_RETURNED.value


@dataclass(frozen=True)
class OrderRejected(RoundEnded):
    """An approver rejected the order; it is cancelled."""

    kind: ClassVar[str] = EventKind.ORDER_REJECTED.value


@dataclass(frozen=True)
class ApprovalRestarted(Event):
    """What the approvers saw changed; those who had voted must vote again."""

    kind: ClassVar[str] = EventKind.APPROVAL_RESTARTED.value
    changed: tuple[str, ...] = ()
    round: int = 0
    voided_voters: tuple[int, ...] = ()


@dataclass(frozen=True)
class ApprovalCompleteBlocked(Event):
    """Every step approved, but the order cannot go to execution: `missing` says what it lacks."""

    kind: ClassVar[str] = EventKind.APPROVAL_COMPLETE_BLOCKED.value
    missing: tuple[str, ...] = ()
    responsible_id: int | None = None


@dataclass(frozen=True)
class InviteUsed(Event):
    """Someone joined through an admin's invitation."""

    kind: ClassVar[str] = EventKind.INVITE_USED.value
    invite_id: int | None = None
    role: str = ""
    created_by_id: int | None = None
    person_id: int | None = None
    person_name: str = ""


@dataclass(frozen=True)
class UnknownEvent(Event):
    """A kind this version does not know; kept as it was stored."""

    stored_kind: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)

    def to_payload(self) -> dict[str, Any]:
        return dict(self.payload)


@dataclass(frozen=True)
class StoredEvent:
    """An outbox row read back: the fact, and the envelope every fact shares."""

    id: int
    at: datetime
    order_id: int | None
    actor_id: int | None
    fact: Event

    @property
    def kind(self) -> str:
        return self.fact.stored_kind if isinstance(self.fact, UnknownEvent) else self.fact.kind


def from_payload(kind: str, payload: Mapping[str, Any]) -> Event:
    """The typed fact behind a stored kind and payload; tolerant of missing, extra and old fields."""
    reader = _READERS.get(kind)
    if reader is None:
        return UnknownEvent(number=_text_or_none(payload.get("number")), stored_kind=kind, payload=dict(payload))
    try:
        return reader(payload)
    except (TypeError, ValueError, InvalidOperation):
        return UnknownEvent(number=_text_or_none(payload.get("number")), stored_kind=kind, payload=dict(payload))


def _stage_changed(payload: Mapping[str, Any]) -> Event:
    # Rows stored before returns and rejections were facts of their own: a vote's move carried its step.
    source, target = str(payload.get("from", "")), str(payload.get("to", ""))
    number = _text_or_none(payload.get("number"))
    reason = str(payload.get("reason") or "")
    if source == Stage.APPROVAL and target == Stage.REQUEST and "step" in payload:
        return OrderReturned(number=number, step=str(payload["step"]), reason=reason)
    if source == Stage.APPROVAL and target == Stage.CANCELLED and "step" in payload:
        return OrderRejected(number=number, step=str(payload["step"]), reason=reason)
    automatic = bool(payload.get("automatic", False))
    return StageMoved(number=number, source=source, target=target, automatic=automatic, reason=reason)


def _order_changed(payload: Mapping[str, Any]) -> Event:
    return _simple(LineChanged if str(payload.get("change", "")) in LINE_CHANGES else OrderChanged)(payload)


def _simple(cls: type[Event]) -> Callable[[Mapping[str, Any]], Event]:
    """Read a fact whose payload names are its field names, converting each to the field's type."""
    fields = {f.name: f for f in dataclasses.fields(cls)}

    def read(payload: Mapping[str, Any]) -> Event:
        values = {name: _typed(fields[name].type, value) for name, value in payload.items() if name in fields}
        return cls(**values)

    return read


def _typed(annotation: Any, value: Any) -> Any:
    text = str(annotation)
    if value is None:
        return None
    if "Decimal" in text:
        return Decimal(str(value))
    if "tuple" in text:
        return tuple(value)
    if text.startswith("int"):
        return int(value)
    if text == "bool":
        return bool(value)
    if text.startswith("str"):
        return str(value)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


_READERS: dict[str, Callable[[Mapping[str, Any]], Event]] = {
    EventKind.ORDER_REGISTERED.value: _simple(OrderRegistered),
    EventKind.ORDER_CHANGED.value: _order_changed,
    EventKind.ORDER_SUBMITTED.value: _simple(OrderSubmitted),
    EventKind.APPROVAL_STEP_OPENED.value: _simple(ApprovalStepOpened),
    EventKind.APPROVAL_VOTED.value: _simple(VoteCast),
    EventKind.ORDER_STAGE_CHANGED.value: _stage_changed,
    EventKind.ORDER_RETURNED.value: _simple(OrderReturned),
    EventKind.ORDER_REJECTED.value: _simple(OrderRejected),
    EventKind.APPROVAL_RESTARTED.value: _simple(ApprovalRestarted),
    EventKind.APPROVAL_COMPLETE_BLOCKED.value: _simple(ApprovalCompleteBlocked),
    EventKind.INVITE_USED.value: _simple(InviteUsed),
}


PERSON_UNREACHABLE = "person.unreachable"


@dataclass(frozen=True)
class PersonUnreachable(Event):
    """Telegram refused a notice to this person (they blocked the bot): the admins should know."""

    kind: ClassVar[str] = PERSON_UNREACHABLE
    person_id: int | None = None
    person_name: str = ""


_READERS[PERSON_UNREACHABLE] = _simple(PersonUnreachable)


APPROVAL_REMINDER = "approval.reminder"


@dataclass(frozen=True)
class ApprovalReminder(ApprovalStepOpened):
    """A step has waited `hours_waiting` working hours: its approvers are reminded; when `escalated`, the
    head of sales hears too, with who could decide it (`approvers`, and `more_approvers` beyond them).

    A step still open, told again: it extends `ApprovalStepOpened` so that what closes an approver's
    card once its step is decided (`core.use_cases.notifications`) closes a reminder's card as well.
    """

    kind: ClassVar[str] = APPROVAL_REMINDER
    hours_waiting: int = 0
    escalated: bool = False
    approvers: tuple[str, ...] = ()
    more_approvers: int = 0


_READERS[APPROVAL_REMINDER] = _simple(ApprovalReminder)


APPROVALS_DELEGATED = "approval.delegated"
APPROVALS_TAKEN_BACK = "approval.taken_back"


@dataclass(frozen=True)
class ApprovalsDelegated(Event):
    """An approver away handed their approvals to `delegate_id` until `until` (a local date, ISO), with
    `waiting` of them waiting now; `by_name` when someone else (an administrator) arranged it."""

    kind: ClassVar[str] = APPROVALS_DELEGATED
    delegate_id: int | None = None
    principal_id: int | None = None
    principal_name: str = ""
    until: str = ""
    waiting: int = 0
    by_name: str = ""


@dataclass(frozen=True)
class ApprovalsTakenBack(Event):
    """The approver took their approvals back from `delegate_id` before the delegation's end."""

    kind: ClassVar[str] = APPROVALS_TAKEN_BACK
    delegate_id: int | None = None
    principal_id: int | None = None
    principal_name: str = ""


_READERS[APPROVALS_DELEGATED] = _simple(ApprovalsDelegated)
_READERS[APPROVALS_TAKEN_BACK] = _simple(ApprovalsTakenBack)


@dataclass(frozen=True)
class MpsPlanned(Event):
    """Replenishing the MPS planned `lines` lines of the order, `quantity` in all (summed over their units)."""

    kind: ClassVar[str] = EventKind.MPS_PLANNED.value
    lines: int = 0
    quantity: Decimal | None = None


@dataclass(frozen=True)
class LineProduced(Event):
    """A line is made: all its quantity produced, at `actual_cost` so far against `planned_cost`."""

    kind: ClassVar[str] = EventKind.LINE_PRODUCED.value
    position: int | None = None
    item: str = ""
    quantity: Decimal | None = None
    actual_cost: Decimal | None = None
    planned_cost: Decimal | None = None
    currency: str = "RUB"


@dataclass(frozen=True)
class OrderProduced(Event):
    """Every line of the order is made: it is ready to ship."""

    kind: ClassVar[str] = EventKind.ORDER_PRODUCED.value
    responsible_id: int | None = None
    actual_cost: Decimal | None = None
    planned_cost: Decimal | None = None
    currency: str = "RUB"


@dataclass(frozen=True)
class LineAtRisk(Event):
    """A line's risk to its required-by date changed to `risk` (`core.production.Risk`: at_risk or overdue)."""

    kind: ClassVar[str] = EventKind.LINE_AT_RISK.value
    position: int | None = None
    item: str = ""
    risk: str = ""
    previous: str = ""
    required_by: str = ""  # ISO dates: a fact's payload is JSON
    expected_finish: str = ""
    quantity: Decimal | None = None
    produced: Decimal | None = None


_READERS[EventKind.MPS_PLANNED.value] = _simple(MpsPlanned)
_READERS[EventKind.LINE_PRODUCED.value] = _simple(LineProduced)
_READERS[EventKind.ORDER_PRODUCED.value] = _simple(OrderProduced)
_READERS[EventKind.LINE_AT_RISK.value] = _simple(LineAtRisk)


MPS_DIGEST = "mps.digest"


@dataclass(frozen=True)
class MpsDigestDue(Event):
    """A planner's daily MPS digest is due for `day` (their local date, ISO): the dispatcher composes it on sending."""

    kind: ClassVar[str] = MPS_DIGEST
    planner_id: int | None = None
    day: str = ""


_READERS[MPS_DIGEST] = _simple(MpsDigestDue)


ORDER_SHIPPED = "order.shipped"
PAYMENT_RECEIVED = "payment.received"
ORDER_CLOSED = "order.closed"


@dataclass(frozen=True)
class OrderShipped(Event):
    """A shipment left: `fully` when it completes the order (which is then «Отгружен»), else a part of it."""

    kind: ClassVar[str] = ORDER_SHIPPED
    shipment_id: int | None = None
    fully: bool = False
    amount: Decimal | None = None
    currency: str = "RUB"
    responsible_id: int | None = None


@dataclass(frozen=True)
class PaymentReceived(Event):
    """An accountant recorded a payment for the order: `amount`, of which `credit` was left as the customer's
    credit; `outstanding` is what the order still owes, `state` its payment state (`core.payment_schedule`)."""

    kind: ClassVar[str] = PAYMENT_RECEIVED
    payment_id: int | None = None
    amount: Decimal | None = None
    credit: Decimal | None = None
    outstanding: Decimal | None = None
    state: str = ""
    paid_on: str = ""  # ISO date: a fact's payload is JSON
    currency: str = "RUB"
    responsible_id: int | None = None


@dataclass(frozen=True)
class OrderClosed(Event):
    """The order was closed: by itself once fully shipped and paid (`automatic`), else by a head with `reason`."""

    kind: ClassVar[str] = ORDER_CLOSED
    automatic: bool = False
    reason: str = ""
    responsible_id: int | None = None


_READERS[ORDER_SHIPPED] = _simple(OrderShipped)
_READERS[PAYMENT_RECEIVED] = _simple(PaymentReceived)
_READERS[ORDER_CLOSED] = _simple(OrderClosed)


PAYMENT_OVERDUE = "payment.overdue"
AGEING_DIGEST = "payment.ageing_digest"


@dataclass(frozen=True)
class PaymentOverdue(Event):
    """A customer's payments are overdue (`core.overdue`): one fact per counterparty, listing its overdue rows
    (`rows`: order number, amount due, days overdue, due and promised dates, and the cadence step reached);
    its orders' managers (`managers`) hear of it, and when `escalated` the heads of sales and accountants too."""

    kind: ClassVar[str] = PAYMENT_OVERDUE
    counterparty_id: int | None = None
    counterparty: str = ""
    managers: tuple[int, ...] = ()
    escalated: bool = False
    total: Decimal | None = None
    currency: str = "RUB"
    rows: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class AgeingDigestDue(Event):
    """The weekly ageing of receivables is due for `person_id` (`day`, ISO): the dispatcher composes it on sending."""

    kind: ClassVar[str] = AGEING_DIGEST
    person_id: int | None = None
    day: str = ""


_READERS[PAYMENT_OVERDUE] = _simple(PaymentOverdue)
_READERS[AGEING_DIGEST] = _simple(AgeingDigestDue)


def known_kinds() -> frozenset[str]:
    """Every kind a fact is read back from: what a notice can be about."""
    return frozenset(_READERS)
