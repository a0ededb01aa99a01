"""One process at a time: a PostgreSQL advisory lock around a periodic job, and once a period.

Several bot processes may share one PostgreSQL; each runs the scheduler, and the lock lets only
one of them run a given job at a time (the others skip that turn rather than wait). SQLite is one
process by design, so there an in-process lock serves: the dispatcher's own fan-out and the
scheduler's may still meet inside that one process.

The lock alone does not make a job run once a period: a process whose timer fires just after
another finished would run it again. `first_in_period` records the period a job last ran for.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from core.db import Database
from core.models import JobRun

# Keeps our keys apart from any other application's advisory locks on the same server.
NAMESPACE = 0x0B07
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

_local: dict[str, asyncio.Lock] = {}


def lock_key(name: str) -> int:
    """A stable 64-bit key for a job's name (the same in every process and every run)."""
    return (NAMESPACE << 32) | zlib.crc32(name.encode())


@asynccontextmanager
async def only_one(db: Database, name: str) -> AsyncIterator[bool]:
    """Hold the lock named `name` for the block; yields False (and holds nothing) if another holder has it.

    On PostgreSQL a session lock on a connection of its own: the job's units of work commit as they
    go, and the lock ends with the block even if the job raised (or with the connection, if the
    process died).
    """
    if db.is_sqlite:
        lock = _local.setdefault(f"{db.url}:{name}", asyncio.Lock())
        if lock.locked():
            yield False
            return
        async with lock:
            yield True
        return
    async with db.engine.connect() as connection:
        key = lock_key(name)
        got = bool(await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))
        await connection.commit()
        try:
            yield got
        finally:
            if got:
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                await connection.commit()


def period_start(now: datetime, every: timedelta) -> datetime:
    """The start of the period of length `every` that `now` falls in (periods counted from 2000-01-01 UTC)."""
    periods = (now - EPOCH) // every
    return EPOCH + periods * every


async def first_in_period(db: Database, name: str, *, now: datetime, every: timedelta) -> bool:
    """Record that job `name` runs for the period of `now`; False if it already ran for this period (or a later one).

    Call it holding the job's lock (`only_one`), so two processes never both see the period as new.
    """
    start = period_start(now, every)
    async with db.unit_of_work() as session:
        run = await session.get(JobRun, name, with_for_update=True)
        if run is not None and run.period_start >= start:
            return False
        if run is None:
            session.add(JobRun(name=name, period_start=start, started_at=now))
        else:
            run.period_start, run.started_at = start, now
        return True
