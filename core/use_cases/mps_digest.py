"""What the planner's daily MPS digest says: new entries, lines at risk and overdue, what was made, by week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import acting_person
from core.db import Database
from core.models import Item, MpsEntry, Order, OrderLine, ProductionRecord, ProductionState
from core.models.base import summed
from core.production import Risk
from core.stages import Stage
from core.use_cases.mps_plan import week_of

SHOWN_LINES = 10  # lines at risk (and overdue) a digest names; the rest are counted
WEEKS = 8  # weeks the chart shows: this one and those before


@dataclass(frozen=True, slots=True)
class RiskyLine:
    number: str
    position: int
    item_code: str
    required_by: date
    quantity: Decimal
    produced: Decimal


@dataclass(frozen=True, slots=True)
class WeekFigures:
    monday: date
    planned: Decimal  # planned for that week (entries' planned dates)
    produced: Decimal  # made that week (progress recorded)


@dataclass(frozen=True, slots=True)
class MpsDigest:
    today: date
    new_entries: int  # entries added in the last 24 hours
    new_quantity: Decimal
    at_risk: tuple[RiskyLine, ...]
    at_risk_count: int
    overdue: tuple[RiskyLine, ...]
    overdue_count: int
    produced_this_week: Decimal
    lines_made_this_week: int  # lines progress was recorded on this week
    by_week: tuple[WeekFigures, ...]  # oldest first, this week last: the chart's bars

    @property
    def empty(self) -> bool:
        return not (self.new_entries or self.at_risk_count or self.overdue_count or self.produced_this_week)


async def mps_digest_data(
    db: Database, *, planner_id: int | None, now: datetime, time_zone: str = "Europe/Moscow", weeks: int = WEEKS
) -> MpsDigest:
    """The digest as of `now`, in the planner's time zone (else `time_zone`).

    Rules: new entries are those added in the 24 hours before `now`; lines at risk are those the risk
    job last judged so (`core.use_cases.production_risk`), overdue those of orders in execution past
    their required-by date and not made; what was made counts the progress recorded from this week's
    Monday; the chart's weeks run Monday to Sunday, `weeks` of them up to this one. The same for every
    planner but for their today: a few aggregate statements, whatever the size of the plan.
    """
    async with db.reading() as session:
        if planner_id is not None:
            time_zone = (await acting_person(session, planner_id)).time_zone
        today = validation.local_today(now, time_zone)
        monday, _sunday = week_of(today)
        first = monday - timedelta(weeks=weeks - 1)
        new_count, new_quantity = (
            await session.execute(
                select(func.count(MpsEntry.id), summed(MpsEntry.planned_quantity, scale=3)).where(
                    MpsEntry.created_at > now - timedelta(days=1), MpsEntry.created_at <= now
                )
            )
        ).one()
        at_risk, at_risk_count = await _lines(session, OrderLine.production_risk == Risk.AT_RISK.value)
        overdue, overdue_count = await _lines(session, OrderLine.required_by < today)
        made, lines_made = (
            await session.execute(
                select(summed(ProductionRecord.produced, scale=3), func.count(func.distinct(MpsEntry.line_id)))
                .join(MpsEntry, MpsEntry.id == ProductionRecord.entry_id)
                .where(ProductionRecord.on_date >= monday, ProductionRecord.on_date <= today)
            )
        ).one()
        planned_by_day = await session.execute(
            select(MpsEntry.planned_date, summed(MpsEntry.planned_quantity, scale=3))
            .where(MpsEntry.planned_date >= first, MpsEntry.planned_date < monday + timedelta(weeks=1))
            .group_by(MpsEntry.planned_date)
        )
        made_by_day = await session.execute(
            select(ProductionRecord.on_date, summed(ProductionRecord.produced, scale=3))
            .where(ProductionRecord.on_date >= first, ProductionRecord.on_date < monday + timedelta(weeks=1))
            .group_by(ProductionRecord.on_date)
        )
        by_week = _weeks(first, weeks, planned=list(planned_by_day), produced=list(made_by_day))
    return MpsDigest(
        today=today,
        new_entries=int(new_count),
        new_quantity=Decimal(new_quantity),
        at_risk=at_risk,
        at_risk_count=at_risk_count,
        overdue=overdue,
        overdue_count=overdue_count,
        produced_this_week=Decimal(made),
        lines_made_this_week=int(lines_made),
        by_week=by_week,
    )


def _open_lines() -> Select[str, int, str, date, Decimal, Decimal]:
    return (
        select(
            Order.number,
            OrderLine.position,
            Item.code,
            OrderLine.required_by,
            OrderLine.quantity,
            OrderLine.produced_quantity,
        )
        .join(Order, Order.id == OrderLine.order_id)
        .join(Item, Item.id == OrderLine.item_id)
        .where(Order.stage == Stage.EXECUTION.value, OrderLine.production_state != ProductionState.DONE.value)
    )


async def _lines(session: AsyncSession, condition: ColumnElement[bool]) -> tuple[tuple[RiskyLine, ...], int]:
    """The first open lines meeting the condition (the earliest required first) and how many there are."""
    query = _open_lines().where(condition)
    count = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = await session.execute(query.order_by(OrderLine.required_by, OrderLine.id).limit(SHOWN_LINES))
    return tuple(RiskyLine(*row) for row in rows), count


def _weeks(
    first: date, weeks: int, *, planned: list[tuple[date, Decimal]], produced: list[tuple[date, Decimal]]
) -> tuple[WeekFigures, ...]:
    mondays = [first + timedelta(weeks=n) for n in range(weeks)]
    planned_by: dict[date, Decimal] = dict.fromkeys(mondays, Decimal(0))
    produced_by: dict[date, Decimal] = dict.fromkeys(mondays, Decimal(0))
    for day, quantity in planned:
        planned_by[week_of(day)[0]] += Decimal(quantity)
    for day, quantity in produced:
        produced_by[week_of(day)[0]] += Decimal(quantity)
    return tuple(WeekFigures(monday, planned_by[monday], produced_by[monday]) for monday in mondays)
