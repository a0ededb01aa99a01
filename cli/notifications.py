"""`orderbot notifications`: what was (or will be) sent to whom, and resending what failed."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from cli.common import Subparsers, add_lang, data_command, lang_of, telegram_id
from core import use_cases as uc
from core.db import Database
from core.models import NoticeStatus
from core.settings import Settings
from templates import render_plain


def register(commands: Subparsers) -> None:
    notices = commands.add_parser("notifications", help="notices to people: list them, resend failed ones")
    actions = notices.add_subparsers(dest="notifications_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the newest notices")
    listing.add_argument("--status", choices=[s.value for s in NoticeStatus], help="only notices in this status")
    listing.add_argument("--to", type=telegram_id, metavar="TELEGRAM_ID", help="only notices to this person")
    add_lang(listing)
    listing.set_defaults(command=data_command(list_notices))
    again = actions.add_parser("retry", help="send failed notices again (the named ones, or every failed one)")
    again.add_argument("ids", nargs="*", type=int, metavar="ID", help="notice numbers from `notifications list`")
    add_lang(again)
    again.set_defaults(command=data_command(retry))


async def list_notices(args: argparse.Namespace, db: Database) -> int:
    status = NoticeStatus(args.status) if args.status else None
    rows = await uc.list_notifications(db, status=status, to=args.to)
    tz = Settings().default_time_zone
    print(render_plain("cli/notifications.html.j2", lang=lang_of(args), rows=rows, tz=tz))
    return 0


async def retry(args: argparse.Namespace, db: Database) -> int:
    count = await uc.retry(db, ids=args.ids, now=datetime.now(UTC))
    print(render_plain("cli/notifications_retried.html.j2", lang=lang_of(args), count=count))
    return 0
