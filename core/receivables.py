"""What customers owe, aged, computed in the database: one GROUP BY over the payment schedule's rows.

Rules, written once:
- a receivable is what is left to pay of a schedule row that has a due date (a row waiting for its basis,
  such as a shipment not made yet, is owed to nobody yet), on an order with a schedule that was not cancelled
  (`owed_orders`: an order cancelled from execution keeps its rows, and stays cancelled once archived);
- it ages by its days overdue (`core.overdue.AgeBucket`): not yet due (due today or later), 0–30, 31–60,
  61–90 and over 90 days past its due date; the buckets are bounds on the due date, so both databases
  compare dates and nothing is computed row by row in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.journal import ActivityKind
from core.models import Activity, Counterparty, Order, PaymentRow
from core.models.base import summed
from core.overdue import AgeBucket
from core.stages import Stage

# Orders whose schedule rows are owed: made on entering execution, owed whatever happens next but a cancel
# (an archived order may have been closed or cancelled: `owed_orders` tells them apart).
OWED_STAGES = (Stage.EXECUTION, Stage.SHIPPED, Stage.CLOSED, Stage.ARCHIVED)
ZERO = Decimal(0)


def owed_orders() -> tuple[ColumnElement[bool], ...]:
    """The conditions on an order whose schedule rows are owed: it entered execution and was never cancelled.

    A cancel writes the order's reason; and an archived order that was cancelled is known by its history
    too, the archive's journal entry being written under the stage it left (`core.lifecycle.change_stage`).
    """
    archived_when_cancelled = exists().where(
        Activity.order_id == Order.id,
        Activity.kind == ActivityKind.ARCHIVED.value,
        Activity.stage == Stage.CANCELLED.value,
    )
    return (
        Order.stage.in_([stage.value for stage in OWED_STAGES]),
        Order.cancel_reason.is_(None),
        ~archived_when_cancelled,
    )


@dataclass(frozen=True, slots=True)
class Ageing:
    """Amounts owed by age; `overdue` is every bucket past due, `total` that and what is not due yet."""

    not_due: Decimal = ZERO
    d0_30: Decimal = ZERO
    d31_60: Decimal = ZERO
    d61_90: Decimal = ZERO
    over_90: Decimal = ZERO

    @property
    def overdue(self) -> Decimal:
        return self.d0_30 + self.d31_60 + self.d61_90 + self.over_90

    @property
    def total(self) -> Decimal:
        return self.not_due + self.overdue

    def __add__(self, other: Ageing) -> Ageing:
        return Ageing(
            not_due=self.not_due + other.not_due,
            d0_30=self.d0_30 + other.d0_30,
            d31_60=self.d31_60 + other.d31_60,
            d61_90=self.d61_90 + other.d61_90,
            over_90=self.over_90 + other.over_90,
        )


@dataclass(frozen=True, slots=True)
class CustomerDebt:
    counterparty_id: int
    counterparty: str
    currency: str
    ageing: Ageing


def _bounds(today: date) -> dict[AgeBucket, ColumnElement[bool]]:
    due = PaymentRow.due_date
    d30, d60, d90 = (today - timedelta(days=days) for days in (30, 60, 90))
    return {
        AgeBucket.NOT_DUE: due >= today,
        AgeBucket.DAYS_0_30: and_(due < today, due >= d30),
        AgeBucket.DAYS_31_60: and_(due < d30, due >= d60),
        AgeBucket.DAYS_61_90: and_(due < d60, due >= d90),
        AgeBucket.OVER_90: due < d90,
    }


def ageing_query(today: date, *, responsible_id: int | None = None) -> Select[*tuple[Any, ...]]:
    """Per customer and currency: what is owed in each bucket, largest debt first."""
    left = PaymentRow.amount - PaymentRow.paid_amount
    buckets = [
        summed(case((condition, left), else_=literal(0)), scale=2).label(bucket.value)
        for bucket, condition in _bounds(today).items()
    ]
    query = (
        select(Order.counterparty_id, Counterparty.name, Order.currency, *buckets)
        .join(Order, Order.id == PaymentRow.order_id)
        .join(Counterparty, Counterparty.id == Order.counterparty_id)
        .where(
            PaymentRow.due_date.is_not(None),
            PaymentRow.paid_amount < PaymentRow.amount,
            *owed_orders(),
        )
        .group_by(Order.counterparty_id, Counterparty.name, Order.currency)
        .order_by(Counterparty.name, Order.currency)
    )
    return query.where(Order.responsible_id == responsible_id) if responsible_id is not None else query


async def debts_by_customer(
    session: AsyncSession, *, today: date, responsible_id: int | None = None
) -> list[CustomerDebt]:
    rows = (await session.execute(ageing_query(today, responsible_id=responsible_id))).all()
    found = [
        CustomerDebt(counterparty_id=row[0], counterparty=row[1], currency=row[2], ageing=Ageing(*row[3:]))
        for row in rows
    ]
    return sorted(found, key=lambda debt: (-debt.ageing.overdue, -debt.ageing.total, debt.counterparty))


def totals_of(debts: Sequence[CustomerDebt]) -> dict[str, Ageing]:
    """The debts summed per currency (amounts in different currencies never add up)."""
    totals: dict[str, Ageing] = {}
    for debt in debts:
        totals[debt.currency] = totals.get(debt.currency, Ageing()) + debt.ageing
    return totals


def overdue_query(counterparty_id: int, *, today: date, currency: str) -> Select[*tuple[Any, ...]]:
    """What the customer owes past its due dates in `currency`, over all their orders (zero when nothing)."""
    left = PaymentRow.amount - PaymentRow.paid_amount
    return (
        select(summed(left, scale=2))
        .join(Order, Order.id == PaymentRow.order_id)
        .where(
            Order.counterparty_id == counterparty_id,
            Order.currency == currency,
            PaymentRow.due_date < today,
            PaymentRow.paid_amount < PaymentRow.amount,
            *owed_orders(),
        )
    )
