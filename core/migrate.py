"""Running the Alembic migrations from code: at start-up, from the command line, in tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from core.db import Database

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema up to `revision` (the newest by default); running it twice changes nothing."""
    await _run(db, lambda config: command.upgrade(config, revision))


async def downgrade(db: Database, revision: str = "base") -> None:
    await _run(db, lambda config: command.downgrade(config, revision))


async def _run(db: Database, step: object) -> None:
    def on_connection(connection: Connection) -> None:
        config = alembic_config(db.url)
        config.attributes["connection"] = connection
        step(config)  # type: ignore[operator]

    async with db.engine.connect() as connection:
        await connection.run_sync(on_connection)
        await connection.commit()
