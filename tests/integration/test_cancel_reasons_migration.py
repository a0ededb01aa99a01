"""Migration 0010 on a database with orders: the six reasons appear, a reason typed before them becomes "other",
and the orders that were ever in execution are marked so."""

from __future__ import annotations

from sqlalchemy import select

from core import use_cases as uc
from core.db import Database
from core.migrate import downgrade, upgrade
from core.models import CancelReason, Order
from core.stages import Stage
from core.use_cases.cancel_reasons import restore_default_reasons
from tests.integration.world import NOW, make_world, order_in


async def test_a_reason_typed_before_the_catalogue_becomes_other_and_keeps_its_words(db: Database) -> None:
    world = await make_world(db)
    await restore_default_reasons(db)  # PostgreSQL's test database is emptied, catalogue and all
    typed = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.customer, now=NOW)
    await uc.cancel(db, actor_id=world.manager, order_id=typed.id, reason="Заказчик закрыл объект", now=NOW)
    open_one = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.customer, now=NOW)
    executing = await order_in(world, Stage.EXECUTION)
    left = await order_in(world, Stage.EXECUTION)
    await uc.cancel(db, actor_id=world.approver, order_id=left.id, reason_code="price", now=NOW)
    await downgrade(db, "0009")
    await upgrade(db)
    async with db.reading() as session:
        orders = {o.id: o for o in await session.scalars(select(Order))}
        codes = list(await session.scalars(select(CancelReason.code).order_by(CancelReason.position)))
    assert orders[typed.id].cancel_reason_code == "other"
    assert orders[typed.id].cancel_reason == "Заказчик закрыл объект"
    assert orders[open_one.id].cancel_reason_code is None and orders[open_one.id].cancel_reason is None
    assert codes == ["price", "lead_time", "competitor", "no_stock", "postponed", "other"]
    assert orders[executing.id].reached_execution and orders[left.id].reached_execution
    assert orders[left.id].cancel_reason_code == "other"  # the catalogue came after it: its words are kept
    assert not orders[typed.id].reached_execution and not orders[open_one.id].reached_execution
