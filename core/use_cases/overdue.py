"""Overdue payments: one reminder per customer on each step of the cadence, and the promise that defers it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import acting_person
from core.db import Database
from core.errors import DomainError, ErrorCode, Forbidden
from core.events import PAYMENT_OVERDUE, PaymentOverdue
from core.journal import ActivityKind, announce, record
from core.models import Counterparty, Order, OutboxEvent, PaymentRow, Person
from core.overdue import (
    NOT_REMINDED,
    anchor,
    company_today,
    days_overdue,
    deferred,
    is_working_moment,
    step_reached,
)
from core.parsing import parse_date
from core.receivables import owed_orders
from core.roles import Role
from core.working_time import WorkingCalendar

LONGEST_PROMISE = timedelta(days=90)


@dataclass(frozen=True)
class OverdueRules:
    """When the overdue are reminded: on `cadence` days overdue, the heads and accountants from `escalate_day`."""

    calendar: WorkingCalendar
    cadence: tuple[int, ...]
    escalate_day: int


@dataclass(frozen=True)
class OverdueResult:
    reminded: int  # customers whose managers were reminded
    escalated: int  # of them, those whose heads of sales and accountants heard as well


@dataclass(frozen=True)
class PromiseRecorded:
    counterparty: str
    promised_date: date
    orders: tuple[str, ...]


@dataclass(frozen=True)
class _Row:
    row: PaymentRow
    number: str
    counterparty_id: int
    counterparty: str
    responsible_id: int
    currency: str


async def remind_overdue(db: Database, *, now: datetime, rules: OverdueRules) -> OverdueResult:
    """Tell each customer's managers of its overdue payments, once per step of the cadence.

    Rules:
    - only in working hours of a working day (`core.working_time`): outside them nothing is told, and what
      fell due is told at the next working moment;
    - a row is overdue once past its due date and not fully paid, on an order with a schedule that was never
      cancelled (`core.receivables.owed_orders`, archived or not); a row whose promised date has not passed
      is left alone (`core.overdue`);
    - one message per customer and currency, listing every overdue row of theirs in it not deferred by a
      promise (order, amount due, days overdue) and their total, sent when any of its rows reaches a step of
      the cadence it was not told of;
      the managers responsible for its orders hear it, and when a row reaches the escalation day the heads
      of sales and the accountants too;
    - which step each row was told of is read back from the outbox, so the job running every minute tells
      each step once (it runs under the job's lock, `jobs.catalogue.run`).
    """
    if not is_working_moment(rules.calendar, now):
        return OverdueResult(reminded=0, escalated=0)
    today = company_today(rules.calendar, now)
    async with db.unit_of_work() as session:
        found = [r for r in await overdue_rows(session, today=today) if not deferred(r.row.promised_date, today)]
        if not found:
            return OverdueResult(reminded=0, escalated=0)
        told = await _told(session, since=min(anchor(r.row.due_date or today, r.row.promised_date) for r in found))
        by_customer: dict[tuple[int, str], list[_Row]] = {}
        for row in found:  # amounts in different currencies never add up: a message for each
            by_customer.setdefault((row.counterparty_id, row.currency), []).append(row)
        reminded = escalated = 0
        for rows in by_customer.values():
            steps = {r.row.id: _step(r.row, today, rules.cadence) for r in rows}
            new = [r for r in rows if steps[r.row.id] > told.get((r.row.id, _anchor(r.row)), NOT_REMINDED)]
            if not new:
                continue
            escalate = any(steps[r.row.id] >= rules.escalate_day for r in new)
            announce(session, _fact(rows, steps, today=today, escalated=escalate), order=None, actor_id=None, now=now)
            reminded, escalated = reminded + 1, escalated + escalate
        return OverdueResult(reminded=reminded, escalated=escalated)


async def promise_payment(
    db: Database, *, actor_id: int, counterparty_id: int, promised: date | str, now: datetime
) -> PromiseRecorded:
    """Record the day the customer promised to pay their overdue rows by: reminders wait for it.

    Rules:
    - a manager records it for the overdue rows of their own orders with the customer, a head of sales for
      all of the customer's overdue rows; nobody else;
    - some row must be overdue and unpaid, else NOTHING_OVERDUE;
    - the date (typed as people type dates) is today or later, and at most 90 days ahead;
    - each order whose rows got the date is journalled; a later promise replaces an earlier one.
    """
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        today = validation.local_today(now, actor.time_zone)
        day = promised if isinstance(promised, date) else parse_date(promised, today=today)
        if day < today:
            raise DomainError(ErrorCode.DATE_IN_PAST, value=day.isoformat(), today=today.isoformat())
        if day > today + LONGEST_PROMISE:
            latest = today + LONGEST_PROMISE
            raise DomainError(ErrorCode.DATE_TOO_FAR, value=day.isoformat(), latest=latest.isoformat())
        rows = await _promisable(session, actor, counterparty_id, today=today, lock=True)
        orders: dict[int, list[PaymentRow]] = {}
        for found in rows:
            found.row.promised_date = day
            orders.setdefault(found.row.order_id, []).append(found.row)
        for order in await session.scalars(select(Order).where(Order.id.in_(orders)).order_by(Order.id)):
            details = {"promised": day.isoformat(), "rows": [row.position for row in orders[order.id]]}
            record(session, order, kind=ActivityKind.PAYMENT_PROMISED, actor_id=actor.id, now=now, details=details)
        return PromiseRecorded(
            counterparty=rows[0].counterparty, promised_date=day, orders=tuple(dict.fromkeys(r.number for r in rows))
        )


async def promise_screen(db: Database, *, viewer_id: int, counterparty_id: int, now: datetime) -> str:
    """The customer's name, when the viewer may record a promise for them now (the rules of `promise_payment`)."""
    async with db.reading() as session:
        viewer = await acting_person(session, viewer_id)
        today = validation.local_today(now, viewer.time_zone)
        return (await _promisable(session, viewer, counterparty_id, today=today))[0].counterparty


async def _promisable(
    session: AsyncSession, actor: Person, counterparty_id: int, *, today: date, lock: bool = False
) -> list[_Row]:
    """The customer's overdue rows the actor may record a promise for; refused when there are none."""
    if not actor.has_role(Role.MANAGER) and not actor.has_role(Role.HEAD):
        raise Forbidden(ErrorCode.PROMISE_NOT_FOR_ROLE)
    found = await overdue_rows(session, today=today, counterparty_id=counterparty_id, lock=lock)
    rows = [r for r in found if _mine(actor, r)]
    if not rows:
        name = await session.scalar(select(Counterparty.name).where(Counterparty.id == counterparty_id))
        raise DomainError(ErrorCode.NOTHING_OVERDUE, counterparty=name or "—")
    return rows


async def overdue_rows(
    session: AsyncSession, *, today: date, counterparty_id: int | None = None, lock: bool = False
) -> list[_Row]:
    """The rows past due and not fully paid, of orders with a schedule that were not cancelled, oldest first."""
    query = (
        select(PaymentRow, Order.number, Order.counterparty_id, Counterparty.name, Order.responsible_id, Order.currency)
        .join(Order, Order.id == PaymentRow.order_id)
        .join(Counterparty, Counterparty.id == Order.counterparty_id)
        .where(
            PaymentRow.due_date < today,
            PaymentRow.paid_amount < PaymentRow.amount,
            *owed_orders(),
        )
        .order_by(Order.counterparty_id, PaymentRow.due_date, Order.id, PaymentRow.position)
    )
    if counterparty_id is not None:
        query = query.where(Order.counterparty_id == counterparty_id)
    if lock:
        query = query.with_for_update(of=PaymentRow)
    return [
        _Row(row=row, number=number, counterparty_id=cid, counterparty=name, responsible_id=rid, currency=currency)
        for row, number, cid, name, rid, currency in (await session.execute(query)).all()
    ]


def _mine(actor: Person, row: _Row) -> bool:
    return actor.has_role(Role.HEAD) or row.responsible_id == actor.id


def _anchor(row: PaymentRow) -> date:
    assert row.due_date is not None
    return anchor(row.due_date, row.promised_date)


def _step(row: PaymentRow, today: date, cadence: Sequence[int]) -> int:
    return step_reached(days_overdue(_anchor(row), today), cadence)


async def _told(session: AsyncSession, *, since: date) -> dict[tuple[int, date], int]:
    """For each row and anchor: the furthest step it was reminded of (from the outbox, since that anchor)."""
    start = datetime.combine(since - timedelta(days=1), time(0), UTC)
    payloads = await session.scalars(
        select(OutboxEvent.payload).where(OutboxEvent.kind == PAYMENT_OVERDUE, OutboxEvent.created_at >= start)
    )
    told: dict[tuple[int, date], int] = {}
    for payload in payloads:
        for entry in (payload or {}).get("rows", []):
            try:
                key = (int(entry["row_id"]), date.fromisoformat(entry["anchor"]))
                told[key] = max(told.get(key, NOT_REMINDED), int(entry["step"]))
            except (KeyError, TypeError, ValueError):
                continue
    return told


def _fact(rows: Sequence[_Row], steps: dict[int, int], *, today: date, escalated: bool) -> PaymentOverdue:
    entries = tuple(
        {
            "row_id": r.row.id,
            "order_id": r.row.order_id,
            "number": r.number,
            "position": r.row.position,
            "due": str(r.row.amount - r.row.paid_amount),
            "due_date": r.row.due_date.isoformat() if r.row.due_date else "",
            "promised_date": r.row.promised_date.isoformat() if r.row.promised_date else "",
            "days": days_overdue(r.row.due_date or today, today),
            "anchor": _anchor(r.row).isoformat(),
            "step": steps[r.row.id],
        }
        for r in rows
    )
    return PaymentOverdue(
        counterparty_id=rows[0].counterparty_id,
        counterparty=rows[0].counterparty,
        managers=tuple(sorted({r.responsible_id for r in rows})),
        escalated=escalated,
        total=sum((r.row.amount - r.row.paid_amount for r in rows), Decimal(0)),
        currency=rows[0].currency,
        rows=entries,
    )
