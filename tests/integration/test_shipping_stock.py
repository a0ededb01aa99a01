"""What a shipment takes out of the warehouses: every line of it, never a unit that is not there."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.models import Decision, OrderLine, Shipment, StockBalance
from core.stages import Stage
from core.views import OrderCard
from tests.integration.world import NOW, SOON, World, make_world, order_in, request_with_line

LATER = NOW + timedelta(days=3)


async def two_lines_of_one_item(world: World, first: str, second: str) -> OrderCard:
    """An order in execution with two lines of the same fan (nothing in stock to hold when it entered execution)."""
    db, manager = world.db, world.manager
    card = await request_with_line(world, quantity=first)
    card = await uc.add_line(
        db,
        actor_id=manager,
        order_id=card.id,
        item_id=world.fan,
        quantity=second,
        required_by=SOON,
        options={"Исполнение": "IP54"},
        now=NOW,
    )
    card = await uc.set_contract_and_terms(
        db, actor_id=manager, order_id=card.id, contract_id=world.contract, payment_terms_id=world.terms, now=NOW
    )
    await uc.submit_for_approval(db, actor_id=manager, order_id=card.id, now=NOW)
    card = await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert card.stage is Stage.EXECUTION and len(card.lines) == 2
    return card


async def free_stock(world: World, **on_hand: str) -> None:
    """Fans put on the warehouses after the orders entered execution: free stock, held by no order."""
    async with world.db.unit_of_work() as session:
        for warehouse, quantity in on_hand.items():
            session.add(StockBalance(item_id=world.fan, warehouse=warehouse, on_hand=Decimal(quantity), reserved=0))


async def on_hand(db: Database) -> dict[str, tuple[Decimal, Decimal]]:
    async with db.reading() as session:
        rows = await session.scalars(select(StockBalance).order_by(StockBalance.warehouse))
        return {b.warehouse: (b.on_hand, b.reserved) for b in rows}


async def shipped(db: Database) -> tuple[int, Decimal]:
    """How many shipments there are, and how much of every line they shipped in all."""
    async with db.reading() as session:
        shipments = await session.scalar(select(func.count(Shipment.id)))
        quantity = await session.scalar(select(func.sum(OrderLine.shipped_quantity)))
    return shipments or 0, Decimal(quantity or 0)


async def test_two_lines_of_one_item_shipped_from_free_stock_take_both_off_the_warehouse(db: Database) -> None:
    world = await make_world(db)
    card = await two_lines_of_one_item(world, "4", "3")
    await free_stock(world, Основной="10")
    quantities = {card.lines[0].id: "4", card.lines[1].id: "3"}
    done = await uc.ship(db, actor_id=world.manager, order_id=card.id, quantities=quantities, now=LATER)
    assert done.fully
    assert await on_hand(db) == {"Основной": (Decimal(3), Decimal(0))}


async def test_lines_drawing_free_stock_from_two_warehouses_take_exactly_what_they_ship(db: Database) -> None:
    world = await make_world(db)
    card = await two_lines_of_one_item(world, "4", "3")
    await free_stock(world, Основной="3", Запасной="5")  # «Запасной» comes first by name
    quantities = {card.lines[0].id: "4", card.lines[1].id: "3"}
    await uc.ship(db, actor_id=world.manager, order_id=card.id, quantities=quantities, now=LATER)
    assert await on_hand(db) == {"Запасной": (Decimal(0), Decimal(0)), "Основной": (Decimal(1), Decimal(0))}


async def test_two_lines_wanting_more_free_stock_than_there_is_are_refused_with_the_numbers(db: Database) -> None:
    world = await make_world(db)
    card = await two_lines_of_one_item(world, "4", "3")
    await free_stock(world, Основной="5")
    quantities = {card.lines[0].id: "4", card.lines[1].id: "3"}
    with pytest.raises(DomainError) as refusal:
        await uc.ship(db, actor_id=world.manager, order_id=card.id, quantities=quantities, now=LATER)
    assert refusal.value.code is ErrorCode.SHIPPED_OVER_AVAILABLE
    # The first line takes four of the five free fans: one is left for the second.
    assert refusal.value.params == {
        "number": card.number,
        "line": 2,
        "item": "ВК-12",
        "value": "3.000",
        "produced": "0.000",
        "stock": "1.000",
        "available": "1.000",
    }
    assert await on_hand(db) == {"Основной": (Decimal(5), Decimal(0))}
    assert await shipped(db) == (0, Decimal(0))
    quantities = {card.lines[0].id: "4", card.lines[1].id: "1"}
    await uc.ship(db, actor_id=world.manager, order_id=card.id, quantities=quantities, now=LATER)
    assert await on_hand(db) == {"Основной": (Decimal(0), Decimal(0))}


async def test_two_orders_shipping_the_last_free_units_at_once_ship_one_and_refuse_the_other(db: Database) -> None:
    world = await make_world(db)
    first = await order_in(world, Stage.EXECUTION)  # ten fans each, nothing held: no stock yet
    second = await order_in(world, Stage.EXECUTION)
    await free_stock(world, Основной="5")
    results = await asyncio.gather(
        *(
            uc.ship(db, actor_id=world.manager, order_id=card.id, quantities={card.lines[0].id: "5"}, now=LATER)
            for card in (first, second)
        ),
        return_exceptions=True,
    )
    unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, DomainError)]
    assert not unexpected, unexpected
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert len(refusals) == 1 and refusals[0].code is ErrorCode.SHIPPED_OVER_AVAILABLE
    assert refusals[0].params["stock"] == "0.000" and refusals[0].params["available"] == "0.000"
    assert await on_hand(db) == {"Основной": (Decimal(0), Decimal(0))}
    assert await shipped(db) == (1, Decimal(5))
