"""Receivables by customer with their ageing (`/debts`, `orderbot debts`), and the weekly ageing digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import acting_person
from core.db import Database
from core.errors import ErrorCode, Forbidden
from core.events import AgeingDigestDue
from core.journal import announce
from core.models import JobRun, Person, PersonRole
from core.receivables import Ageing, CustomerDebt, debts_by_customer, totals_of
from core.roles import Role

DIGEST_AT = time(9, 0)  # Monday, on each reader's clock
RUN_PREFIX = "ageing_digest:"  # a JobRun per reader: the Monday whose digest they were last given
SEE_ALL = frozenset({Role.ACCOUNTANT, Role.HEAD})


@dataclass(frozen=True, slots=True)
class DebtReport:
    """What is owed, by customer (largest overdue first), with totals per currency, as of `today`."""

    today: date
    own_only: bool  # a manager's: only the customers of their orders
    debts: tuple[CustomerDebt, ...]
    totals: dict[str, Ageing]


async def debts(db: Database, *, viewer_id: int, now: datetime) -> DebtReport:
    """The receivables the viewer may see, aged.

    Rules:
    - accountants and heads of sales see every customer's debts; a manager sees what is owed on the orders
      they are responsible for; nobody else sees debts (DEBTS_NOT_FOR_ROLE);
    - the ageing is `core.receivables`'s, computed in the database as of the viewer's today.
    """
    async with db.reading() as session:
        viewer = await acting_person(session, viewer_id)
        return await _report(session, viewer, now=now)


async def _report(session: AsyncSession, viewer: Person, *, now: datetime) -> DebtReport:
    sees_all = any(viewer.has_role(role) for role in SEE_ALL)
    if not sees_all and not viewer.has_role(Role.MANAGER):
        raise Forbidden(ErrorCode.DEBTS_NOT_FOR_ROLE)
    today = validation.local_today(now, viewer.time_zone)
    found = await debts_by_customer(session, today=today, responsible_id=None if sees_all else viewer.id)
    return DebtReport(today=today, own_only=not sees_all, debts=tuple(found), totals=totals_of(found))


async def announce_ageing_digests(db: Database, *, now: datetime, at: time = DIGEST_AT) -> int:
    """Leave an `AgeingDigestDue` fact for each accountant and head of sales once a week, from Monday `at` on
    their own clock; how many were left.

    Rules:
    - every active accountant and head of sales with Telegram;
    - once a week each: the week given is kept (a `JobRun` per person) in the same transaction as the fact,
      so a second run, or a run in another process, leaves nothing twice; a week whose Monday was missed
      (the bot was down) is given at the next run;
    - the digest is composed when it is sent (`debts`), so it tells what is owed then.
    """
    async with db.unit_of_work() as session:
        readers = list(
            (
                await session.scalars(
                    select(Person)
                    .join(PersonRole, PersonRole.person_id == Person.id)
                    .where(
                        PersonRole.role.in_([role.value for role in SEE_ALL]),
                        Person.active,
                        Person.telegram_id.is_not(None),
                    )
                    .order_by(Person.id)
                )
            ).unique()
        )
        names = [f"{RUN_PREFIX}{reader.id}" for reader in readers]
        runs = {
            run.name: run
            for run in await session.scalars(select(JobRun).where(JobRun.name.in_(names)).with_for_update())
        }
        told = 0
        for reader, name in zip(readers, names, strict=True):
            local = now.astimezone(validation.zone(reader.time_zone))
            monday = local.date() - timedelta(days=local.weekday())
            week_starts = datetime.combine(monday, at, tzinfo=local.tzinfo)
            run = runs.get(name)
            if local < week_starts or (run is not None and run.period_start >= week_starts):
                continue
            if run is None:
                session.add(JobRun(name=name, period_start=week_starts, started_at=now))
            else:
                run.period_start, run.started_at = week_starts, now
            fact = AgeingDigestDue(person_id=reader.id, day=monday.isoformat())
            announce(session, fact, order=None, actor_id=None, now=now)
            told += 1
        return told
