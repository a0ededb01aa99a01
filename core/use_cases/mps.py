"""«Пополнить MPS-план по заявкам сбыта»: plan what the orders in execution need and the plan lacks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    func,
    insert,
    literal,
    literal_column,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import acting_person
from core.db import Database
from core.errors import ErrorCode, Forbidden
from core.events import MpsPlanned
from core.journal import ActivityKind
from core.locks import lock_key
from core.models import Activity, Item, MpsEntry, MpsEntryState, Order, OrderLine, OutboxEvent, Person
from core.models.base import Quantity, UTCDateTime, summed
from core.production import line_state_sql
from core.roles import Role
from core.stages import Stage

# The MPS's own lock on PostgreSQL: replenishing takes it alone, recording progress shares it.
MPS_LOCK = "mps"
SHOWN_ORDERS = 20  # orders a result names one by one; the rest are only counted


@dataclass(frozen=True, slots=True)
class PlannedOrder:
    order_id: int
    number: str
    lines: int
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class Replenishment:
    """What replenishing plans (a preview) or planned: lines, their quantity, orders (the first ones named)."""

    lines: int
    quantity: Decimal
    orders: int
    by_order: tuple[PlannedOrder, ...]
    done: bool  # False for a preview: nothing was written

    @property
    def nothing(self) -> bool:
        return self.lines == 0


def ensure_planner(person: Person) -> None:
    """The MPS is the planners' to change."""
    if not person.has_role(Role.PLANNER):
        raise Forbidden(ErrorCode.PLANNER_ONLY)


async def lock_mps(session: AsyncSession, *, exclusive: bool) -> None:
    """On PostgreSQL, the MPS lock for this transaction (SQLite's write lock, taken at BEGIN, serialises already)."""
    if session.get_bind().dialect.name == "sqlite":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    await session.execute(text(f"SELECT {function}(:key)"), {"key": lock_key(MPS_LOCK)})


async def preview_replenishment(db: Database, *, actor_id: int, now: datetime) -> Replenishment:
    """What `replenish_mps` would plan now; nothing is written. The same rules as `replenish_mps`."""
    async with db.reading() as session:
        actor = await acting_person(session, actor_id)
        ensure_planner(actor)
        today = validation.local_today(now, actor.time_zone)
        source = _unplanned(today, sqlite=db.is_sqlite).subquery()
        rows = await session.execute(
            select(
                source.c.order_id,
                source.c.number,
                func.count(),
                type_coerce(func.sum(source.c.missing), Quantity()),
            )
            .group_by(source.c.order_id, source.c.number)
            .order_by(source.c.order_id)
        )
        return _result([(r[0], r[1], int(r[2]), Decimal(r[3])) for r in rows], done=False)


async def replenish_mps(db: Database, *, actor_id: int, now: datetime) -> Replenishment:
    """Add to the MPS what the orders in execution need and the plan lacks.

    Rules:
    - only planners replenish;
    - only lines of orders in `execution`; for each, only the quantity not yet planned (the line's
      quantity less the planned quantity of its entries), when there is some: a second run adds
      nothing, a line that grew adds only its difference;
    - the new entry is planned for the line's required-by date less the item's lead time, never
      before the planner's today;
    - done in the database (one INSERT … SELECT, then a few set-based statements), never line by
      line in Python; two planners at once plan each line once: on PostgreSQL the MPS lock is taken
      for the transaction, SQLite's write lock serialises;
    - the lines' production states follow their entries (`core.production`);
    - each order planned gets a journal entry and an `MpsPlanned` fact, and a new version.
    """
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        ensure_planner(actor)
        await lock_mps(session, exclusive=True)
        today = validation.local_today(now, actor.time_zone)
        before = int(await session.scalar(select(func.coalesce(func.max(MpsEntry.id), 0))) or 0)
        await session.execute(_insert_entries(today, now=now, actor_id=actor.id, sqlite=db.is_sqlite))
        new_lines = select(MpsEntry.line_id).where(MpsEntry.id > before)
        await session.execute(
            update(OrderLine)
            .where(OrderLine.id.in_(new_lines))
            .values(
                production_state=line_state_sql(OrderLine.quantity, _planned_of_line(), OrderLine.produced_quantity)
            )
            .execution_options(synchronize_session=False)
        )
        planned = await _planned_by_order(session, before)
        await _journal(session, planned, before=before, actor_id=actor.id, now=now)
        return _result(
            [(order_id, number, lines, quantity) for order_id, number, _s, _v, lines, quantity in planned], done=True
        )


def _unplanned(today: date, *, sqlite: bool) -> Select[int, int, str, Decimal, date]:
    """Each line of an order in execution whose entries plan less than its quantity: what is missing, and when."""
    planned = (
        select(MpsEntry.line_id, func.sum(MpsEntry.planned_quantity).label("planned"))
        .group_by(MpsEntry.line_id)
        .subquery()
    )
    missing = OrderLine.quantity - func.coalesce(planned.c.planned, 0)
    return (
        select(
            OrderLine.id.label("line_id"),
            Order.id.label("order_id"),
            Order.number.label("number"),
            missing.label("missing"),
            _planned_date(today, sqlite=sqlite).label("planned_date"),
        )
        .select_from(OrderLine)
        .join(Order, Order.id == OrderLine.order_id)
        .join(Item, Item.id == OrderLine.item_id)
        .outerjoin(planned, planned.c.line_id == OrderLine.id)
        .where(Order.stage == Stage.EXECUTION.value, missing > 0)
    )


def _planned_date(today: date, *, sqlite: bool) -> ColumnElement[date]:
    """The required-by date less the item's lead time, never before `today`."""
    if sqlite:
        days: ColumnElement[str] = literal_column("'-' || items.lead_time_days || ' days'")
        return type_coerce(func.max(func.date(OrderLine.required_by, days), literal(today, Date)), Date)
    return type_coerce(func.greatest(OrderLine.required_by - Item.lead_time_days, literal(today, Date)), Date)


def _insert_entries(today: date, *, now: datetime, actor_id: int, sqlite: bool) -> Any:
    source = _unplanned(today, sqlite=sqlite).subquery()
    rows = select(
        source.c.line_id,
        source.c.missing,
        source.c.planned_date,
        literal(0),
        literal(0),
        literal(MpsEntryState.PLANNED.value),
        literal(now, UTCDateTime()),
        literal(actor_id),
    ).order_by(source.c.line_id)
    columns = [
        "line_id",
        "planned_quantity",
        "planned_date",
        "produced_quantity",
        "actual_cost",
        "state",
        "created_at",
        "created_by_id",
    ]
    return insert(MpsEntry).from_select(columns, rows)


def _planned_of_line() -> ColumnElement[Decimal]:
    return (
        select(func.coalesce(func.sum(MpsEntry.planned_quantity), 0))
        .where(MpsEntry.line_id == OrderLine.id)
        .scalar_subquery()
    )


async def _planned_by_order(session: AsyncSession, before: int) -> list[tuple[int, str, str, int, int, Decimal]]:
    """The orders the entries after `before` plan: id, number, stage, version, lines, quantity."""
    rows = await session.execute(
        select(
            Order.id,
            Order.number,
            Order.stage,
            Order.version,
            func.count(MpsEntry.id),
            summed(MpsEntry.planned_quantity, scale=3),
        )
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(MpsEntry, MpsEntry.line_id == OrderLine.id)
        .where(MpsEntry.id > before)
        .group_by(Order.id, Order.number, Order.stage, Order.version)
        .order_by(Order.id)
    )
    return [(r[0], r[1], r[2], int(r[3]), int(r[4]), Decimal(r[5])) for r in rows]


async def _journal(
    session: AsyncSession,
    planned: list[tuple[int, str, str, int, int, Decimal]],
    *,
    before: int,
    actor_id: int,
    now: datetime,
) -> None:
    """What `core.journal.record` and `announce` write for one order, for every order planned, in three statements."""
    if not planned:
        return
    planned_orders = select(OrderLine.order_id).join(MpsEntry, MpsEntry.line_id == OrderLine.id)
    await session.execute(
        update(Order)
        .where(Order.id.in_(planned_orders.where(MpsEntry.id > before)))
        .values(version=Order.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    activities = [
        {
            "order_id": order_id,
            "at": now,
            "actor_id": actor_id,
            "stage": stage,
            "kind": ActivityKind.MPS_PLANNED.value,
            "version": version + 1,
            "details": {"lines": lines, "quantity": str(quantity)},
        }
        for order_id, _number, stage, version, lines, quantity in planned
    ]
    events = [
        {
            "created_at": now,
            "kind": MpsPlanned.kind,
            "order_id": order_id,
            "actor_id": actor_id,
            "payload": MpsPlanned(number=number, lines=lines, quantity=quantity).to_payload(),
        }
        for order_id, number, _stage, _version, lines, quantity in planned
    ]
    await session.execute(insert(Activity), activities)
    await session.execute(insert(OutboxEvent), events)


def _result(rows: list[tuple[int, str, int, Decimal]], *, done: bool) -> Replenishment:
    return Replenishment(
        lines=sum(lines for _id, _number, lines, _q in rows),
        quantity=sum((quantity for _id, _number, _lines, quantity in rows), Decimal(0)),
        orders=len(rows),
        by_order=tuple(
            PlannedOrder(order_id, number, lines, quantity) for order_id, number, lines, quantity in rows[:SHOWN_ORDERS]
        ),
        done=done,
    )
