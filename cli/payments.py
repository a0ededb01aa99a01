"""`orderbot import payments FILE.csv`: a bank statement's payments recorded against the orders' schedules."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from cli.common import Subparsers, UsageError, add_lang, data_command, lang_of, person
from cli.common import telegram_id as telegram
from core import use_cases as uc
from core.db import Database
from core.roles import Role
from core.use_cases.people import PersonView
from templates import render_plain


def register_import(kinds: Subparsers) -> None:
    """`payments` among the kinds of `orderbot import`."""
    payments = kinds.add_parser("payments", help="payments from a CSV file: order, amount, date[, comment]")
    payments.add_argument("file", type=Path, metavar="FILE.csv")
    payments.add_argument(
        "--as",
        dest="accountant",
        type=telegram,
        metavar="TELEGRAM_ID",
        help="act as this accountant (default: the first)",
    )
    add_lang(payments)
    payments.set_defaults(command=data_command(import_payments))


async def _accountant(db: Database, telegram_id: int | None) -> PersonView:
    if telegram_id is not None:
        return await person(db, telegram_id)
    found = sorted((p for p in await uc.list_people(db) if Role.ACCOUNTANT in p.roles), key=lambda p: p.id)
    if not found:
        raise UsageError("nobody on the staff is an accountant: add one, or name a person with --as")
    return found[0]


async def import_payments(args: argparse.Namespace, db: Database) -> int:
    try:
        content = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {args.file}: {getattr(error, 'strerror', None) or error}") from error
    accountant, lang = await _accountant(db, args.accountant), lang_of(args)
    try:
        result = await uc.import_payments(db, actor_id=accountant.id, content=content, now=datetime.now(UTC))
    except uc.PaymentImportRefused as refused:
        print(render_plain(f"errors/{refused.code.value}.html.j2", lang=lang, **refused.params), file=sys.stderr)
        for bad in refused.errors:
            reason = render_plain(f"errors/{bad.code.value}.html.j2", lang=lang, **bad.params)
            print(
                render_plain("cli/progress_row_error.html.j2", lang=lang, row=bad.row, reason=reason), file=sys.stderr
            )
        return 2
    print(render_plain("cli/payments_imported.html.j2", lang=lang, result=result))
    return 0
