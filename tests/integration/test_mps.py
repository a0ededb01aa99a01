"""The MPS: replenished from the orders in execution, progress recorded by hand and by file, lines at risk told once."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.events import EventKind
from core.models import Activity, MpsEntry, OrderLine, OutboxEvent
from core.progress_csv import parse_progress_csv
from core.roles import Role
from core.stages import Stage
from tests.integration.world import NOW, SOON, World, make_world, order_in


async def entries(db: Database) -> list[MpsEntry]:
    async with db.reading() as session:
        return list(await session.scalars(select(MpsEntry).order_by(MpsEntry.id)))


async def facts(db: Database, kind: str) -> list[OutboxEvent]:
    async with db.reading() as session:
        return list(await session.scalars(select(OutboxEvent).where(OutboxEvent.kind == kind).order_by(OutboxEvent.id)))


async def planned_world(db: Database) -> tuple[World, int]:
    world = await make_world(db)
    card = await order_in(world, Stage.EXECUTION)
    await uc.replenish_mps(db, actor_id=world.planner, now=NOW)
    return world, card.id


async def test_replenishing_twice_plans_each_line_once(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.EXECUTION)
    await order_in(world, Stage.APPROVAL)  # not in execution: not planned
    preview = await uc.preview_replenishment(db, actor_id=world.planner, now=NOW)
    assert (preview.lines, preview.quantity, preview.orders, preview.done) == (1, Decimal(10), 1, False)
    assert await entries(db) == []
    first = await uc.replenish_mps(db, actor_id=world.planner, now=NOW)
    second = await uc.replenish_mps(db, actor_id=world.planner, now=NOW)
    assert (first.lines, first.quantity, [o.number for o in first.by_order]) == (1, Decimal(10), [card.number])
    assert second.nothing
    [entry] = await entries(db)
    assert (entry.planned_quantity, entry.planned_date, entry.state) == (Decimal(10), SOON, "planned")
    order = await uc.get_order(db, viewer_id=world.manager, order_id=card.id)
    assert order.lines[0].production_state == "planned"
    assert len(await facts(db, EventKind.MPS_PLANNED.value)) == 1
    history = await uc.order_history(db, viewer_id=world.manager, order_id=card.id)
    assert [e.kind for g in history for e in g.entries].count("mps_planned") == 1


async def test_a_line_that_grew_adds_only_its_difference_planned_by_the_lead_time(db: Database) -> None:
    world, order_id = await planned_world(db)
    async with db.unit_of_work() as session:
        await session.execute(update(OrderLine).where(OrderLine.order_id == order_id).values(quantity=Decimal(14)))
        item = await session.get(__import__("core.models", fromlist=["Item"]).Item, world.fan)
        assert item is not None
        item.lead_time_days = 5
    again = await uc.replenish_mps(db, actor_id=world.planner, now=NOW)
    assert (again.lines, again.quantity) == (1, Decimal(4))
    assert [(e.planned_quantity, e.planned_date) for e in await entries(db)] == [
        (Decimal(10), SOON),
        (Decimal(4), SOON - timedelta(days=5)),
    ]


async def test_a_planned_date_is_never_before_today(db: Database) -> None:
    world = await make_world(db)
    await order_in(world, Stage.EXECUTION)
    later = NOW + timedelta(days=40)  # past the required-by date
    await uc.replenish_mps(db, actor_id=world.planner, now=later)
    assert [e.planned_date for e in await entries(db)] == [later.date()]


async def test_only_planners_replenish(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(DomainError) as refused:
        await uc.replenish_mps(db, actor_id=world.manager, now=NOW)
    assert refused.value.code is ErrorCode.PLANNER_ONLY


async def test_two_planners_replenishing_at_once_plan_each_line_once(db: Database) -> None:
    world = await make_world(db)
    for _ in range(3):
        await order_in(world, Stage.EXECUTION)
    other = (
        await uc.add_person(db, full_name="Второй планировщик", roles=[Role.PLANNER], telegram_id=7003, now=NOW)
    ).id
    results = await asyncio.gather(
        *(uc.replenish_mps(db, actor_id=p, now=NOW) for p in [world.planner, other] * 4), return_exceptions=True
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(r.lines for r in results if not isinstance(r, BaseException)) == 3
    async with db.reading() as session:
        per_line = list(await session.execute(select(MpsEntry.line_id, func.count()).group_by(MpsEntry.line_id)))
    assert [count for _line, count in per_line] == [1, 1, 1]


async def test_progress_moves_the_line_from_planned_to_made_and_tells_who_must_know(db: Database) -> None:
    world, order_id = await planned_world(db)
    half = await uc.record_progress(
        db, actor_id=world.planner, order_id=order_id, line_no=1, produced="4", actual_cost="7000", now=NOW
    )
    assert (half.state, half.produced, half.actual_cost, half.line_done) == ("in_progress", 4, Decimal(7000), False)
    done = await uc.record_progress(
        db, actor_id=world.planner, number=half.number.lower(), line_no=1, produced=6, actual_cost="0,50", now=NOW
    )
    assert (done.state, done.produced, done.actual_cost) == ("done", Decimal(10), Decimal("7000.50"))
    assert done.line_done and done.order_done
    assert len(await facts(db, EventKind.LINE_PRODUCED.value)) == 1
    assert len(await facts(db, EventKind.ORDER_PRODUCED.value)) == 1
    progress = await uc.production_progress(db, viewer_id=world.manager, order_id=order_id, now=NOW)
    assert (progress.state, progress.made, progress.actual_cost) == ("done", 1, Decimal("7000.50"))
    assert progress.rows[0].percent == 100 and progress.rows[0].expected_finish == SOON
    async with db.reading() as session:
        kinds = list(await session.scalars(select(Activity.kind).where(Activity.order_id == order_id)))
    assert kinds.count("production_recorded") == 2


@pytest.mark.parametrize(
    ("produced", "cost", "code"),
    [
        ("-1", "0", ErrorCode.PRODUCED_NEGATIVE),
        ("11", "0", ErrorCode.PRODUCED_OVER_PLANNED),
        ("1.5", "0", ErrorCode.QUANTITY_NOT_WHOLE),
        ("0", "0", ErrorCode.PROGRESS_EMPTY),
        ("1", "1.001", ErrorCode.COST_INVALID),
        ("два", "0", ErrorCode.QUANTITY_NOT_A_NUMBER),
    ],
)
async def test_bad_progress_is_refused_with_a_reason(db: Database, produced: str, cost: str, code: ErrorCode) -> None:
    world, order_id = await planned_world(db)
    with pytest.raises(DomainError) as refused:
        await uc.record_progress(
            db, actor_id=world.planner, order_id=order_id, line_no=1, produced=produced, actual_cost=cost, now=NOW
        )
    assert refused.value.code is code


async def test_progress_on_a_line_not_planned_or_not_there_is_refused(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.EXECUTION)
    with pytest.raises(DomainError) as refused:
        await uc.record_progress(db, actor_id=world.planner, order_id=card.id, line_no=1, produced=1, now=NOW)
    assert refused.value.code is ErrorCode.LINE_NOT_PLANNED
    with pytest.raises(DomainError) as missing:
        await uc.record_progress(db, actor_id=world.planner, order_id=card.id, line_no=9, produced=1, now=NOW)
    assert missing.value.code is ErrorCode.LINE_NOT_FOUND


async def test_a_file_with_bad_rows_imports_nothing_and_names_every_bad_row(db: Database) -> None:
    world, order_id = await planned_world(db)
    number = (await uc.get_order(db, viewer_id=world.planner, order_id=order_id)).number
    content = f"order;line;produced;cost\n{number};1;3;100\n{number};7;1;0\n;1;1;0\n{number};1;8;0\n{number};x;1;0\n"
    parsed = parse_progress_csv(content)
    assert [(e.row, e.code) for e in parsed.errors] == [
        (4, ErrorCode.CSV_ORDER_MISSING),
        (6, ErrorCode.CSV_LINE_INVALID),
    ]
    with pytest.raises(uc.ProgressImportRefused) as refused:
        await uc.import_progress(db, actor_id=world.planner, rows=parsed.rows, bad_rows=parsed.errors, now=NOW)
    assert [(e.row, e.code) for e in refused.value.errors] == [
        (3, ErrorCode.LINE_NOT_FOUND),
        (4, ErrorCode.CSV_ORDER_MISSING),
        (5, ErrorCode.PRODUCED_OVER_PLANNED),  # 3 of the 10 already taken by row 2
        (6, ErrorCode.CSV_LINE_INVALID),
    ]
    assert [e.produced_quantity for e in await entries(db)] == [Decimal(0)]
    good = parse_progress_csv(f'order,line,produced,cost\n{number},1,3,100\n{number},1,7,"50,5"\n')
    imported = await uc.import_progress(db, actor_id=world.planner, rows=good.rows, now=NOW)
    assert (imported.rows, imported.lines_done, imported.orders_done) == (2, 1, (number,))


async def test_a_line_at_risk_is_told_once_per_change_of_risk(db: Database) -> None:
    world, order_id = await planned_world(db)
    calm = await uc.announce_production_risks(db, now=NOW)  # 15 days ahead, planned in time
    assert (calm.at_risk, calm.overdue) == (0, 0)
    near = NOW.replace(day=1, month=12) + timedelta(days=13)  # 14 Dec: due tomorrow, nothing made
    assert (await uc.announce_production_risks(db, now=near)).at_risk == 1
    assert (await uc.announce_production_risks(db, now=near)).at_risk == 0  # the same risk: told once
    late = near + timedelta(days=2)
    assert (await uc.announce_production_risks(db, now=late)).overdue == 1
    told = await facts(db, EventKind.LINE_AT_RISK.value)
    assert [(f.payload["risk"], f.payload["previous"]) for f in told] == [("at_risk", "none"), ("overdue", "at_risk")]
    digest = await uc.mps_digest_data(db, planner_id=world.planner, now=late)
    assert digest.overdue_count == 1 and digest.overdue[0].required_by == SOON
    await uc.record_progress(db, actor_id=world.planner, order_id=order_id, line_no=1, produced=10, now=late)
    assert (await uc.announce_production_risks(db, now=late)).overdue == 0


async def test_the_plan_filters_by_week_item_and_lateness_and_pages(db: Database) -> None:
    world = await make_world(db)
    for _ in range(3):
        await order_in(world, Stage.EXECUTION)
    await uc.replenish_mps(db, actor_id=world.planner, now=NOW)
    page = await uc.mps_plan(db, actor_id=world.planner, now=NOW, limit=2)
    assert (page.total_count, len(page.rows), page.has_next) == (3, 2, True)
    assert page.rows[0].number == "ЗС-000001" and not page.rows[0].late
    assert (await uc.mps_plan(db, actor_id=world.planner, now=NOW, week=SOON)).total_count == 3
    assert (await uc.mps_plan(db, actor_id=world.planner, now=NOW, week=date(2026, 12, 1))).total_count == 0
    assert (await uc.mps_plan(db, actor_id=world.planner, now=NOW, item="ВЗ-100")).total_count == 0
    later = NOW + timedelta(days=20)
    assert (await uc.mps_plan(db, actor_id=world.planner, now=later, late_only=True)).total_count == 3
    assert (await uc.mps_plan(db, actor_id=world.planner, now=NOW, late_only=True)).total_count == 0


async def test_the_digest_counts_new_entries_and_what_was_made_by_week(db: Database) -> None:
    world, order_id = await planned_world(db)
    await uc.record_progress(db, actor_id=world.planner, order_id=order_id, line_no=1, produced=4, now=NOW)
    digest = await uc.mps_digest_data(db, planner_id=world.planner, now=NOW + timedelta(hours=1))
    assert (digest.new_entries, digest.new_quantity) == (1, Decimal(10))
    assert (digest.produced_this_week, digest.lines_made_this_week) == (Decimal(4), 1)
    assert digest.by_week[-1].produced == Decimal(4)
    assert sum(w.planned for w in digest.by_week) == Decimal(0)  # planned for 15 Dec: after this week
