"""Every periodic job by name, with how often the scheduler runs it.

A job is a plain async function `(db, *, now) -> JobReport`; `run` wraps it in the job's advisory
lock (`core.locks`), so with several processes on one PostgreSQL each job runs in one at a time, and
the scheduler's runs (`once_a_period`) run it once per period whichever process's timer fires first.

`fan_out` is not on the scheduler: every bot process's dispatcher runs it before each claim (under
the same lock), so a change's notice does not wait for a timer. It stays here for the command line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.db import Database
from core.locks import first_in_period, only_one
from jobs.ageing_digest import ageing_digest
from jobs.approval_reminders import approval_reminders
from jobs.digest import daily_digest
from jobs.fan_out import fan_out
from jobs.held import release_held
from jobs.mps_digest import mps_digest
from jobs.overdue_reminders import overdue_reminders
from jobs.production_risk import production_risk
from jobs.report import JobReport

JobFunction = Callable[..., Awaitable[JobReport]]


@dataclass(frozen=True)
class Job:
    name: str
    function: JobFunction
    every: timedelta
    scheduled: bool = True


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("fan_out", fan_out, timedelta(seconds=5), scheduled=False),
        Job("release_held", release_held, timedelta(minutes=1)),
        Job("daily_digest", daily_digest, timedelta(minutes=1)),
        Job("approval_reminders", approval_reminders, timedelta(minutes=1)),
        Job("production_risk", production_risk, timedelta(hours=1)),
        Job("mps_digest", mps_digest, timedelta(minutes=5)),
        Job("overdue_reminders", overdue_reminders, timedelta(minutes=5)),
        Job("ageing_digest", ageing_digest, timedelta(minutes=15)),
    )
}


async def run(db: Database, name: str, *, now: datetime, once_a_period: bool = False) -> JobReport:
    """Run the job `name` once as if at `now`, unless another process is running it (then skipped).

    `once_a_period` (the scheduler's runs): also skipped when this period's run was made already.
    """
    job = JOBS[name]
    async with only_one(db, f"job:{name}") as mine:
        if not mine:
            return JobReport(skipped=True)
        if once_a_period and not await first_in_period(db, name, now=now, every=job.every):
            return JobReport(skipped=True)
        return await job.function(db, now=now)
