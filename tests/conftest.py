"""Databases for the tests: every `db` test runs on SQLite and on PostgreSQL.

PostgreSQL runs when ORDERBOT_TEST_DATABASE_URL names a server (CI sets it); this
run then creates a private database there and drops it at the end.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from core.db import Database
from core.migrate import upgrade
from core.models import Base

PG_URL = os.environ.get("ORDERBOT_TEST_DATABASE_URL", "")
NO_PG = "ORDERBOT_TEST_DATABASE_URL is not set, so the PostgreSQL variant is skipped (.ci/run sets it)"


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
async def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies, rather than migrating again."""
    path = tmp_path_factory.mktemp("template") / "orderbot.sqlite3"
    db = Database(sqlite_url(path))
    await upgrade(db)
    await db.dispose()
    return path


@pytest.fixture(scope="session")
async def postgres_url() -> AsyncIterator[str]:
    """A database of this test run's own on the PostgreSQL server, dropped afterwards."""
    if not PG_URL:
        pytest.skip(NO_PG)
    server = make_url(PG_URL)
    name = f"orderbot_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    dsn = server.set(drivername="postgresql", database=server.database or "postgres").render_as_string(False)
    admin = await asyncpg.connect(dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = server.set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    await upgrade(db)
    await db.dispose()
    yield url
    admin = await asyncpg.connect(dsn)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


async def empty_postgres(url: str) -> Database:
    db = Database(url)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    async with db.engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return db


@pytest.fixture
async def sqlite_db(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Database]:
    path = tmp_path / "orderbot.sqlite3"
    shutil.copy(sqlite_template, path)
    database = Database(sqlite_url(path))
    yield database
    await database.dispose()


@pytest.fixture
async def postgres_db(postgres_url: str) -> AsyncIterator[Database]:
    database = await empty_postgres(postgres_url)
    yield database
    await database.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest) -> Database:
    """An empty, migrated database of the kind the test is parametrised with."""
    database: Database = request.getfixturevalue(f"{request.param}_db")
    return database
