"""`orderbot db ...`: the schema's migrations, for operators."""

from __future__ import annotations

import argparse
import asyncio

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from cli.common import Subparsers, console
from core.db import Database
from core.migrate import alembic_config, downgrade, upgrade
from core.settings import Settings


def register(commands: Subparsers) -> None:
    db = commands.add_parser("db", help="database schema: upgrade, downgrade, current revision")
    steps = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    steps.add_parser("upgrade", help="run the migrations up to the newest").set_defaults(command=run_upgrade)
    down = steps.add_parser("downgrade", help="undo migrations down to REV ('base' drops every table)")
    down.add_argument("revision", metavar="REV", help="a revision id, 'base', or a step such as -1")
    down.set_defaults(command=run_downgrade)
    steps.add_parser("current", help="print the database's revision").set_defaults(command=run_current)


def run_upgrade(args: argparse.Namespace) -> int:
    return asyncio.run(_migrate("upgrade", "head"))


def run_downgrade(args: argparse.Namespace) -> int:
    return asyncio.run(_migrate("downgrade", str(args.revision)))


def run_current(args: argparse.Namespace) -> int:
    return asyncio.run(_migrate("current", ""))


async def _migrate(step: str, revision: str) -> int:
    db = Database(Settings().database_url)
    try:
        if step == "upgrade":
            await upgrade(db, revision)
        elif step == "downgrade":
            await downgrade(db, revision)
        current = await current_revision(db)
    finally:
        await db.dispose()
    head = ScriptDirectory.from_config(alembic_config(db.url)).get_current_head()
    state = "newest" if current == head else f"newest is {head}"
    console().print(f"Database revision: {current or 'none (empty)'} ({state})")
    return 0


async def current_revision(db: Database) -> str | None:
    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with db.engine.connect() as connection:
        return await connection.run_sync(read)
