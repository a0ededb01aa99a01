"""`orderbot prices load` and `orderbot import stock`: price lists and stock balances from CSV files."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from cli.common import Subparsers, UsageError, add_lang, data_command, lang_of, local_date
from core import use_cases as uc
from core.catalogue_csv import ImportRefused, parse_prices_csv, parse_stock_csv
from core.db import Database
from core.settings import Settings
from core.validation import local_today
from templates import render_plain


def register(commands: Subparsers) -> None:
    prices = commands.add_parser("prices", help="price lists: the base one and customers' own")
    actions = prices.add_subparsers(dest="prices_action", metavar="ACTION", required=True)
    load = actions.add_parser(
        "load",
        help="load prices from a CSV file (item, price, optionally from) into a customer's list or the base list",
    )
    load.add_argument("file", type=Path, metavar="FILE.csv")
    load.add_argument("--list", dest="list_name", metavar="NAME", help="the list's name (a customer's list needs one)")
    load.add_argument("--counterparty", metavar="INN", help="the customer's tax id: their own list (else the base)")
    load.add_argument("--from", dest="valid_from", type=local_date, metavar="DATE", help="the list is in force from")
    load.add_argument("--to", dest="valid_to", type=local_date, metavar="DATE", help="the list is in force until")
    add_lang(load)
    load.set_defaults(command=data_command(load_prices))


def register_import(kinds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`orderbot import stock FILE.csv`, added to the `import` command's kinds (made in `cli.mps`)."""
    stock = kinds.add_parser("stock", help="stock on hand from a CSV file: item, warehouse, on_hand")
    stock.add_argument("file", type=Path, metavar="FILE.csv")
    add_lang(stock)
    stock.set_defaults(command=data_command(import_stock))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from error


def _refused(refused: ImportRefused, lang: str) -> int:
    print(render_plain(f"errors/{refused.code.value}.html.j2", lang=lang, **refused.params), file=sys.stderr)
    for bad in refused.errors:
        reason = render_plain(f"errors/{bad.code.value}.html.j2", lang=lang, **bad.params)
        print(render_plain("cli/progress_row_error.html.j2", lang=lang, row=bad.row, reason=reason), file=sys.stderr)
    return 2


async def load_prices(args: argparse.Namespace, db: Database) -> int:
    content, lang = _read(args.file), lang_of(args)
    parsed = parse_prices_csv(content)
    today = local_today(datetime.now(UTC), Settings().default_time_zone)
    try:
        loaded = await uc.load_prices(
            db,
            rows=parsed.rows,
            bad_rows=parsed.errors,
            today=today,
            list_name=args.list_name,
            counterparty_tax_id=args.counterparty,
            valid_from=args.valid_from,
            valid_to=args.valid_to,
        )
    except ImportRefused as refused:
        return _refused(refused, lang)
    print(render_plain("cli/prices_loaded.html.j2", lang=lang, loaded=loaded))
    return 0


async def import_stock(args: argparse.Namespace, db: Database) -> int:
    content, lang = _read(args.file), lang_of(args)
    parsed = parse_stock_csv(content)
    try:
        imported = await uc.import_stock(db, rows=parsed.rows, bad_rows=parsed.errors)
    except ImportRefused as refused:
        return _refused(refused, lang)
    print(render_plain("cli/stock_imported.html.j2", lang=lang, imported=imported))
    return 0
