"""The database: engine, sessions and the unit of work that alone commits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from core.identities import IdentityCache

READ_ONLY = "orderbot_read_only"


class Database:
    """One engine per process; a session per update or job run."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        self.engine: AsyncEngine = _create_engine(url, echo=echo, sqlite=self.is_sqlite)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        # Who is behind each Telegram id, for `core.use_cases.identify`; what it holds is its business.
        self.identities: IdentityCache[Any] = IdentityCache()

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for queries only; nothing it does is committed."""
        async with self.sessions() as session:
            await session.connection(execution_options={READ_ONLY: True})
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


def _create_engine(url: str, *, echo: bool, sqlite: bool) -> AsyncEngine:
    if not sqlite:
        return create_async_engine(url, echo=echo, pool_pre_ping=True)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # A session always ends its transaction before it gives the connection back, so the pool's own
    # rollback on return would be one more trip to SQLite's thread for nothing.
    engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30}, pool_reset_on_return=None)
    _serialise_sqlite_writers(engine)
    return engine


def _serialise_sqlite_writers(engine: AsyncEngine) -> None:
    """Make every SQLite transaction take the write lock at BEGIN.

    A deferred transaction that reads, then writes, fails with "database is locked"
    when another writer got in between; BEGIN IMMEDIATE makes it wait its turn instead,
    which is what SELECT ... FOR UPDATE gives us on PostgreSQL.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Readers need no write lock: WAL lets them read beside a writer.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
