"""What every command shares: the database it opens, the viewer it acts as, options and parsers."""

from __future__ import annotations

import argparse
import asyncio
import functools
import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import TypeAlias

from rich.console import Console

from core import use_cases as uc
from core.db import Database
from core.errors import ErrorCode, NotFound
from core.migrate import upgrade
from core.roles import Role
from core.settings import Settings
from core.use_cases.people import PersonView

Command = Callable[[argparse.Namespace], int]
DataCommand = Callable[[argparse.Namespace, Database], Awaitable[int]]
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

# The viewer an operator acts as when they name nobody: someone who sees every order.
DEFAULT_VIEWER_ROLES = (Role.ADMIN, Role.HEAD)


class UsageError(Exception):
    """The command line was understood but names something ambiguous; said like argparse says it."""


def data_command(handler: DataCommand) -> Command:
    """Run an async command on the database of the settings, migrated to the newest schema first."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        return asyncio.run(_with_database(handler, args))

    return run


async def _with_database(handler: DataCommand, args: argparse.Namespace) -> int:
    db = Database(Settings().database_url)
    try:
        await upgrade(db)
        return await handler(args, db)
    finally:
        await db.dispose()


def console() -> Console:
    return Console(highlight=False)


def add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("ru", "en"), help="language of names, dates and messages (default: ru)")


def lang_of(args: argparse.Namespace) -> str:
    return str(getattr(args, "lang", None) or Settings().default_language)


def add_viewer(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="viewer",
        type=telegram_id,
        metavar="TELEGRAM_ID",
        help="see what this person sees (default: the first admin or head of sales)",
    )


async def person(db: Database, telegram: int) -> PersonView:
    """The active person behind a Telegram id, or a refusal a person can read."""
    found = await uc.identify(db, telegram_id=telegram)
    if found is None:
        raise NotFound(ErrorCode.PERSON_NOT_FOUND, value=str(telegram))
    return found


async def viewer(db: Database, telegram: int | None) -> PersonView:
    """The named person, or else the first admin (then head of sales) on the staff."""
    if telegram is not None:
        return await person(db, telegram)
    people = await uc.list_people(db)
    for role in DEFAULT_VIEWER_ROLES:
        chosen = sorted((p for p in people if role in p.roles), key=lambda p: (p.telegram_id or 0, p.id))
        if chosen:
            return chosen[0]
    raise UsageError(
        "nobody on the staff sees every order yet: add an admin (orderbot people add ... --role admin) "
        "or load the demo (orderbot demo-data), or name a person with --as"
    )


def telegram_id(text: str) -> int:
    """A Telegram user id as typed: a positive whole number."""
    if not re.fullmatch(r"[0-9]{1,15}", text.strip()):
        raise argparse.ArgumentTypeError(f"not a Telegram id: {text!r} (a positive whole number)")
    return int(text)


def positive_int(text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,6}", text.strip()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def local_date(text: str) -> date:
    """A date as an operator types it: 2026-11-30 or 30.11.2026."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"not a date: {text!r} (type 2026-11-30 or 30.11.2026)")
