"""Reading orders: one card, the registry with its filters and totals, the history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import SEES_ALL, acting_person, order_and_steps_to_read, order_to_read
from core.db import Database
from core.errors import DomainError, ErrorCode, Forbidden
from core.models import Activity, Contract, Counterparty, Order, PaymentTerms, Person, Watch
from core.models.base import summed
from core.models.people import roles_loaded
from core.money import Money
from core.stages import Stage
from core.views import HistoryEntry, HistoryGroup, OrderCard, OrderPage, OrderRow, order_card

MAX_PAGE = 100
# Orders that are no longer business: counted in the registry, but left out of its totals.
CLOSED_OUT = frozenset({Stage.CANCELLED, Stage.ARCHIVED})


@dataclass(frozen=True, slots=True)
class OrderFilter:
    """What the registry shows; an empty filter shows every working (not archived) order one may see."""

    stages: tuple[Stage, ...] = ()
    responsible_id: int | None = None
    counterparty_id: int | None = None
    created_from: date | None = None
    created_to: date | None = None
    text: str = ""


async def get_order(
    db: Database,
    *,
    viewer_id: int,
    order_id: int | None = None,
    number: str | None = None,
    now: datetime | None = None,
) -> OrderCard:
    """One order's card, with the actions the viewer may take now; an order they may not see is not found.

    What keeps it from execution is judged as of `now` (a contract may have ended since its last change).
    """
    number = _normal_number(number)
    async with db.reading() as session:
        viewer, watching = await _viewer_watching(session, viewer_id, order_id=order_id, number=number)
        order, steps = await order_and_steps_to_read(session, viewer, order_id=order_id, number=number)
        return await order_card(session, order, viewer, steps=steps, now=now, watching=watching, to_decide=True)


async def _viewer_watching(
    session: AsyncSession, viewer_id: int, *, order_id: int | None, number: str | None
) -> tuple[Person, bool]:
    """The viewer, as `core.access.acting_person` finds them, and whether they watch the order, in one statement:
    every card shown asks both."""
    named = Order.id == order_id if order_id is not None else Order.number == number
    watched = exists().where(Watch.person_id == Person.id, Watch.order_id == Order.id, named)
    found = await session.execute(
        select(Person, watched.label("watching")).options(roles_loaded()).where(Person.id == viewer_id)
    )
    row = found.unique().one_or_none()
    if row is None or not row[0].active:
        raise Forbidden(ErrorCode.NOT_REGISTERED)
    return row[0], bool(row[1])


async def list_orders(
    db: Database, *, viewer_id: int, filters: OrderFilter | None = None, offset: int = 0, limit: int = 10
) -> OrderPage:
    """A page of the registry, newest first, with the count of everything the filter matches.

    The totals sum only the open orders (neither cancelled nor archived); the cancelled are counted
    and summed apart, so a lost sale never inflates the sales in hand.

    A manager without `head` sees only their own orders, whatever the filter says.
    """
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise DomainError(ErrorCode.PAGE_INVALID, offset=offset, limit=limit, maximum=MAX_PAGE)
    filters = filters or OrderFilter()
    async with db.reading() as session:
        viewer = await acting_person(session, viewer_id)
        conditions = _conditions(filters, viewer)
        by_kind = list(
            await session.execute(
                select(Order.stage, Order.currency, func.count(Order.id), summed(Order.total_amount, scale=2))
                .join(Order.counterparty)
                .where(*conditions)
                .group_by(Order.stage, Order.currency)
            )
        )
        rows = await session.execute(_page(_row_columns().where(*conditions), offset=offset, limit=limit))
        return OrderPage(
            rows=tuple(
                OrderRow(
                    id=row.id,
                    number=row.number,
                    stage=Stage(row.stage),
                    counterparty_name=row.counterparty_name,
                    responsible_name=row.responsible_name,
                    total=Money(row.total_amount, row.currency),
                    created_at=row.created_at,
                    version=row.version,
                    counterparty_tax_id=row.tax_id,
                    contract_number=row.contract_number,
                    payment_terms_name=row.payment_terms_name,
                )
                for row in rows
            ),
            total_count=sum(int(count) for _, _, count, _ in by_kind),
            totals=_sums(row for row in by_kind if Stage(row[0]) not in CLOSED_OUT),
            offset=offset,
            limit=limit,
            cancelled_count=sum(int(count) for stage, _, count, _ in by_kind if stage == Stage.CANCELLED),
            cancelled_totals=_sums(row for row in by_kind if row[0] == Stage.CANCELLED),
        )


def _sums(rows: Iterable[Any]) -> tuple[Money, ...]:
    """The sums of (stage, currency, count, amount) rows by currency, in the currencies' order."""
    by_currency: dict[str, Decimal] = defaultdict(Decimal)
    for _, currency, _, amount in rows:
        by_currency[currency] += amount
    return tuple(Money(by_currency[currency], currency) for currency in sorted(by_currency))


async def order_history(
    db: Database, *, viewer_id: int, order_id: int | None = None, number: str | None = None
) -> tuple[HistoryGroup, ...]:
    """The journal grouped by stage, in the order things happened (a stage returned to is a new group)."""
    async with db.reading() as session:
        viewer = await acting_person(session, viewer_id)
        order = await order_to_read(session, viewer, order_id=order_id, number=_normal_number(number))
        activities = await session.scalars(select(Activity).where(Activity.order_id == order.id).order_by(Activity.id))
        groups: list[tuple[Stage, list[HistoryEntry]]] = []
        for activity in activities:
            entry = HistoryEntry(
                at=activity.at,
                actor_name=activity.actor.full_name if activity.actor else None,
                kind=activity.kind,
                version=activity.version,
                details=activity.details,
            )
            if not groups or groups[-1][0] != activity.stage:
                groups.append((Stage(activity.stage), []))
            groups[-1][1].append(entry)
        return tuple(HistoryGroup(stage=stage, entries=tuple(entries)) for stage, entries in groups)


def _conditions(filters: OrderFilter, viewer: Person) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.stages:
        conditions.append(Order.stage.in_([stage.value for stage in filters.stages]))
    else:
        conditions.append(Order.stage != Stage.ARCHIVED)
    if not viewer.has_role(*SEES_ALL):
        conditions.append(Order.responsible_id == viewer.id)
    if filters.responsible_id is not None:
        conditions.append(Order.responsible_id == filters.responsible_id)
    if filters.counterparty_id is not None:
        conditions.append(Order.counterparty_id == filters.counterparty_id)
    zone = validation.zone(viewer.time_zone)
    if filters.created_from is not None:
        conditions.append(Order.created_at >= _start_of(filters.created_from, zone))
    if filters.created_to is not None:
        conditions.append(Order.created_at < _start_of(filters.created_to + timedelta(days=1), zone))
    text = validation.clean(filters.text)  # a NUL or a bidi override is no part of any name
    if text:
        pattern = f"%{_escape_like(text.casefold())}%"
        conditions.append(
            or_(
                func.lower(Order.number).like(f"%{_escape_like(text.upper()).lower()}%", escape="\\"),
                Order.number.like(f"%{_escape_like(text.upper())}%", escape="\\"),
                Counterparty.search_key.like(pattern, escape="\\"),
                Counterparty.tax_id.like(f"%{_escape_like(text)}%", escape="\\"),
            )
        )
    return conditions


def _row_columns() -> Select[*tuple[Any, ...]]:
    """A registry row's columns only: no order objects with their lines, steps and people."""
    return (
        select(
            Order.id,
            Order.number,
            Order.stage,
            Order.total_amount,
            Order.currency,
            Order.created_at,
            Order.version,
            Counterparty.name.label("counterparty_name"),
            Counterparty.tax_id,
            Person.full_name.label("responsible_name"),
            Contract.number.label("contract_number"),
            PaymentTerms.name.label("payment_terms_name"),
        )
        .join(Counterparty, Counterparty.id == Order.counterparty_id)
        .join(Person, Person.id == Order.responsible_id)
        .outerjoin(Contract, Contract.id == Order.contract_id)
        .outerjoin(PaymentTerms, PaymentTerms.id == Order.payment_terms_id)
    )


def _page(query: Select[*tuple[Any, ...]], *, offset: int, limit: int) -> Select[*tuple[Any, ...]]:
    return query.order_by(Order.created_at.desc(), Order.id.desc()).offset(offset).limit(limit)


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _normal_number(number: str | None) -> str | None:
    """People type numbers as they remember them: `зс-000012`, ` ЗС-000012 `."""
    return number.strip().upper() if number is not None else None
