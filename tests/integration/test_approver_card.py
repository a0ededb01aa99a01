"""What an approver decides on: the margin, the customer's other open orders and the stock of each line's item."""

from __future__ import annotations

from decimal import Decimal

from core import use_cases as uc
from core.db import Database
from core.models import StockBalance
from core.money import Money
from core.stages import Stage
from templates import render
from tests.integration.test_cost_of_a_tap import APPROVAL_CARD_MOST, counted
from tests.integration.world import NOW, SOON, World, make_world, order_in, request_with_line


async def stock(world: World, item_id: int, *balances: tuple[str, str, str]) -> None:
    """(warehouse, on hand, reserved) of an item, as the stock exchange leaves them."""
    async with world.db.unit_of_work() as session:
        session.add_all(
            StockBalance(item_id=item_id, warehouse=warehouse, on_hand=Decimal(on_hand), reserved=Decimal(reserved))
            for warehouse, on_hand, reserved in balances
        )


async def order_to_decide(world: World) -> int:
    """The customer's order in approval (ten fans at 2 500,50, planned at 1 800 each, and a metre of duct),
    beside their other orders: one in request, one in execution, one cancelled, and another customer's."""
    await request_with_line(world)
    await order_in(world, Stage.EXECUTION)
    await order_in(world, Stage.CANCELLED)
    others = await uc.register_request(world.db, actor_id=world.manager, counterparty_id=world.other_customer, now=NOW)
    await uc.add_line(
        world.db, actor_id=world.manager, order_id=others.id, item_id=world.duct, quantity=1, required_by=SOON, now=NOW
    )
    card = await request_with_line(world)
    await uc.add_line(
        world.db, actor_id=world.manager, order_id=card.id, item_id=world.duct, quantity=1, required_by=SOON, now=NOW
    )
    card = await uc.set_contract_and_terms(
        world.db,
        actor_id=world.manager,
        order_id=card.id,
        contract_id=world.contract,
        payment_terms_id=world.terms,
        now=NOW,
    )
    card = await uc.submit_for_approval(world.db, actor_id=world.manager, order_id=card.id, now=NOW)
    assert card.stage is Stage.APPROVAL
    return card.id


async def test_an_approver_sees_the_margin_the_customers_open_orders_and_the_free_stock(db: Database) -> None:
    world = await make_world(db)
    await stock(world, world.fan, ("Основной", "10", "4"), ("Резервный", "5", "0"))
    await stock(world, world.duct, ("Основной", "3", "3"))
    order_id = await order_to_decide(world)

    card = await uc.get_order(db, viewer_id=world.approver, order_id=order_id, now=NOW)

    assert card.margin == Money(Decimal("7065.00"), "RUB")  # 25 155,00 less 18 090,00
    assert card.margin_percent == Decimal("28.1")
    # The one in request and the one in execution, ten fans each; neither the cancelled nor another customer's.
    assert card.customer_open == (2, Money(Decimal("50010.00"), "RUB"))
    # 11 free less the 10 the order in execution holds.
    assert [line.free_stock for line in card.lines] == [Decimal("1.000"), Decimal("0.000")]
    text = render("bot/card.html.j2", lang="ru", card=card, lines=card.lines, page=0, pages=1, note=None)
    assert "Маржа: 7\xa0065,00\xa0₽ (28,1 %)" in text
    assert "Открытые заказы клиента: 2 на 50\xa0010,00\xa0₽\nПросроченного долга у клиента нет" in text
    assert "на складе свободно: 1\n" in text and "нет на складе" in text


async def test_a_customer_with_no_other_orders_and_an_item_never_stocked_are_said_so(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)

    card = await uc.get_order(db, viewer_id=world.finance, order_id=card.id, now=NOW)

    assert card.customer_open == (0, Money(Decimal("0.00"), "RUB"))
    assert [line.free_stock for line in card.lines] == [Decimal("0")]
    text = render("bot/card.html.j2", lang="en", card=card, lines=card.lines, page=0, pages=1, note=None)
    assert "Customer's open orders: 0 for" in text and "out of stock" in text


async def test_a_manager_and_a_head_who_does_not_approve_see_the_margin_without_the_extra_statement(
    db: Database,
) -> None:
    world = await make_world(db)
    await stock(world, world.fan, ("Основной", "10", "4"))
    order_id = await order_to_decide(world)

    with counted(db) as approvers:
        await uc.get_order(db, viewer_id=world.approver, order_id=order_id, now=NOW)
    assert len(approvers.seen) <= APPROVAL_CARD_MOST  # with a contract whose use is read
    for viewer in (world.manager, world.head_only):
        with counted(db) as statements:
            card = await uc.get_order(db, viewer_id=viewer, order_id=order_id, now=NOW)
        assert card.margin == Money(Decimal("7065.00"), "RUB")
        assert card.customer_open is None and all(line.free_stock is None for line in card.lines)
        assert not [sql for sql in statements.seen if "stock_balances" in sql]
        # The head of sales, with no step of her own, is asked whether she stands in for an approver away.
        standing_in = 1 if viewer == world.head_only else 0
        assert len(statements.seen) == len(approvers.seen) - 1 + standing_in
        text = render("bot/card.html.j2", lang="ru", card=card, lines=card.lines, page=0, pages=1, note=None)
        assert "Маржа" in text and "Открытые заказы" not in text and "свободно" not in text


async def test_out_of_approval_an_approver_is_not_shown_the_open_orders_nor_the_stock(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.EXECUTION)

    card = await uc.get_order(db, viewer_id=world.approver, order_id=card.id, now=NOW)

    assert card.customer_open is None and all(line.free_stock is None for line in card.lines)
