"""Production planning at scale: replenishing the MPS from 10,000 order lines, against one hand-written
INSERT … SELECT doing the same in the same run, on SQLite and (with ORDERBOT_TEST_DATABASE_URL) PostgreSQL;
and the planners' digest, 50 of them over 100,000 MPS entries."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.engine import make_url

from bench.registry import Figure, benchmark
from bot.notices.render import ComposedDigests
from bot.recipient import Recipient
from core import use_cases as uc
from core.db import Database
from core.migrate import upgrade
from core.models import Activity, MpsEntry, Order, OrderLine, OutboxEvent, ProductionRecord
from core.models.base import UTCDateTime
from core.roles import Role
from core.stages import Stage
from core.use_cases.mps_digest_due import announce_mps_digests

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
ORDERS, LINES_EACH = 1000, 10  # 10,000 lines in execution
PLANNERS, ENTRIES = 50, 100_000
PG_URL = os.environ.get("ORDERBOT_TEST_DATABASE_URL", "")


@asynccontextmanager
async def database(kind: str) -> AsyncIterator[Database]:
    if kind == "SQLite":
        with tempfile.TemporaryDirectory() as folder:
            db = Database(f"sqlite+aiosqlite:///{Path(folder) / 'mps.sqlite3'}")
            yield db
            await db.dispose()
        return
    server = make_url(PG_URL)
    name = f"orderbot_bench_mps_{uuid.uuid4().hex[:8]}"
    admin_dsn = server.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    db = Database(server.set(database=name).render_as_string(hide_password=False))
    try:
        yield db
    finally:
        await db.dispose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def company(db: Database) -> list[int]:
    """Planners, a manager, a customer, ten items, ORDERS orders in execution of LINES_EACH lines: planners' ids."""
    await upgrade(db)
    planners = [
        (await uc.add_person(db, full_name=f"Планировщик {n}", roles=[Role.PLANNER], telegram_id=5000 + n, now=NOW)).id
        for n in range(PLANNERS)
    ]
    manager = (await uc.add_person(db, full_name="Менеджер", roles=[Role.MANAGER], telegram_id=4000, now=NOW)).id
    customer = await uc.add_counterparty(db, name="ООО «Ромашка»")
    items = [await uc.add_item(db, code=f"ВК-{n}", name=f"Вентилятор {n}", standard_cost="1000") for n in range(10)]
    async with db.unit_of_work() as session:
        orders = [
            {
                "number": f"ЗС-{n:06d}",
                "stage": Stage.EXECUTION.value,
                "counterparty_id": customer,
                "responsible_id": manager,
                "author_id": manager,
                "created_at": NOW,
                "updated_at": NOW,
                "stage_changed_at": NOW,
                "total_amount": Decimal("15000.00"),
            }
            for n in range(1, ORDERS + 1)
        ]
        await session.execute(insert(Order), orders)
        ids = list(await session.scalars(select(Order.id).order_by(Order.id)))
        lines = [
            {
                "order_id": order_id,
                "order_number": f"ЗС-{n:06d}",
                "position": p,
                "item_id": items[p % 10],
                "quantity": Decimal(p + 1),
                "required_by": date(2026, 12, 1) + timedelta(days=(n * 7 + p) % 60),
                "price": Decimal("1500.00"),
                "amount": Decimal("1500.00"),
                "planned_cost": Decimal("1000.00"),
            }
            for n, order_id in enumerate(ids, start=1)
            for p in range(1, LINES_EACH + 1)
        ]
        await session.execute(insert(OrderLine), lines)
    return planners


async def hand_written(db: Database, actor_id: int) -> None:
    """What replenishing must at least do: one INSERT … SELECT of the missing quantity of each line in execution."""
    planned = (
        select(MpsEntry.line_id, func.sum(MpsEntry.planned_quantity).label("planned"))
        .group_by(MpsEntry.line_id)
        .subquery()
    )
    missing = OrderLine.quantity - func.coalesce(planned.c.planned, 0)
    rows = (
        select(
            OrderLine.id,
            missing,
            OrderLine.required_by,
            literal(0),
            literal(0),
            literal("planned"),
            literal(NOW, UTCDateTime()),
            literal(actor_id),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .outerjoin(planned, planned.c.line_id == OrderLine.id)
        .where(Order.stage == Stage.EXECUTION.value, missing > 0)
    )
    columns = ["line_id", "planned_quantity", "planned_date", "produced_quantity", "actual_cost", "state",
               "created_at", "created_by_id"]  # fmt: skip
    async with db.unit_of_work() as session:
        await session.execute(insert(MpsEntry).from_select(columns, rows))


async def forget_the_plan(db: Database) -> None:
    async with db.unit_of_work() as session:
        await session.execute(delete(MpsEntry))
        await session.execute(delete(Activity))
        await session.execute(delete(OutboxEvent))
        await session.execute(update(OrderLine).values(production_state="not_planned"))


async def timed(work: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await work()
    return time.perf_counter() - started


async def replenish_figures(kind: str) -> list[Figure]:
    async with database(kind) as db:
        planners = await company(db)
        actor = planners[0]
        reference = ours = float("inf")
        for _ in range(2):  # the best of two each, alternated, so a cold cache favours neither
            reference = min(reference, await timed(lambda: hand_written(db, actor)))
            await forget_the_plan(db)
            ours = min(ours, await timed(lambda: uc.replenish_mps(db, actor_id=actor, now=NOW)))
            async with db.reading() as session:
                assert await session.scalar(select(func.count(MpsEntry.id))) == ORDERS * LINES_EACH
            await forget_the_plan(db)
        name = f"mps replenish: 10,000 order lines ({kind})"
        figures = [Figure(name, ours * 1000, "ms", reference=reference * 1000,
                          reference_name="one hand-written INSERT … SELECT")]  # fmt: skip
        figures.extend(await digest_figures(db, kind, planners))
        return figures


async def digest_figures(db: Database, kind: str, planners: list[int]) -> list[Figure]:
    """Fill the plan to ENTRIES entries with some progress this week, then give every planner their digest."""
    await uc.replenish_mps(db, actor_id=planners[0], now=NOW - timedelta(days=1))
    async with db.unit_of_work() as session:
        lines = list(await session.scalars(select(OrderLine.id).order_by(OrderLine.id)))
        more = [
            {
                "line_id": line,
                "planned_quantity": Decimal(1),
                "planned_date": date(2026, 10, 5) + timedelta(days=n % 70),
                "produced_quantity": Decimal(0),
                "actual_cost": Decimal(0),
                "state": "planned",
                "created_at": NOW,
                "created_by_id": planners[0],
            }
            for n in range(ENTRIES - len(lines))
            for line in (lines[n % len(lines)],)
        ]
        await session.execute(insert(MpsEntry), more)
        entries = list(await session.scalars(select(MpsEntry.id).order_by(MpsEntry.id).limit(20_000)))
        await session.execute(
            insert(ProductionRecord),
            [
                {
                    "entry_id": e,
                    "produced": Decimal(1),
                    "cost": Decimal(0),
                    "on_date": date(2026, 11, 23) + timedelta(days=e % 8),
                    "at": NOW,
                    "actor_id": planners[0],
                }
                for e in entries
            ],
        )
    digests: list[uc.MpsDigest] = []
    readers = [Recipient(person) for person in await uc.list_people(db) if person.id in set(planners)]
    composer = ComposedDigests()

    async def all_digests() -> None:
        """As the dispatcher tells them at 08:00: each planner's digest composed, with its chart."""
        await announce_mps_digests(db, now=NOW)
        for reader in readers:
            digest, _chart = await composer.composed(db, reader, now=NOW)
            digests.append(digest)

    seconds = await timed(all_digests)
    assert len(digests) == PLANNERS and sum(w.planned for w in digests[0].by_week) > 0
    return [Figure(f"mps digest: {PLANNERS} planners over 100,000 entries ({kind})", seconds * 1000, "ms")]


@benchmark
async def mps_replenish() -> list[Figure]:
    figures = await replenish_figures("SQLite")
    if PG_URL:
        figures.extend(await replenish_figures("PostgreSQL"))
    return figures


__all__ = ["mps_replenish"]
