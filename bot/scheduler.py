"""The scheduler: APScheduler 3 in the bot's event loop, running every periodic job of `jobs.catalogue`.

Every bot process runs it; `jobs.catalogue.run` lets one process at a time run a job (an advisory
lock on PostgreSQL) and only once a period, whichever process's timer fires first. A job's fault
is logged and the next period runs it again; it never stops the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.db import Database
from jobs.catalogue import JOBS, run

log = logging.getLogger(__name__)


def build_scheduler(db: Database, clock: Callable[[], datetime]) -> AsyncIOScheduler:
    # APScheduler logs every run at INFO, two lines a minute per job; ours logs what a run did.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = AsyncIOScheduler(timezone="UTC")
    for job in JOBS.values():
        if not job.scheduled:
            continue

        async def run_job(name: str = job.name) -> None:
            try:
                report = await run(db, name, now=clock(), once_a_period=True)
            except Exception:
                log.exception("job %s failed; it runs again next period", name)
                return
            if report.counts and any(report.counts.values()):
                log.info("job %s: %s", name, report.counts)

        scheduler.add_job(
            run_job,
            "interval",
            seconds=job.every.total_seconds(),
            id=job.name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(job.every.total_seconds()),
        )
    return scheduler
