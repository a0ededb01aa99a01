"""`orderbot debts [--as TELEGRAM_ID]`: what customers owe, aged by days overdue, as /debts shows it."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from cli.common import Subparsers, UsageError, add_lang, data_command, lang_of, person
from cli.common import telegram_id as telegram
from core import use_cases as uc
from core.db import Database
from core.roles import Role
from core.use_cases.debts import debts
from core.use_cases.people import PersonView
from templates import render_plain

EVERY_CUSTOMER = 100_000  # the terminal has no message limit: every customer is listed


def register(commands: Subparsers) -> None:
    parser = commands.add_parser("debts", help="receivables by customer, aged: 0-30, 31-60, 61-90, over 90 days")
    parser.add_argument(
        "--as",
        dest="viewer",
        type=telegram,
        metavar="TELEGRAM_ID",
        help="as this person sees them (a manager: their own customers); default: the first accountant or head",
    )
    add_lang(parser)
    parser.set_defaults(command=data_command(show_debts))


async def _viewer(db: Database, telegram_id: int | None) -> PersonView:
    if telegram_id is not None:
        return await person(db, telegram_id)
    for role in (Role.ACCOUNTANT, Role.HEAD):
        found = sorted((p for p in await uc.list_people(db) if role in p.roles), key=lambda p: p.id)
        if found:
            return found[0]
    raise UsageError("nobody on the staff is an accountant or a head of sales: name a person with --as")


async def show_debts(args: argparse.Namespace, db: Database) -> int:
    viewer = await _viewer(db, args.viewer)
    report = await debts(db, viewer_id=viewer.id, now=datetime.now(UTC))
    print(render_plain("bot/debts/report.html.j2", lang=lang_of(args), report=report, shown=EVERY_CUSTOMER))
    return 0
