"""`orderbot jobs`: the periodic jobs, listed or run once as if at a given time."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from cli.common import Subparsers, UsageError, add_lang, data_command, lang_of
from core.db import Database
from core.settings import Settings
from jobs.catalogue import JOBS, run
from templates import render_plain


def register(commands: Subparsers) -> None:
    jobs = commands.add_parser("jobs", help="the periodic jobs: list them, or run one once")
    actions = jobs.add_subparsers(dest="jobs_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every job and how often the bot runs it")
    add_lang(listing)
    listing.set_defaults(command=list_jobs)
    once = actions.add_parser("run", help="run one job once and print what it did")
    once.add_argument("name", choices=sorted(JOBS), metavar="NAME", help=f"one of: {', '.join(sorted(JOBS))}")
    once.add_argument("--at", type=moment, help='as if at this local time (ORDERBOT_TIME_ZONE): "YYYY-MM-DD HH:MM"')
    add_lang(once)
    once.set_defaults(command=data_command(run_job))


def moment(value: str) -> datetime:
    """"YYYY-MM-DD HH:MM" in ORDERBOT_TIME_ZONE, as a moment in UTC."""
    try:
        typed = datetime.strptime(value.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        local = typed.replace(tzinfo=ZoneInfo(Settings().default_time_zone))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f'"{value}" is not a time: type it as "YYYY-MM-DD HH:MM"') from error
    return local.astimezone(UTC)


def list_jobs(args: argparse.Namespace) -> int:
    rows = [(job.name, int(job.every.total_seconds())) for job in JOBS.values()]
    print(render_plain("cli/jobs_list.html.j2", lang=lang_of(args), jobs=rows))
    return 0


async def run_job(args: argparse.Namespace, db: Database) -> int:
    if args.name not in JOBS:
        raise UsageError(f"no job {args.name!r}: run `orderbot jobs list`")
    now = args.at or datetime.now(UTC)
    report = await run(db, args.name, now=now)
    tz = Settings().default_time_zone
    print(
        render_plain(
            "cli/job_done.html.j2",
            lang=lang_of(args),
            name=args.name,
            at=now,
            tz=tz,
            skipped=report.skipped,
            counts=report.counts,
        )
    )
    return 0
