"""Searching the registry takes what people type literally: `%` and `_` are characters, not wildcards."""

from __future__ import annotations

import pytest

from core import use_cases as uc
from core.db import Database
from core.use_cases import OrderFilter
from tests.integration.world import NOW, SOON, World, make_world


async def order_for(world: World, counterparty: str) -> str:
    """The number of a new request, with one line, of a new customer named so."""
    customer = await uc.add_counterparty(world.db, name=counterparty)
    card = await uc.register_request(world.db, actor_id=world.manager, counterparty_id=customer, now=NOW)
    card = await uc.add_line(
        world.db, actor_id=world.manager, order_id=card.id, item_id=world.duct, quantity="1", required_by=SOON, now=NOW
    )
    return card.number


async def found(world: World, text: str) -> list[str]:
    page = await uc.list_orders(world.db, viewer_id=world.approver, filters=OrderFilter(text=text), limit=100)
    return sorted(row.number for row in page.rows)


@pytest.fixture
async def world(db: Database) -> World:
    return await make_world(db)


async def test_a_percent_sign_finds_only_the_customer_whose_name_holds_one(world: World) -> None:
    discount = await order_for(world, "Скидки 100% ООО")
    await order_for(world, "ООО «Ромашка-2»")
    await order_for(world, "ИП Иванов")
    assert await found(world, "%") == [discount]
    assert await found(world, "100%") == [discount]
    assert await found(world, "0%") == [discount]


async def test_an_underscore_is_a_character_not_any_character(world: World) -> None:
    warehouse = await order_for(world, "Склад 0_0")
    await order_for(world, "Склад 000")  # "0_0" as a wildcard would match "000" and every number ЗС-000…
    await order_for(world, "ООО «Ромашка»")
    assert await found(world, "0_0") == [warehouse]
    assert await found(world, "_") == [warehouse]
    assert await found(world, "Склад 0") == sorted([warehouse, *await found(world, "Склад 000")])


async def test_a_backslash_is_searched_as_itself(world: World) -> None:
    slashed = await order_for(world, "ООО \\Бэкслэш\\")
    await order_for(world, "ООО Бэкслэш")
    assert await found(world, "\\") == [slashed]
