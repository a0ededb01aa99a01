"""`orderbot demo-data`: the demo company and its orders, into an empty database."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from cli.common import Subparsers, add_lang, console, data_command, lang_of
from cli.people import people_table
from cli.texts import stage_name
from core import use_cases as uc
from core.db import Database
from core.demo_data import load_demo_data
from core.migrate import downgrade, upgrade
from core.models import Order
from core.settings import Settings
from core.stages import Stage


def register(commands: Subparsers) -> None:
    demo = commands.add_parser("demo-data", help="load the demo company, its staff and orders in every stage")
    demo.add_argument("--reset", action="store_true", help="drop every table and recreate the schema first")
    add_lang(demo)
    demo.set_defaults(command=data_command(load))


async def load(args: argparse.Namespace, db: Database) -> int:
    out, lang = console(), lang_of(args)
    if args.reset:
        await downgrade(db, "base")
        await upgrade(db)
    else:
        async with db.reading() as session:
            orders = int(await session.scalar(select(func.count(Order.id))) or 0)
        if orders:
            Console(stderr=True).print(
                f"The database already has {orders} orders, and the demo goes only into an empty one.\n"
                "Run `orderbot demo-data --reset` to drop everything and load the demo afresh."
            )
            return 1
    settings = Settings()
    started = time.perf_counter()
    summary = await load_demo_data(
        db,
        now=datetime.now(UTC),
        number_prefix=settings.order_number_prefix,
        number_digits=settings.order_number_digits,
    )
    table = Table(title=f"Demo loaded in {time.perf_counter() - started:.1f} s", show_header=False)
    for name, count in (
        ("People", summary.people),
        ("Counterparties", summary.counterparties),
        ("Items", summary.items),
        ("Contracts", summary.contracts),
        ("Payment terms", summary.payment_terms),
        ("Orders", summary.orders),
        ("Journal entries", summary.activities),
    ):
        table.add_row(name, str(count))
    for stage in Stage:
        table.add_row(f"  {stage_name(stage, lang)}", str(summary.by_stage.get(stage, 0)))
    out.print(table)
    out.print(people_table(await uc.list_people(db), lang=lang, title="Staff (log in to the sandbox as them)"))
    return 0
