"""`orderbot report demand --from DATE --to DATE [--format table|csv|xlsx] [--as ID]`: the demand report
of /demand at the terminal, as text, as CSV (a block per section) or as the chat's Excel file."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.demand_workbook import SHEETS, demand_rows, demand_workbook, sheet_words
from cli.common import UsageError, add_lang, data_command, lang_of, local_date, person
from cli.common import telegram_id as telegram
from core import use_cases as uc
from core.db import Database
from core.roles import Role
from core.use_cases.demand import DemandReport, demand_report
from core.use_cases.people import PersonView
from templates import render_plain

EVERYTHING = 100_000  # the terminal has no message limit: every item and customer is listed


def register(kinds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`report demand`, added to the `report` command's kinds (made in `cli.report`)."""
    demand = kinds.add_parser(
        "demand",
        help="requests of a period: how many became orders, the values, cancellations by reason, items, "
        "customers, managers, weeks",
    )
    demand.add_argument("--from", dest="start", required=True, type=local_date, metavar="DATE", help="first day")
    demand.add_argument("--to", dest="end", required=True, type=local_date, metavar="DATE", help="last day")
    demand.add_argument("--format", choices=("table", "csv", "xlsx"), default="table", help="default: table")
    demand.add_argument("--output", type=Path, metavar="FILE", help="the xlsx file (default: demand-FROM-TO.xlsx)")
    demand.add_argument(
        "--as",
        dest="viewer",
        type=telegram,
        metavar="TELEGRAM_ID",
        help="as this person sees it (a manager: their own requests); default: the first head of sales",
    )
    add_lang(demand)
    demand.set_defaults(command=data_command(show_demand))


async def show_demand(args: argparse.Namespace, db: Database) -> int:
    viewer = await _viewer(db, args.viewer)
    report = await demand_report(
        db, viewer_id=viewer.id, start=args.start, end=args.end, now=datetime.now(UTC), shown=EVERYTHING
    )
    lang = lang_of(args)
    if args.format == "xlsx":
        path = args.output or Path(f"demand-{report.start.isoformat()}-{report.end.isoformat()}.xlsx")
        path.write_bytes(demand_workbook(report, sheet_words(lang)))
        print(path)
    elif args.format == "csv":
        write_csv(report, lang)
    else:
        print(render_plain("bot/demand/report.html.j2", lang=lang, report=report, shown=EVERYTHING))
    return 0


def write_csv(report: DemandReport, lang: str) -> None:
    """Each section as a block: its name, its header and its rows, a blank line between blocks."""
    words = sheet_words(lang)
    out = csv.writer(sys.stdout)
    for which in SHEETS:
        name, *headers = words(which)
        rows = demand_rows(report, which)
        if which == "summary":
            rows = [[label, *row] for label, row in zip(words("summary_rows"), rows, strict=True)]
        out.writerow([name])
        out.writerow(headers)
        out.writerows([["" if value is None else value for value in row] for row in rows])
        out.writerow([])


async def _viewer(db: Database, telegram_id: int | None) -> PersonView:
    if telegram_id is not None:
        return await person(db, telegram_id)
    found = sorted((p for p in await uc.list_people(db) if Role.HEAD in p.roles), key=lambda p: p.id)
    if found:
        return found[0]
    raise UsageError("nobody on the staff is a head of sales: name a person with --as")
