"""Demand analysis at scale: the demand report over 100,000 orders (200,000 lines) of a year, as a head of sales
asks for it, on SQLite and (with ORDERBOT_TEST_DATABASE_URL) PostgreSQL. The aim: under a second on PostgreSQL."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, text

from bench.mps_bench import PG_URL, database
from bench.registry import Figure, benchmark
from core import use_cases as uc
from core.db import Database
from core.migrate import upgrade
from core.models import Activity, Counterparty, Item, Order, OrderLine
from core.roles import Role
from core.stages import Stage
from core.use_cases.demand import demand_report

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
MOSCOW = ZoneInfo("Europe/Moscow")
ORDERS, LINES_EACH, CUSTOMERS, ITEMS, MANAGERS = 100_000, 2, 2_000, 500, 200
BATCH = 10_000
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
# Every 20 orders: what became of them, in the proportions of a sales department's year.
FATES = ["request"] * 7 + ["approval"] * 2 + ["execution"] * 4 + ["shipped", "closed"] + ["cancelled"] * 4 + ["moved"]
REASONS = ("price", "lead_time", "competitor", "no_stock", "postponed", "other")


async def company(db: Database) -> int:
    """Managers, customers, items and ORDERS orders of 2026 with LINES_EACH lines each; the head's id."""
    await upgrade(db)
    head = (await uc.add_person(db, full_name="Руководитель", roles=[Role.HEAD], telegram_id=3000, now=NOW)).id
    async with db.unit_of_work() as session:
        await session.execute(
            insert(Counterparty), [{"name": f"Клиент {n}", "search_key": f"клиент {n}"} for n in range(CUSTOMERS)]
        )
        await session.execute(
            insert(Item),
            [{"code": f"И-{n}", "name": f"Изделие {n}", "search_key": f"изделие {n}"} for n in range(ITEMS)],
        )
        customers = list(await session.scalars(select(Counterparty.id).order_by(Counterparty.id)))
        items = list(await session.scalars(select(Item.id).order_by(Item.id)))
    managers = [
        (await uc.add_person(db, full_name=f"Менеджер {n}", roles=[Role.MANAGER], telegram_id=4000 + n, now=NOW)).id
        for n in range(MANAGERS)
    ]
    for first in range(0, ORDERS, BATCH):
        await _orders(db, range(first, min(first + BATCH, ORDERS)), customers, items, managers)
    return head


async def _orders(db: Database, numbers: range, customers: list[int], items: list[int], managers: list[int]) -> None:
    seconds = int((datetime(2027, 1, 1, tzinfo=UTC) - datetime(2026, 1, 1, tzinfo=UTC)).total_seconds())
    new_year = datetime(2026, 1, 1, tzinfo=MOSCOW).astimezone(UTC)  # the head's calendar
    rows: list[dict[str, Any]] = []
    for n in numbers:
        fate = FATES[n % len(FATES)]
        created = new_year + timedelta(seconds=(n * 7919) % seconds)
        cancelled = fate in ("cancelled", "moved")
        rows.append(
            {
                "number": f"ЗС-{n:07d}",
                "stage": Stage.CANCELLED.value if cancelled else fate,
                "counterparty_id": customers[(n * 31) % len(customers)],
                "responsible_id": managers[n % len(managers)],
                "author_id": managers[n % len(managers)],
                "created_at": created,
                "updated_at": created,
                "stage_changed_at": created,
                "total_amount": Decimal("3000.00") * (1 + n % 5),
                "cancel_reason": "—" if cancelled else None,
                "cancel_reason_code": REASONS[n % len(REASONS)] if cancelled else None,
                "reached_execution": fate in ("execution", "shipped", "closed", "moved"),
            }
        )
    async with db.unit_of_work() as session:
        await session.execute(insert(Order), rows)
        ids = dict(
            (await session.execute(select(Order.number, Order.id).where(Order.number.in_([r["number"] for r in rows]))))
            .tuples()
            .all()
        )
        lines = [
            {
                "order_id": ids[row["number"]],
                "order_number": row["number"],
                "position": p,
                "item_id": items[(n * 13 + p * 101) % len(items)],
                "quantity": Decimal(1 + n % 5),
                "required_by": date(2026, 12, 31),
                "price": Decimal("1500.00"),
                "amount": Decimal("1500.00") * (1 + n % 5),
                "planned_cost": Decimal("1000.00"),
            }
            for n, row in zip(numbers, rows, strict=True)
            for p in range(1, LINES_EACH + 1)
        ]
        await session.execute(insert(OrderLine), lines)
        moved = [  # cancelled from execution: its journal says so
            {"order_id": ids[row["number"]], "at": row["created_at"], "stage": Stage.EXECUTION.value,
             "kind": "cancelled", "version": 2, "details": {}}
            for n, row in zip(numbers, rows, strict=True)
            if FATES[n % len(FATES)] == "moved"
        ]  # fmt: skip
        await session.execute(insert(Activity), moved)


async def demand_figures(kind: str) -> list[Figure]:
    async with database(kind) as db:
        head = await company(db)
        if not db.is_sqlite:
            async with db.unit_of_work() as session:
                await session.execute(text("ANALYZE"))
        best = float("inf")
        report = None
        for _ in range(3):  # the best of three: the first one warms the caches
            started = time.perf_counter()
            report = await demand_report(db, viewer_id=head, start=YEAR[0], end=YEAR[1], now=NOW)
            best = min(best, time.perf_counter() - started)
        assert report is not None and report.total.requests == ORDERS, report and report.total
        assert report.total.reached == ORDERS * 7 // 20 and len(report.managers) == MANAGERS
        return [Figure(f"demand report: 100,000 orders ({kind.lower()})", best * 1000, "ms")]


@benchmark
async def demand() -> list[Figure]:
    figures = await demand_figures("SQLite")
    if PG_URL:
        figures.extend(await demand_figures("PostgreSQL"))
    return figures


__all__ = ["demand"]
