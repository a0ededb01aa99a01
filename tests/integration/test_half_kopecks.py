"""Amounts that land on half a kopeck are rounded half up, as an invoice is, on every database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core import use_cases as uc
from core.db import Database
from tests.integration.world import NOW, SOON, make_world


async def test_half_a_kopeck_rounds_up_in_the_line_and_in_the_total(db: Database) -> None:
    world = await make_world(db)
    cable = await uc.add_item(db, code="КБ-1", name="Кабель", unit="м", whole_units=False, standard_cost="5")
    await uc.set_price(db, item_id=cable, price="10.05", valid_from=date(2026, 1, 1))
    card = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.customer, now=NOW)
    card = await uc.add_line(
        db, actor_id=world.manager, order_id=card.id, item_id=cable, quantity="0.5", required_by=SOON, now=NOW
    )
    assert card.lines[0].amount == Decimal("5.03")  # 10.05 × 0.5 = 5.025: half-even would give 5.02
    assert card.total.amount == Decimal("5.03")
    again = await uc.get_order(db, viewer_id=world.manager, order_id=card.id)  # as stored, read back
    assert again.lines[0].amount == Decimal("5.03") and again.total.amount == Decimal("5.03")
