"""The planners' daily MPS digest: due at 08:00 on each planner's own clock, once a day, and read on demand."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select

from core import validation
from core.access import acting_person
from core.db import Database
from core.events import MpsDigestDue
from core.journal import announce
from core.models import JobRun, Person, PersonRole
from core.roles import Role
from core.use_cases.mps import ensure_planner
from core.use_cases.mps_digest import MpsDigest, mps_digest_data

DIGEST_AT = time(8, 0)
RUN_PREFIX = "mps_digest:"  # a JobRun per planner: the local day whose digest they were last given


async def announce_mps_digests(db: Database, *, now: datetime, at: time = DIGEST_AT) -> int:
    """Leave an `MpsDigestDue` fact for every planner whose local time has passed `at` today and who has
    not had today's digest yet; how many were left.

    Rules:
    - every active planner with Telegram, each on their own time zone's clock;
    - once a day per planner: the day given is kept (a `JobRun` per planner) in the same transaction as
      the fact, so a second run for the same day, or a run in another process, leaves nothing twice;
    - the digest itself is composed when it is sent (`mps_digest_data`), so it tells what is true then.
    """
    async with db.unit_of_work() as session:
        planners = list(
            await session.scalars(
                select(Person)
                .join(PersonRole, PersonRole.person_id == Person.id)
                .where(PersonRole.role == Role.PLANNER.value, Person.active, Person.telegram_id.is_not(None))
                .order_by(Person.id)
            )
        )
        names = [f"{RUN_PREFIX}{planner.id}" for planner in planners]
        runs = {
            run.name: run
            for run in await session.scalars(select(JobRun).where(JobRun.name.in_(names)).with_for_update())
        }
        told = 0
        for planner, name in zip(planners, names, strict=True):
            local = now.astimezone(validation.zone(planner.time_zone))
            if local.time() < at:
                continue
            midnight = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
            run = runs.get(name)
            if run is not None and run.period_start >= midnight:
                continue
            if run is None:
                session.add(JobRun(name=name, period_start=midnight, started_at=now))
            else:
                run.period_start, run.started_at = midnight, now
            fact = MpsDigestDue(planner_id=planner.id, day=local.date().isoformat())
            announce(session, fact, order=None, actor_id=None, now=now)
            told += 1
        return told


async def planner_digest(db: Database, *, actor_id: int, now: datetime) -> MpsDigest:
    """The digest as of now, on demand (`/mps_chart`): planners only."""
    async with db.reading() as session:
        ensure_planner(await acting_person(session, actor_id))
    return await mps_digest_data(db, planner_id=actor_id, now=now)
