"""The `orderbot` command: each command is a function registered on a subparser by its module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from alembic.util import CommandError
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from cli import (
    db_commands,
    debts,
    demo,
    jobs,
    mps,
    notifications,
    orders,
    people,
    prices,
    reasons,
    report,
    routes,
    run_commands,
)
from cli.common import Subparsers, UsageError, lang_of
from core.errors import DomainError
from templates import error_message

# Each module adds its commands to the parser.
MODULES: Sequence[Callable[[Subparsers], None]] = (
    db_commands.register,
    debts.register,
    demo.register,
    jobs.register,
    mps.register,
    notifications.register,
    prices.register,
    orders.register,
    people.register,
    reasons.register,
    report.register,
    routes.register,
    run_commands.register,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orderbot",
        description="Sales orders of a manufacturing company: the bot, its jobs and this command line.",
        epilog="The database is ORDERBOT_DATABASE_URL (SQLite in data/ by default); every command migrates it first.",
    )
    commands = parser.add_subparsers(dest="command_name", metavar="COMMAND", required=True)
    for register in MODULES:
        register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; 0 when done, 2 when the input or a business rule refused it, 1 when the database failed."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, or argparse refused the command line (it printed why)
        return done.code if isinstance(done.code, int) else 2
    try:
        return int(args.command(args))
    except DomainError as error:
        print(error_message(error, lang=lang_of(args), html=False), file=sys.stderr)
        return 2
    except (UsageError, CommandError) as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    except (SQLAlchemyError, ValidationError, OSError) as error:
        print(f"{parser.prog}: database or settings error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
