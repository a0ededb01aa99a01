"""What people must hear of: the outbox's events as typed past-tense facts.

Each fact has a `kind` (the outbox row's `kind`) and turns into the row's JSON payload and back.
`from_payload` also reads the dicts the use cases write today through `core.journal.announce`
(a return or a rejection is a stage change there), so stored events keep their meaning when the
call sites move to these classes. A kind nobody knows becomes `UnknownEvent`, never an error: an
old or newer replica's event must not stop the fan-out.

Which order and who acted are the outbox row's own columns (`StoredEvent`), not the fact's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from core.journal import EventKind
from core.stages import Stage

# Kinds that today's call sites do not write yet; the later conversion writes them.
ORDER_RETURNED = "order.returned"
ORDER_REJECTED = "order.rejected"
INVITE_USED = "invite.used"
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
    """Terms or a note changed (`change` is the journal's ActivityKind)."""

    kind: ClassVar[str] = EventKind.ORDER_CHANGED.value
    change: str = ""


@dataclass(frozen=True)
class LineChanged(OrderChanged):
    """A line was added, changed or removed."""


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
    kind: ClassVar[str] = EventKind.APPROVAL_VOTED.value
    decision: str = ""
    step: str = ""
    comment: str = ""


@dataclass(frozen=True)
class StageMoved(Event):
    kind: ClassVar[str] = EventKind.ORDER_STAGE_CHANGED.value
    source: str = ""
    target: str = ""
    automatic: bool = False

    def to_payload(self) -> dict[str, Any]:
        # Today's stored names: `from` and `to` (keywords in Python, so renamed here).
        payload = {"from": self.source, "to": self.target, "automatic": self.automatic}
        return {**payload, "number": self.number} if self.number is not None else payload


@dataclass(frozen=True)
class OrderReturned(Event):
    """An approver sent the order back to `request` for rework."""

    kind: ClassVar[str] = ORDER_RETURNED
    step: str = ""
    reason: str = ""


@dataclass(frozen=True)
class OrderRejected(Event):
    """An approver rejected the order; it is cancelled."""

    kind: ClassVar[str] = ORDER_REJECTED
    step: str = ""
    reason: str = ""


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

    kind: ClassVar[str] = INVITE_USED
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
    source, target = str(payload.get("from", "")), str(payload.get("to", ""))
    number = _text_or_none(payload.get("number"))
    if source == Stage.APPROVAL and target == Stage.REQUEST and "step" in payload:
        return OrderReturned(number=number, step=str(payload["step"]), reason=str(payload.get("reason") or ""))
    if source == Stage.APPROVAL and target == Stage.CANCELLED and "step" in payload:
        return OrderRejected(number=number, step=str(payload["step"]), reason=str(payload.get("reason") or ""))
    return StageMoved(number=number, source=source, target=target, automatic=bool(payload.get("automatic", False)))


def _order_changed(payload: Mapping[str, Any]) -> Event:
    change = str(payload.get("change", ""))
    kind = LineChanged if change in LINE_CHANGES else OrderChanged
    return kind(number=_text_or_none(payload.get("number")), change=change)


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
    ORDER_RETURNED: _simple(OrderReturned),
    ORDER_REJECTED: _simple(OrderRejected),
    EventKind.APPROVAL_RESTARTED.value: _simple(ApprovalRestarted),
    EventKind.APPROVAL_COMPLETE_BLOCKED.value: _simple(ApprovalCompleteBlocked),
    INVITE_USED: _simple(InviteUsed),
}
