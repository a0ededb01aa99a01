"""Every periodic job by name, with how often the scheduler runs it.

A job is a plain async function `(db, *, now) -> JobReport`; `run` wraps it in the job's advisory
lock (`core.locks`), so with several processes on one PostgreSQL each job runs in one at a time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.db import Database
from core.locks import only_one
from jobs.fan_out import fan_out
from jobs.held import release_held
from jobs.report import JobReport

JobFunction = Callable[..., Awaitable[JobReport]]


@dataclass(frozen=True)
class Job:
    name: str
    function: JobFunction
    every: timedelta


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("fan_out", fan_out, timedelta(seconds=5)),
        Job("release_held", release_held, timedelta(minutes=1)),
    )
}


async def run(db: Database, name: str, *, now: datetime) -> JobReport:
    """Run the job `name` once as if at `now`, unless another process is running it (then skipped)."""
    job = JOBS[name]
    async with only_one(db, f"job:{name}") as mine:
        if not mine:
            return JobReport(skipped=True)
        return await job.function(db, now=now)
