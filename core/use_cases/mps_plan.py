"""Reading the MPS: the plan with its filters and pages, and one order's production progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import SEES_ALL, acting_person, order_to_read
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.lateness import LinePlan, OrderProgress, order_progress
from core.models import Item, MpsEntry, Order, OrderLine, Person
from core.production import is_late_sql
from core.stages import Stage
from core.views import line_view

MAX_PAGE = 100


@dataclass(frozen=True, slots=True)
class MpsRow:
    entry_id: int
    order_id: int
    number: str
    position: int
    item_code: str
    item_name: str
    unit: str
    planned_quantity: Decimal
    planned_date: date
    produced_quantity: Decimal
    required_by: date
    state: str
    late: bool
    risk: str = "none"  # the line's risk as the risk job last judged it (`core.production.Risk`)


@dataclass(frozen=True, slots=True)
class MpsPage:
    rows: tuple[MpsRow, ...]
    total_count: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.rows) < self.total_count

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


def week_of(day: date) -> tuple[date, date]:
    """The Monday and the Sunday of the week `day` falls in."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


async def mps_plan(
    db: Database,
    *,
    actor_id: int,
    now: datetime,
    week: date | None = None,
    item: str | None = None,
    late_only: bool = False,
    offset: int = 0,
    limit: int = 10,
) -> MpsPage:
    """A page of the MPS of the orders in execution, by planned date, with the count of all the filter matches.

    Rules:
    - `week`: the entries planned in the week (Monday to Sunday) of that date; `item`: of the item
      with that code; `late_only`: of lines that are late (`core.production.is_late`, the reader's today);
    - a manager without another role sees the entries of their own orders; everyone else all of them.
    """
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise DomainError(ErrorCode.PAGE_INVALID, offset=offset, limit=limit, maximum=MAX_PAGE)
    async with db.reading() as session:
        actor = await acting_person(session, actor_id)
        today = validation.local_today(now, actor.time_zone)
        late = is_late_sql(
            required_by=OrderLine.required_by,
            expected_finish=MpsEntry.planned_date,
            state=OrderLine.production_state,
            today=today,
        )
        conditions = _conditions(actor, week=week, item=item, late=late if late_only else None)
        joined = (
            select(MpsEntry.id)
            .join(OrderLine, OrderLine.id == MpsEntry.line_id)
            .join(Order, Order.id == OrderLine.order_id)
            .join(Item, Item.id == OrderLine.item_id)
            .where(*conditions)
        )
        total = int(await session.scalar(select(func.count()).select_from(joined.subquery())) or 0)
        rows = await session.execute(
            joined.add_columns(
                Order.id,
                Order.number,
                OrderLine.position,
                Item.code,
                Item.name,
                Item.unit,
                MpsEntry.planned_quantity,
                MpsEntry.planned_date,
                MpsEntry.produced_quantity,
                OrderLine.required_by,
                MpsEntry.state,
                late.label("late"),
                OrderLine.production_risk,
            )
            .order_by(MpsEntry.planned_date, MpsEntry.id)
            .offset(offset)
            .limit(limit)
        )
        return MpsPage(
            rows=tuple(_row(row) for row in rows),
            total_count=total,
            offset=offset,
            limit=limit,
        )


def _row(row: Any) -> MpsRow:
    return MpsRow(
        entry_id=row[0],
        order_id=row[1],
        number=row[2],
        position=row[3],
        item_code=row[4],
        item_name=row[5],
        unit=row[6],
        planned_quantity=row[7],
        planned_date=row[8],
        produced_quantity=row[9],
        required_by=row[10],
        state=row[11],
        late=bool(row[12]),
        risk=str(row[13] or "none"),
    )


def _conditions(
    actor: Person, *, week: date | None, item: str | None, late: ColumnElement[bool] | None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Order.stage == Stage.EXECUTION.value]
    if not actor.has_role(*SEES_ALL):
        conditions.append(Order.responsible_id == actor.id)
    if week is not None:
        monday, sunday = week_of(week)
        conditions.append(MpsEntry.planned_date.between(monday, sunday))
    if item:
        conditions.append(Item.code == validation.clean(item))
    if late is not None:
        conditions.append(late)
    return conditions


async def production_progress(
    db: Database, *, viewer_id: int, now: datetime, order_id: int | None = None, number: str | None = None
) -> OrderProgress:
    """How production of one order goes, for its progress card (`core.lateness.order_progress`).

    Rules: per line, made of planned and of ordered (in percent), the expected finish (the latest
    planned date of its entries) against the required-by date, late and at-risk lines flagged
    (`core.production`), as of the viewer's today; the actual cost against the planned cost.
    Whoever may see the order may see its progress.
    """
    async with db.reading() as session:
        viewer = await acting_person(session, viewer_id)
        typed = number.strip().upper() if number is not None else None
        order = await order_to_read(session, viewer, order_id=order_id, number=typed)
        plans = await line_plans(session, [line.id for line in order.lines])
        today = validation.local_today(now, viewer.time_zone)
        return order_progress([line_view(line) for line in order.lines], today=today, plans=plans)


async def line_plans(session: AsyncSession, line_ids: list[int]) -> dict[int, LinePlan]:
    """What the MPS holds for each of these lines: planned quantity and expected finish."""
    if not line_ids:
        return {}
    rows = await session.execute(
        select(MpsEntry.line_id, func.sum(MpsEntry.planned_quantity), func.max(MpsEntry.planned_date))
        .where(MpsEntry.line_id.in_(line_ids))
        .group_by(MpsEntry.line_id)
    )
    return {line_id: LinePlan(Decimal(planned), finish) for line_id, planned, finish in rows}
