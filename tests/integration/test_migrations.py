"""Migrations create the schema from nothing, take it down to nothing, and build it again."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from core.db import Database
from core.migrate import downgrade, upgrade
from core.models import Base
from tests.conftest import empty_postgres, sqlite_url


async def tables(db: Database) -> set[str]:
    async with db.engine.connect() as connection:
        names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    return names - {"alembic_version"}


async def round_trip(db: Database) -> None:
    await downgrade(db, "base")
    assert await tables(db) == set()
    await upgrade(db)
    assert await tables(db) == set(Base.metadata.tables)
    await upgrade(db)  # a second run changes nothing
    await downgrade(db, "base")
    assert await tables(db) == set()
    await upgrade(db)
    assert await tables(db) == set(Base.metadata.tables)


async def test_migrations_go_up_down_and_up_again_on_sqlite(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path / "fresh.sqlite3"))
    await upgrade(db)
    await round_trip(db)
    await db.dispose()


async def test_migrations_go_up_down_and_up_again_on_postgres(postgres_url: str) -> None:
    db = await empty_postgres(postgres_url)
    await round_trip(db)
    await db.dispose()


async def test_the_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    db = Database(sqlite_url(tmp_path / "fresh.sqlite3"))
    await upgrade(db)
    async with db.engine.connect() as connection:
        diff = await connection.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
    await db.dispose()
    assert diff == []
