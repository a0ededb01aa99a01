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


async def create_database(name: str, *, template: str | None = None) -> str:
    """A new database on the test server (a copy of `template` if named); its SQLAlchemy URL."""
    server = make_url(PG_URL)
    admin = await asyncpg.connect(_admin_dsn())
    copy = f' TEMPLATE "{template}"' if template else ""
    await admin.execute(f'CREATE DATABASE "{name}"{copy}')
    await admin.close()
    return server.set(database=name).render_as_string(hide_password=False)


async def drop_database(name: str) -> None:
    admin = await asyncpg.connect(_admin_dsn())
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


def _admin_dsn() -> str:
    server = make_url(PG_URL)
    return server.set(drivername="postgresql", database=server.database or "postgres").render_as_string(False)


def run_database_name(purpose: str) -> str:
    """A name no other test run uses, so runs on one server never meet."""
    return f"orderbot_{purpose}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
async def postgres_url() -> AsyncIterator[str]:
    """A database of this test run's own on the PostgreSQL server, dropped afterwards."""
    if not PG_URL:
        pytest.skip(NO_PG)
    name = run_database_name("test")
    url = await create_database(name)
    db = Database(url)
    await upgrade(db)
    await db.dispose()
    yield url
    await drop_database(name)


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
