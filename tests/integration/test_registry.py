"""The registry: filters, pages, counts and totals; and who sees what."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.money import Money
from core.stages import Stage
from core.use_cases import OrderFilter
from tests.integration.world import NOW, SOON, make_world, order_in, request_with_line


async def test_the_registry_pages_newest_first_with_count_and_totals(db: Database) -> None:
    world = await make_world(db)
    cards = []
    for days_ago in range(7):
        card = await uc.register_request(
            db, actor_id=world.manager, counterparty_id=world.customer, now=NOW - timedelta(days=days_ago)
        )
        cards.append(
            await uc.add_line(
                db,
                actor_id=world.manager,
                order_id=card.id,
                item_id=world.duct,
                quantity=str(days_ago + 1),
                required_by=SOON,
                now=NOW,
            )
        )
    first = await uc.list_orders(db, viewer_id=world.manager, limit=3)
    assert [row.number for row in first.rows] == ["ЗС-000001", "ЗС-000002", "ЗС-000003"]
    assert first.total_count == 7 and first.has_next and not first.has_previous
    assert first.totals == (Money(Decimal("4200.00"), "RUB"),)  # 150 ₽ × (1 + … + 7)
    last = await uc.list_orders(db, viewer_id=world.manager, offset=6, limit=3)
    assert [row.number for row in last.rows] == ["ЗС-000007"] and not last.has_next


async def test_filters_by_stage_counterparty_responsible_period_and_text(db: Database) -> None:
    world = await make_world(db)
    executing = await order_in(world, Stage.EXECUTION)
    mine = await request_with_line(world)
    theirs = await request_with_line(world, manager=world.other_manager)
    uralmash = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.other_customer, now=NOW)

    async def numbers(**filters: object) -> list[str]:
        page = await uc.list_orders(db, viewer_id=world.approver, filters=OrderFilter(**filters))  # type: ignore[arg-type]
        return sorted(row.number for row in page.rows)

    assert await numbers(stages=(Stage.EXECUTION,)) == [executing.number]
    assert await numbers(counterparty_id=world.other_customer) == [uralmash.number]
    assert await numbers(responsible_id=world.other_manager) == [theirs.number]
    assert await numbers(text="урал") == [uralmash.number]
    assert await numbers(text="УРАЛМАШ") == [uralmash.number]
    assert await numbers(text="6673000037") == [uralmash.number]
    assert await numbers(text=mine.number.lower()) == [mine.number]
    assert await numbers(text="100%_") == []
    assert await numbers(created_from=date(2026, 12, 1)) == []
    assert len(await numbers(created_from=date(2026, 11, 30), created_to=date(2026, 11, 30))) == 4


async def test_a_manager_sees_only_their_own_orders_whatever_the_filter(db: Database) -> None:
    world = await make_world(db)
    mine = await request_with_line(world)
    await request_with_line(world, manager=world.other_manager)
    page = await uc.list_orders(db, viewer_id=world.manager, filters=OrderFilter(responsible_id=world.other_manager))
    assert page.total_count == 0
    page = await uc.list_orders(db, viewer_id=world.manager)
    assert [row.number for row in page.rows] == [mine.number]
    head = await uc.list_orders(db, viewer_id=world.approver)
    assert head.total_count == 2


async def test_archived_orders_leave_the_working_registry_but_can_be_asked_for(db: Database) -> None:
    world = await make_world(db)
    archived = await order_in(world, Stage.ARCHIVED)
    assert (await uc.list_orders(db, viewer_id=world.manager)).total_count == 0
    page = await uc.list_orders(db, viewer_id=world.manager, filters=OrderFilter(stages=(Stage.ARCHIVED,)))
    assert [row.number for row in page.rows] == [archived.number]


async def test_a_card_is_found_by_number_as_people_type_it(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    found = await uc.get_order(db, viewer_id=world.manager, number=f"  {card.number.lower()} ")
    assert found.id == card.id
    with pytest.raises(DomainError) as refusal:
        await uc.get_order(db, viewer_id=world.manager, number="ЗС-999999")
    assert refusal.value.code is ErrorCode.ORDER_NOT_FOUND


@pytest.mark.parametrize(("offset", "limit"), [(-1, 10), (0, 0), (0, 101)])
async def test_a_bad_page_is_refused(db: Database, offset: int, limit: int) -> None:
    world = await make_world(db)
    with pytest.raises(DomainError) as refusal:
        await uc.list_orders(db, viewer_id=world.manager, offset=offset, limit=limit)
    assert refusal.value.code is ErrorCode.PAGE_INVALID


async def test_the_registry_totals_only_open_orders_and_counts_the_cancelled_apart(db: Database) -> None:
    world = await make_world(db)
    request = await request_with_line(world, quantity="2")
    executing = await order_in(world, Stage.EXECUTION)
    cancelled = await order_in(world, Stage.CANCELLED)
    archived = await order_in(world, Stage.ARCHIVED)
    page = await uc.list_orders(db, viewer_id=world.approver, filters=OrderFilter(stages=tuple(Stage)))
    assert page.total_count == 4
    assert page.totals == (Money(request.total.amount + executing.total.amount, "RUB"),)
    assert page.cancelled_count == 1 and page.cancelled_totals == (cancelled.total,)
    assert archived.total.amount > 0 and cancelled.total.amount > 0
    only_cancelled = await uc.list_orders(db, viewer_id=world.approver, filters=OrderFilter(stages=(Stage.CANCELLED,)))
    assert only_cancelled.totals == () and only_cancelled.cancelled_count == 1
