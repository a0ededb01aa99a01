"""Demand analysis: what customers asked for in a period, what became orders, and why the rest did not.

A request counts in the period it was registered in (`orders.created_at`, on the viewer's calendar),
whatever became of it since: every figure follows the requests of the period. A request reached
execution when it entered execution at some time (`Order.reached_execution`), wherever it is now: an
order cancelled from execution, or archived once closed, counts. It was cancelled
when it carries a cancel reason; one cancelled before the catalogue, or rejected by an approver,
counts as "other".

Every figure is computed by the database with GROUP BY, the same on SQLite and PostgreSQL: no order is
loaded into Python. Weeks run from Monday on the viewer's calendar; a week is seven days of 24 hours
from the first Monday's midnight, so in a zone with summer time a request made in the hour around the
change may fall into the week beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Float, Integer, case, cast, extract, func, literal, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from core import validation
from core.access import acting_person
from core.db import Database
from core.errors import DomainError, ErrorCode, Forbidden
from core.models import Counterparty, Item, Order, OrderLine, Person
from core.models.base import ScaledDecimal, UTCDateTime
from core.models.reasons import CancelReason
from core.roles import Role
from core.use_cases.cancel_reasons import OTHER

SHOWN = 15  # items and customers listed, the most asked for first; the rest are counted
# Values are the orders' totals summed as they are: the company sells in roubles (an order in another
# currency would be added in at its face value).
CURRENCY = "RUB"
PERCENT = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Figures:
    """Requests and what became of them: counts, and their value (the orders' totals)."""

    requests: int
    reached: int
    cancelled: int
    requested: Decimal
    ordered: Decimal

    @property
    def conversion(self) -> Decimal | None:
        """Percent of the requests that reached execution, to one decimal; None with no requests."""
        if not self.requests:
            return None
        return (Decimal(100 * self.reached) / self.requests).quantize(PERCENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ReasonRow:
    code: str
    name: str  # the catalogue's name, or the code when the catalogue lacks it
    count: int
    value: Decimal


@dataclass(frozen=True, slots=True)
class ItemRow:
    code: str
    name: str
    unit: str
    quantity: Decimal
    value: Decimal
    requests: int


@dataclass(frozen=True, slots=True)
class WhoRow:
    """A customer's or a manager's requests."""

    name: str
    figures: Figures


@dataclass(frozen=True, slots=True)
class WeekRow:
    monday: date
    figures: Figures


@dataclass(frozen=True, slots=True)
class DemandReport:
    start: date
    end: date
    own_only: bool  # a manager's: only the requests they are responsible for
    currency: str
    total: Figures
    reasons: tuple[ReasonRow, ...]  # the most frequent first
    items: tuple[ItemRow, ...]  # the largest value first, at most `shown`
    items_total: int
    counterparties: tuple[WhoRow, ...]  # the largest value requested first, at most `shown`
    counterparties_total: int
    managers: tuple[WhoRow, ...]
    weeks: tuple[WeekRow, ...]  # every week the period touches, oldest first

    @property
    def empty(self) -> bool:
        return self.total.requests == 0


async def demand_report(
    db: Database, *, viewer_id: int, start: date, end: date, now: datetime, shown: int = SHOWN
) -> DemandReport:
    """The demand of the requests registered from `start` to `end` (the viewer's local dates, both included).

    Rules:
    - heads of sales see every request; a manager sees the requests they are responsible for; nobody
      else sees demand (DEMAND_NOT_FOR_ROLE);
    - the period starts on or before the day it ends (PERIOD_INVALID).
    """
    if start > end:
        raise DomainError(ErrorCode.PERIOD_INVALID, start=start.isoformat(), end=end.isoformat())
    async with db.reading() as session:
        viewer = await acting_person(session, viewer_id)
        if viewer.has_role(Role.HEAD):
            own: int | None = None
        elif viewer.has_role(Role.MANAGER):
            own = viewer.id
        else:
            raise Forbidden(ErrorCode.DEMAND_NOT_FOR_ROLE)
        zone = validation.zone(viewer.time_zone)
        since = datetime.combine(start, time(), tzinfo=zone)
        until = datetime.combine(end + timedelta(days=1), time(), tzinfo=zone)
        scope = [Order.created_at >= since, Order.created_at < until]
        if own is not None:
            scope.append(Order.responsible_id == own)
        first_monday = start - timedelta(days=start.weekday())
        week = _week(datetime.combine(first_monday, time(), tzinfo=zone), sqlite=db.is_sqlite)
        managers = await _grouped(session, scope, Person.full_name, Person.id == Order.responsible_id, Person)
        counterparties = await _grouped(
            session, scope, Counterparty.name, Counterparty.id == Order.counterparty_id, Counterparty, limit=shown
        )
        counterparties_total = await session.scalar(
            select(func.count(func.distinct(Order.counterparty_id))).where(*scope)
        )
        weeks = {int(key): figures for key, figures in await _by(session, scope, week.label("key"))}
        total = _sum(figures for _name, figures in managers)
        reasons = await _reasons(session, scope)
        items, items_total = await _items(session, scope, shown)
    monday_count = (end - first_monday).days // 7 + 1
    return DemandReport(
        start=start,
        end=end,
        own_only=own is not None,
        currency=CURRENCY,
        total=total,
        reasons=reasons,
        items=items,
        items_total=items_total,
        counterparties=tuple(WhoRow(name, figures) for name, figures in counterparties),
        counterparties_total=int(counterparties_total or 0),
        managers=tuple(WhoRow(name, figures) for name, figures in managers),
        weeks=tuple(WeekRow(first_monday + timedelta(days=7 * n), weeks.get(n, _sum(()))) for n in range(monday_count)),
    )


def _reached() -> ColumnElement[int]:
    """1 for a request that reached execution (`Order.reached_execution`, kept from the moment it entered)."""
    return case((Order.reached_execution.is_(True), 1), else_=0)


def _money(value: Any) -> ColumnElement[Decimal]:
    return type_coerce(func.coalesce(func.sum(value), 0), ScaledDecimal(2))


def _figure_columns() -> list[ColumnElement[Any]]:
    reached = _reached()
    cancelled = case((Order.cancel_reason.is_not(None), 1), else_=0)
    return [
        func.count(Order.id).label("requests"),
        func.coalesce(func.sum(reached), 0).label("reached"),
        func.coalesce(func.sum(cancelled), 0).label("cancelled"),
        _money(Order.total_amount).label("requested"),
        _money(case((reached == 1, Order.total_amount), else_=0)).label("ordered"),
    ]


def _figures(row: Any) -> Figures:
    return Figures(
        requests=int(row.requests),
        reached=int(row.reached),
        cancelled=int(row.cancelled),
        requested=_scaled(row.requested),
        ordered=_scaled(row.ordered),
    )


def _scaled(value: Any) -> Decimal:
    """A money sum as SUM() gives it back: ScaledDecimal reads it, but a bare 0 may come as it is."""
    return value if isinstance(value, Decimal) else Decimal(int(value or 0)).scaleb(-2)


def _sum(rows: Any) -> Figures:
    rows = list(rows)
    return Figures(
        requests=sum(r.requests for r in rows),
        reached=sum(r.reached for r in rows),
        cancelled=sum(r.cancelled for r in rows),
        requested=sum((r.requested for r in rows), Decimal("0.00")),
        ordered=sum((r.ordered for r in rows), Decimal("0.00")),
    )


async def _by(session: AsyncSession, scope: list[Any], key: ColumnElement[Any]) -> list[tuple[Any, Figures]]:
    query = select(key, *_figure_columns()).where(*scope).group_by(key)
    return [(row.key, _figures(row)) for row in await session.execute(query)]


async def _grouped(
    session: AsyncSession, scope: list[Any], name: Any, joined: Any, table: Any, *, limit: int | None = None
) -> list[tuple[str, Figures]]:
    """Figures per manager or per customer, the largest value requested first (then by name)."""
    figures = _figure_columns()
    query = (
        select(table.id, name.label("name"), *figures)
        .join(table, joined)
        .where(*scope)
        .group_by(table.id, name)
        .order_by(figures[3].desc(), name, table.id)
        .limit(limit)
    )
    return [(row.name, _figures(row)) for row in await session.execute(query)]


async def _reasons(session: AsyncSession, scope: list[Any]) -> tuple[ReasonRow, ...]:
    code = func.coalesce(Order.cancel_reason_code, literal(OTHER))
    grouped = (
        select(code.label("code"), func.count(Order.id).label("n"), _money(Order.total_amount).label("value"))
        .where(*scope, Order.cancel_reason.is_not(None))
        .group_by(code)
        .subquery("cancelled")
    )
    query = (
        select(grouped.c.code, grouped.c.n, grouped.c.value, CancelReason.name, CancelReason.position)
        .outerjoin(CancelReason, CancelReason.code == grouped.c.code)
        .order_by(grouped.c.n.desc(), CancelReason.position, grouped.c.code)
    )
    return tuple(
        ReasonRow(code=row.code, name=row.name or row.code, count=int(row.n), value=_scaled(row.value))
        for row in await session.execute(query)
    )


async def _items(session: AsyncSession, scope: list[Any], shown: int) -> tuple[tuple[ItemRow, ...], int]:
    """The items asked for, in every request of the period (unconfirmed ones too), the largest value first."""
    value = _money(OrderLine.amount)
    grouped = (
        select(
            OrderLine.item_id.label("item_id"),
            type_coerce(func.coalesce(func.sum(OrderLine.quantity), 0), ScaledDecimal(3)).label("quantity"),
            value.label("value"),
            func.count(func.distinct(OrderLine.order_id)).label("requests"),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .where(*scope)
        .group_by(OrderLine.item_id)
        .subquery("asked")
    )
    total = await session.scalar(select(func.count()).select_from(grouped))
    query = (
        select(Item.code, Item.name, Item.unit, grouped.c.quantity, grouped.c.value, grouped.c.requests)
        .join(Item, Item.id == grouped.c.item_id)
        .order_by(grouped.c.value.desc(), Item.code)
        .limit(shown)
    )
    rows = tuple(
        ItemRow(
            code=row.code,
            name=row.name,
            unit=row.unit,
            quantity=row.quantity if isinstance(row.quantity, Decimal) else Decimal(int(row.quantity)).scaleb(-3),
            value=_scaled(row.value),
            requests=int(row.requests),
        )
        for row in await session.execute(query)
    )
    return rows, int(total or 0)


def _week(first_monday: datetime, *, sqlite: bool) -> ColumnElement[int]:
    """The week of the period a request was registered in: 0 for the first Monday's week, then 1, 2…"""
    if sqlite:  # SQLite keeps moments as UTC text; julianday reads it, in days
        origin = first_monday.astimezone(UTC)
        days = func.julianday(Order.created_at) - func.julianday(literal(origin.strftime("%Y-%m-%d %H:%M:%S")))
        return cast(days / 7.0, Integer)
    seconds = extract("epoch", Order.created_at - literal(first_monday, UTCDateTime()))
    return cast(func.floor(cast(seconds, Float) / 604800.0), Integer)
