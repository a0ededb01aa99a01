"""`orderbot orders list|show`: the registry and one order's card and history, in the terminal."""

from __future__ import annotations

import argparse

from rich.table import Table

from cli.card import print_card, print_history
from cli.common import (
    Subparsers,
    UsageError,
    add_lang,
    add_viewer,
    console,
    data_command,
    lang_of,
    local_date,
    person,
    positive_int,
    telegram_id,
    viewer,
)
from cli.texts import heading, moment, money, stage_name
from core import use_cases as uc
from core.db import Database
from core.errors import ErrorCode, NotFound
from core.numbering import order_number
from core.parsing import parse_id
from core.search import fold
from core.settings import Settings
from core.stages import Stage
from templates import render_plain


def register(commands: Subparsers) -> None:
    orders = commands.add_parser("orders", help="the registry of sales orders and each order's card")
    verbs = orders.add_subparsers(dest="orders_command", metavar="COMMAND", required=True)

    listing = verbs.add_parser("list", help="a page of the registry with its count and totals")
    listing.add_argument(
        "--stage",
        action="append",
        choices=[stage.value for stage in Stage],
        default=[],
        metavar="STAGE",
        help="only these stages (repeatable): " + ", ".join(stage.value for stage in Stage),
    )
    listing.add_argument(
        "--mine-of",
        type=telegram_id,
        metavar="TELEGRAM_ID",
        help="the person's own orders, as they see them (their 'my orders')",
    )
    listing.add_argument("--responsible", type=telegram_id, metavar="TELEGRAM_ID", help="orders of this manager")
    listing.add_argument("--counterparty", metavar="TEXT_OR_ID", help="a counterparty's id, or part of its name")
    listing.add_argument("--from", dest="date_from", type=local_date, metavar="DATE", help="registered on or after")
    listing.add_argument("--to", dest="date_to", type=local_date, metavar="DATE", help="registered on or before")
    listing.add_argument("--text", default="", help="part of a number, a counterparty's name or INN")
    listing.add_argument("--page", type=positive_int, default=1, metavar="N")
    listing.add_argument("--page-size", type=positive_int, metavar="N", help="rows a page (default: settings)")
    add_viewer(listing)
    add_lang(listing)
    listing.set_defaults(command=data_command(list_orders))

    show = verbs.add_parser("show", help="an order's card and its history by stage")
    show.add_argument("number", metavar="NUMBER", help="the order's number, e.g. ЗС-000001")
    add_viewer(show)
    add_lang(show)
    show.set_defaults(command=data_command(show_order))


async def list_orders(args: argparse.Namespace, db: Database) -> int:
    lang = lang_of(args)
    seer = await viewer(db, args.viewer if args.viewer is not None else args.mine_of)
    responsible = args.responsible if args.responsible is not None else args.mine_of
    filters = uc.OrderFilter(
        stages=tuple(Stage(stage) for stage in args.stage),
        responsible_id=(await person(db, responsible)).id if responsible is not None else None,
        counterparty_id=await _counterparty_id(db, args.counterparty) if args.counterparty else None,
        created_from=args.date_from,
        created_to=args.date_to,
        text=args.text,
    )
    size = args.page_size or Settings().page_size
    page = await uc.list_orders(db, viewer_id=seer.id, filters=filters, offset=(args.page - 1) * size, limit=size)
    registered = [moment(row.created_at, lang, seer.time_zone) for row in page.rows]
    table = Table(title=f"{heading('orders', lang)}: {seer.full_name}")
    table.add_column(heading("number", lang), no_wrap=True)
    # A date is never cut short: the names give way instead.
    table.add_column(heading("registered", lang), no_wrap=True, min_width=max(map(len, registered), default=0))
    table.add_column(heading("stage", lang))
    table.add_column(heading("counterparty", lang))
    table.add_column(heading("responsible", lang))
    table.add_column(heading("total", lang), justify="right", no_wrap=True)
    for row, when in zip(page.rows, registered, strict=True):
        table.add_row(
            row.number,
            when,
            stage_name(row.stage, lang),
            row.counterparty_name,
            row.responsible_name,
            money(row.total, lang),
        )
    out = console()
    out.print(table)
    totals = "; ".join(money(total, lang) for total in page.totals) or "—"
    pages = max(1, -(-page.total_count // size))
    footer = "cli/registry_totals.html.j2"
    out.print(render_plain(footer, lang=lang, count=page.total_count, totals=totals, page=args.page, pages=pages))
    return 0


async def show_order(args: argparse.Namespace, db: Database) -> int:
    lang = lang_of(args)
    seer = await viewer(db, args.viewer)
    settings = Settings()
    number = order_number(args.number, prefix=settings.order_number_prefix, digits=settings.order_number_digits)
    card = await uc.get_order(db, viewer_id=seer.id, number=number or args.number)
    history = await uc.order_history(db, viewer_id=seer.id, order_id=card.id)
    out = console()
    print_card(out, card, lang=lang, tz=seer.time_zone)
    print_history(out, history, lang=lang, tz=seer.time_zone)
    return 0


async def _counterparty_id(db: Database, text: str) -> int:
    """The counterparty meant by an id, an INN or part of its name; several close matches are refused with names."""
    wanted = text.strip()
    if (counterparty_id := parse_id(wanted)) is not None and len(wanted) < 10:  # 10 digits and more: an INN
        return counterparty_id
    choices = await uc.find_counterparties(db, text=wanted, limit=5)
    folded = fold(wanted)
    exact = [c for c in choices if fold(c.name) == folded or c.tax_id == wanted]
    containing = [c for c in choices if folded in fold(c.name)]
    for group in (exact, containing, choices):
        if len(group) == 1:
            return group[0].id
        if group:
            names = "; ".join(f"{c.id} {c.name}" for c in group)
            raise UsageError(f"several counterparties match {wanted!r}: {names}; give the id")
    raise NotFound(ErrorCode.COUNTERPARTY_NOT_FOUND, value=wanted[:50])
