"""Writing down a change: the order's new version, its activity and its outbox event, together."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.events import Event
from core.events import EventKind as EventKind  # its old home: callers may still import it from here
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
    MPS_PLANNED = "mps_planned"
    PRODUCTION_RECORDED = "production_recorded"
    SHIPPED = "shipped"
    PAYMENT_RECORDED = "payment_recorded"
    INVOICE_ISSUED = "invoice_issued"
    CLOSED = "closed"
    PAYMENT_PROMISED = "payment_promised"


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
    fact: Event,
    *,
    order: Order | None,
    actor_id: int | None,
    now: datetime,
) -> OutboxEvent:
    """Leave a fact for the notification fan-out; it commits or vanishes with the change.

    The order's number is written into the fact here, so no call site can forget it; the order
    and the actor are the outbox row's own columns.
    """
    if order is not None:
        fact = dataclasses.replace(fact, number=order.number)
    event = OutboxEvent(
        created_at=now,
        kind=fact.kind,
        order_id=order.id if order is not None else None,
        actor_id=actor_id,
        payload=fact.to_payload(),
    )
    session.add(event)
    return event
