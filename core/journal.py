"""Writing down a change: the order's new version, its activity and its outbox event, together."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Activity, Order, OutboxEvent


class ActivityKind(StrEnum):
    REGISTERED = "registered"
    LINE_ADDED = "line_added"
    LINE_UPDATED = "line_updated"
    LINE_REMOVED = "line_removed"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    CONTRACT_SET = "contract_set"
    APPROVAL_RESTARTED = "approval_restarted"
    NOTE_SET = "note_set"
    STAGE_MOVED = "stage_moved"
    CANCELLED = "cancelled"
    ARCHIVED = "archived"


class EventKind(StrEnum):
    ORDER_REGISTERED = "order.registered"
    ORDER_CHANGED = "order.changed"
    ORDER_SUBMITTED = "order.submitted"
    ORDER_STAGE_CHANGED = "order.stage_changed"
    APPROVAL_STEP_OPENED = "approval.step_opened"
    APPROVAL_VOTED = "approval.voted"
    APPROVAL_COMPLETE_BLOCKED = "approval.complete_blocked"
    APPROVAL_RESTARTED = "approval.restarted"


def record(
    session: AsyncSession,
    order: Order,
    *,
    kind: ActivityKind,
    actor_id: int | None,
    now: datetime,
    stage: str | None = None,
    details: dict[str, Any] | None = None,
) -> Activity:
    """Bump the order's version and journal the change under the stage it happened in."""
    order.version += 1
    order.updated_at = now
    activity = Activity(
        order_id=order.id,
        at=now,
        actor_id=actor_id,
        stage=stage or order.stage,
        kind=kind,
        version=order.version,
        details=details or {},
    )
    session.add(activity)
    return activity


def announce(
    session: AsyncSession,
    *,
    kind: EventKind,
    order: Order | None,
    actor_id: int | None,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> OutboxEvent:
    """Leave an event for the notification dispatcher; it commits or vanishes with the change."""
    event = OutboxEvent(
        created_at=now,
        kind=kind,
        order_id=order.id if order is not None else None,
        actor_id=actor_id,
        payload={"number": order.number, **(payload or {})} if order is not None else dict(payload or {}),
    )
    session.add(event)
    return event
