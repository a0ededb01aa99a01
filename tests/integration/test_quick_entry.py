"""A request typed in one message, read by the core against the catalogues, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core import use_cases as uc
from core.db import Database
from core.errors import ErrorCode
from core.quick_entry import ProblemKind, resolve_quick_entry
from tests.integration.world import NOW, make_world

TODAY = date(2026, 11, 30)


async def test_a_quick_entry_finds_the_customer_items_and_options_and_prices_them_as_registration_will(
    db: Database,
) -> None:
    world = await make_world(db)
    text = "Ромашка; ВК-12 ip54 x2 до 15.12; ВК-12 x1 до 15.12; ВЗ-100 x2,5 до 20.12"
    preview = await resolve_quick_entry(db, text=text, today=TODAY, currency="RUB")
    assert preview.ready and preview.counterparty is not None and preview.counterparty.id == world.customer
    named, defaulted, duct = preview.lines
    assert named.options == (("Исполнение", "IP54"),) and named.defaulted == ()
    assert (named.price, named.amount) == (Decimal("2800.50"), Decimal("5601.00"))
    assert defaulted.options == (("Исполнение", "IP44"),) and defaulted.defaulted == ("Исполнение",)
    assert (duct.quantity, duct.required_by, duct.amount) == (Decimal("2.5"), date(2026, 12, 20), Decimal("375.00"))
    assert preview.total == Decimal("8476.50")
    card = await uc.register_request(
        db,
        actor_id=world.manager,
        counterparty_id=world.customer,
        now=NOW,
        lines=preview.lines_to_register(),
    )
    assert card.total.amount == preview.total  # created exactly as previewed


async def test_each_part_that_cannot_be_read_is_a_typed_problem_and_nothing_is_ready(db: Database) -> None:
    await make_world(db)
    text = "О; ЖЖЖ-777 x5 до 15.12; ВК-12 x0 до 15.12; ВК-12 ip99 x1 до 15.12; ВЗ-100 x1; просто"
    preview = await resolve_quick_entry(db, text=text, today=TODAY, currency="RUB")
    assert not preview.ready and preview.counterparty is None
    assert [problem.kind for problem in preview.problems] == [ProblemKind.COUNTERPARTY_AMBIGUOUS]
    assert len(preview.candidates) == 2 and preview.unreadable == ("просто",)
    unknown, zero, option, undated = (line.problems for line in preview.lines)
    assert unknown[0].kind == ProblemKind.ITEM_UNKNOWN and unknown[0].typed == "ЖЖЖ-777"
    assert zero[0].refusal is not None and zero[0].refusal.code == ErrorCode.QUANTITY_NOT_POSITIVE
    assert option[0].kind == ProblemKind.OPTION_UNKNOWN and "IP54" in option[0].known
    assert undated[0].kind == ProblemKind.NO_DATE
    picked = preview.picked(preview.candidates[0].id)
    assert picked is not None and picked.problems == () and not picked.ready  # the lines still need fixing
