"""`orderbot mps replenish|list` and `orderbot import progress`: the planner's MPS from the terminal."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from cli import payments, prices
from cli.common import Subparsers, UsageError, add_lang, data_command, lang_of, local_date, person, positive_int
from cli.common import telegram_id as telegram
from core import use_cases as uc
from core.db import Database
from core.progress_csv import parse_progress_csv
from core.roles import Role
from core.settings import Settings
from core.use_cases.people import PersonView
from templates import render_plain


def register(commands: Subparsers) -> None:
    mps = commands.add_parser("mps", help="the master production schedule: replenish it from orders, list it")
    actions = mps.add_subparsers(dest="mps_action", metavar="ACTION", required=True)
    replenish = actions.add_parser("replenish", help="plan what the orders in execution need and the plan lacks")
    replenish.add_argument("--dry-run", action="store_true", help="only show what would be planned")
    _add_planner(replenish)
    replenish.set_defaults(command=data_command(replenish_mps))
    listing = actions.add_parser("list", help="the plan by planned date")
    listing.add_argument("--week", type=local_date, metavar="DATE", help="the week (Monday to Sunday) of this date")
    listing.add_argument("--item", metavar="CODE", help="only this item")
    listing.add_argument("--late", action="store_true", help="only late lines")
    listing.add_argument("--page", type=positive_int, default=1, metavar="N")
    _add_planner(listing)
    listing.set_defaults(command=data_command(list_mps))
    imports = commands.add_parser("import", help="import data from files")
    kinds = imports.add_subparsers(dest="import_kind", metavar="WHAT", required=True)
    progress = kinds.add_parser("progress", help="production progress from a CSV file: order, line, produced, cost")
    progress.add_argument("file", type=Path, metavar="FILE.csv")
    _add_planner(progress)
    progress.set_defaults(command=data_command(import_progress))
    payments.register_import(kinds)
    prices.register_import(kinds)


def _add_planner(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as", dest="planner", type=telegram, metavar="TELEGRAM_ID", help="act as this planner (default: the first)"
    )
    add_lang(parser)


async def _planner(db: Database, telegram_id: int | None) -> PersonView:
    if telegram_id is not None:
        return await person(db, telegram_id)
    planners = sorted((p for p in await uc.list_people(db) if Role.PLANNER in p.roles), key=lambda p: p.id)
    if not planners:
        raise UsageError("nobody on the staff is a planner: add one, or name a person with --as")
    return planners[0]


async def replenish_mps(args: argparse.Namespace, db: Database) -> int:
    planner, now = await _planner(db, args.planner), datetime.now(UTC)
    replenish = uc.preview_replenishment if args.dry_run else uc.replenish_mps
    result = await replenish(db, actor_id=planner.id, now=now)
    print(render_plain("cli/mps_replenished.html.j2", lang=lang_of(args), result=result))
    return 0


async def list_mps(args: argparse.Namespace, db: Database) -> int:
    planner, size = await _planner(db, args.planner), Settings().page_size
    page = await uc.mps_plan(
        db,
        actor_id=planner.id,
        now=datetime.now(UTC),
        week=args.week,
        item=args.item,
        late_only=args.late,
        offset=(args.page - 1) * size,
        limit=size,
    )
    print(render_plain("cli/mps_list.html.j2", lang=lang_of(args), page=page))
    return 0


async def import_progress(args: argparse.Namespace, db: Database) -> int:
    try:
        content = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {args.file}: {getattr(error, 'strerror', None) or error}") from error
    planner, lang, parsed = await _planner(db, args.planner), lang_of(args), parse_progress_csv(content)
    try:
        result = await uc.import_progress(
            db, actor_id=planner.id, rows=parsed.rows, bad_rows=parsed.errors, now=datetime.now(UTC)
        )
    except uc.ProgressImportRefused as refused:
        print(render_plain(f"errors/{refused.code.value}.html.j2", lang=lang, **refused.params), file=sys.stderr)
        for bad in refused.errors:
            reason = render_plain(f"errors/{bad.code.value}.html.j2", lang=lang, **bad.params)
            print(
                render_plain("cli/progress_row_error.html.j2", lang=lang, row=bad.row, reason=reason), file=sys.stderr
            )
        return 2
    print(render_plain("cli/progress_imported.html.j2", lang=lang, result=result))
    return 0
