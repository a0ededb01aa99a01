"""`orderbot reasons list|add|rename|retire|restore`: the catalogue of cancellation reasons, for an admin."""

from __future__ import annotations

import argparse

from cli.common import Subparsers, add_lang, data_command, lang_of
from core.db import Database
from core.use_cases import cancel_reasons as catalogue
from templates import render_plain


def register(commands: Subparsers) -> None:
    reasons = commands.add_parser("reasons", help="the reasons people tap when a request or an order is cancelled")
    verbs = reasons.add_subparsers(dest="reasons_command", metavar="COMMAND", required=True)

    listing = verbs.add_parser("list", help="every reason, in the order offered, the retired ones too")
    add_lang(listing)
    listing.set_defaults(command=data_command(list_reasons))

    add = verbs.add_parser("add", help="offer a new reason, after the others")
    add.add_argument("code", metavar="CODE", help="a short Latin word kept by the orders, e.g. no_capacity")
    add.add_argument("name", metavar="NAME", help="what the button says, e.g. 'Нет мощностей'")
    add.add_argument("--needs-text", action="store_true", help="ask for words too, as «Другое» does")
    add_lang(add)
    add.set_defaults(command=data_command(add_reason))

    rename = verbs.add_parser("rename", help="give a reason another name")
    rename.add_argument("code", metavar="CODE")
    rename.add_argument("name", metavar="NAME")
    add_lang(rename)
    rename.set_defaults(command=data_command(rename_reason))

    for verb, does in (("retire", "stop offering a reason (the orders keep it)"), ("restore", "offer it again")):
        change = verbs.add_parser(verb, help=does)
        change.add_argument("code", metavar="CODE")
        add_lang(change)
        change.set_defaults(command=data_command(retire_reason if verb == "retire" else restore_reason))


async def list_reasons(args: argparse.Namespace, db: Database) -> int:
    return await _show(args, db, done="")


async def add_reason(args: argparse.Namespace, db: Database) -> int:
    await catalogue.add_reason(db, code=args.code, name=args.name, needs_text=args.needs_text)
    return await _show(args, db, done="added")


async def rename_reason(args: argparse.Namespace, db: Database) -> int:
    await catalogue.rename_reason(db, code=args.code, name=args.name)
    return await _show(args, db, done="renamed")


async def retire_reason(args: argparse.Namespace, db: Database) -> int:
    await catalogue.retire_reason(db, code=args.code)
    return await _show(args, db, done="retired")


async def restore_reason(args: argparse.Namespace, db: Database) -> int:
    await catalogue.retire_reason(db, code=args.code, retired=False)
    return await _show(args, db, done="restored")


async def _show(args: argparse.Namespace, db: Database, *, done: str) -> int:
    reasons = await catalogue.cancel_reasons(db, with_retired=True)
    print(render_plain("cli/cancel_reasons.html.j2", lang=lang_of(args), reasons=reasons, done=done))
    return 0
