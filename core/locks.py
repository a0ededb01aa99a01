"""One process at a time: a PostgreSQL advisory lock around a periodic job.

Several bot processes may share one PostgreSQL; each runs the scheduler, and the lock lets only
one of them run a given job at a time (the others skip that turn rather than wait). SQLite is one
process by design, so there the lock is always granted.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from core.db import Database

# Keeps our keys apart from any other application's advisory locks on the same server.
NAMESPACE = 0x0B07


def lock_key(name: str) -> int:
    """A stable 64-bit key for a job's name (the same in every process and every run)."""
    return (NAMESPACE << 32) | zlib.crc32(name.encode())


@asynccontextmanager
async def only_one(db: Database, name: str) -> AsyncIterator[bool]:
    """Hold the lock named `name` for the block; yields False (and holds nothing) if another process has it.

    A session lock on a connection of its own: the job's units of work commit as they go, and the
    lock ends with the block even if the job raised (or with the connection, if the process died).
    """
    if db.is_sqlite:
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
