"""How long approvals take: per step and per approver, and what waits for a decision now.

Time to decide runs from the step's `opened_at` (set when it opens for votes, as reminders and the
inbox count it) to its `decided_at`.

The figures are computed in the database, set-based, the same on SQLite and PostgreSQL: the
percentiles interpolate between the two nearest ranks, as PostgreSQL's `percentile_cont` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Float, case, cast, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from core import validation
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.models import Order, OrderApprovalStep, Person, StepState
from core.stages import Stage

MEDIAN, NINETIETH = 50, 90
WAITING_SHOWN = 50


@dataclass(frozen=True, slots=True)
class DecisionTimes:
    """Decisions of one step, by everyone (`approver_id` None) or by one approver, and how long they took."""

    step: str
    approver_id: int | None
    approver_name: str | None
    approver_telegram_id: int | None
    count: int
    median: timedelta
    p90: timedelta


@dataclass(frozen=True, slots=True)
class StepTimes:
    overall: DecisionTimes
    by_approver: tuple[DecisionTimes, ...]


@dataclass(frozen=True, slots=True)
class WaitingStep:
    order_id: int
    number: str
    step: str
    role: str
    person_name: str | None  # the person the step is named for, if any
    person_telegram_id: int | None
    since: datetime
    waited: timedelta


@dataclass(frozen=True, slots=True)
class ApprovalReport:
    start: date
    end: date
    time_zone: str
    decisions: int
    steps: tuple[StepTimes, ...]
    waiting: tuple[WaitingStep, ...]  # the longest waiting first, at most WAITING_SHOWN
    waiting_total: int


async def approval_report(
    db: Database, *, start: date, end: date, time_zone: str, now: datetime, waiting_shown: int = WAITING_SHOWN
) -> ApprovalReport:
    """Time to decide for the decisions made from `start` to `end` (local dates in `time_zone`, both
    included), and the steps waiting for a decision at `now`.

    Rules:
    - the period starts on or before the day it ends;
    - a decision is an approval, a rejection or a return by a person; a step withdrawn because the
      round ended is nobody's decision and is not counted;
    - time to decide runs from the moment the step opened for votes to the vote;
    - a step waits when it is open for votes on an order in approval.
    """
    zone = validation.zone(time_zone)
    if start > end:
        raise DomainError(ErrorCode.PERIOD_INVALID, start=start.isoformat(), end=end.isoformat())
    since = datetime.combine(start, time(), tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time(), tzinfo=zone)
    async with db.reading() as session:
        decided = _decisions(since, until, sqlite=db.is_sqlite)
        overall = await _times(session, decided, by_approver=False)
        by_approver = await _times(session, decided, by_approver=True)
        waiting, waiting_total = await _waiting(session, now=now, limit=waiting_shown)
    steps = tuple(
        StepTimes(overall=row, by_approver=tuple(r for r in by_approver if r.step == row.step)) for row in overall
    )
    return ApprovalReport(
        start=start,
        end=end,
        time_zone=time_zone,
        decisions=sum(row.count for row in overall),
        steps=steps,
        waiting=waiting,
        waiting_total=waiting_total,
    )


def _seconds(start: Any, end: Any, *, sqlite: bool) -> ColumnElement[float]:
    if sqlite:  # SQLite keeps moments as text; julianday reads it, in days
        return cast((func.julianday(end) - func.julianday(start)) * 86400.0, Float)
    return cast(extract("epoch", end - start), Float)


def _decisions(since: datetime, until: datetime, *, sqlite: bool) -> Any:
    """Each decision of the period: its step, position on the route, approver, and seconds it took."""
    step = OrderApprovalStep
    in_period = (step.decided_by_id.is_not(None), step.decided_at >= since, step.decided_at < until)
    opened = step.opened_at
    return (
        select(
            step.title.label("step"),
            step.position.label("position"),
            step.decided_by_id.label("approver_id"),
            _seconds(opened, step.decided_at, sqlite=sqlite).label("seconds"),
        )
        .where(*in_period, opened.is_not(None))
        .subquery("decisions")
    )


async def _times(session: AsyncSession, decided: Any, *, by_approver: bool) -> list[DecisionTimes]:
    keys = [decided.c.step, decided.c.approver_id] if by_approver else [decided.c.step]
    ranked = select(
        *keys,
        decided.c.position,
        decided.c.seconds,
        func.row_number().over(partition_by=keys, order_by=decided.c.seconds).label("rank"),
        func.count().over(partition_by=keys).label("n"),
    ).subquery("ranked")
    grouped = [ranked.c.step, ranked.c.approver_id] if by_approver else [ranked.c.step]
    query = (
        select(
            *grouped,
            func.count().label("count"),
            func.min(ranked.c.position).label("position"),
            _percentile(ranked, MEDIAN).label("median"),
            _percentile(ranked, NINETIETH).label("p90"),
        )
        .group_by(*grouped)
        .order_by(func.min(ranked.c.position), ranked.c.step)
    )
    if by_approver:
        people = aliased(Person)
        query = (
            query.add_columns(people.full_name, people.telegram_id)
            .join(people, people.id == ranked.c.approver_id)
            .group_by(people.full_name, people.telegram_id)
            .order_by(None)
            .order_by(func.min(ranked.c.position), ranked.c.step, people.full_name)
        )
    rows = (await session.execute(query)).mappings()
    return [
        DecisionTimes(
            step=row["step"],
            approver_id=row["approver_id"] if by_approver else None,
            approver_name=row["full_name"] if by_approver else None,
            approver_telegram_id=row["telegram_id"] if by_approver else None,
            count=int(row["count"]),
            median=_duration(row["median"]),
            p90=_duration(row["p90"]),
        )
        for row in rows
    ]


def _percentile(ranked: Any, percent: int) -> ColumnElement[float]:
    """The `percent`th percentile of a group's seconds: between the ranks around 1 + p·(n − 1), by the remainder.

    Integer arithmetic finds the lower rank and the weight of the next one, so both databases agree.
    """
    scaled = percent * (ranked.c.n - 1)
    lower = 1 + scaled // 100
    weight = cast(scaled % 100, Float) / 100.0
    seconds = ranked.c.seconds
    at_lower = func.sum(case((ranked.c.rank == lower, seconds * (1.0 - weight)), else_=0.0))
    at_upper = func.sum(case((ranked.c.rank == lower + 1, seconds * weight), else_=0.0))
    return cast(at_lower + at_upper, Float)


def _duration(seconds: float | None) -> timedelta:
    return timedelta(seconds=round(seconds or 0.0))


async def _waiting(session: AsyncSession, *, now: datetime, limit: int) -> tuple[tuple[WaitingStep, ...], int]:
    step = OrderApprovalStep
    open_now = (step.state == StepState.PENDING, Order.stage == Stage.APPROVAL)
    total = await session.scalar(
        select(func.count()).select_from(step).join(Order, Order.id == step.order_id).where(*open_now)
    )
    opened = step.opened_at
    named = aliased(Person)
    rows = await session.execute(
        select(step.order_id, Order.number, step.title, step.role, named.full_name, named.telegram_id, opened)
        .join(Order, Order.id == step.order_id)
        .outerjoin(named, named.id == step.person_id)
        .where(*open_now, opened.is_not(None))
        .order_by(opened, Order.number, step.position)
        .limit(limit)
    )
    waiting = tuple(
        WaitingStep(
            order_id=order_id,
            number=number,
            step=title,
            role=role,
            person_name=person_name,
            person_telegram_id=telegram_id,
            since=since,
            waited=now - since,
        )
        for order_id, number, title, role, person_name, telegram_id, since in rows
        if since is not None  # the query asked for opened steps only
    )
    return waiting, int(total or 0)
