"""`orderbot report`: figures for the head of sales, computed in the database."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from cli import demand
from cli.common import Subparsers, add_lang, data_command, lang_of, local_date
from core import use_cases as uc
from core.db import Database
from core.settings import Settings
from templates import render_plain


def register(commands: Subparsers) -> None:
    report = commands.add_parser("report", help="reports: how long approvals take, demand")
    kinds = report.add_subparsers(dest="report_kind", metavar="REPORT", required=True)
    approvals = kinds.add_parser(
        "approvals",
        help="time to decide per step and per approver (count, median, 90th percentile), and what waits now",
    )
    approvals.add_argument("--from", dest="start", required=True, type=local_date, metavar="DATE", help="first day")
    approvals.add_argument("--to", dest="end", required=True, type=local_date, metavar="DATE", help="last day")
    add_lang(approvals)
    approvals.set_defaults(command=data_command(approval_times))
    demand.register(kinds)


async def approval_times(args: argparse.Namespace, db: Database) -> int:
    tz = Settings().default_time_zone
    report = await uc.approval_report(db, start=args.start, end=args.end, time_zone=tz, now=datetime.now(UTC))
    print(render_plain("cli/approval_report.html.j2", lang=lang_of(args), report=report, tz=tz))
    return 0
