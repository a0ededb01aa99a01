"""The money side after approval: the payment schedule, shipments in parts, payments, invoices and closing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.models import OutboxEvent, Payment, PaymentAllocation, PaymentRow, StockBalance
from core.stages import Stage
from core.views import OrderCard
from tests.integration.world import NOW, World, make_world, order_in

TODAY = date(2026, 11, 30)  # NOW in Moscow
LATER = NOW + timedelta(days=3)


async def produced(world: World, card: OrderCard, quantity: str) -> None:
    """The planner plans the MPS and records `quantity` made of the order's first line."""
    await uc.replenish_mps(world.db, actor_id=world.planner, now=NOW)
    await uc.record_progress(world.db, actor_id=world.planner, order_id=card.id, line_no=1, produced=quantity, now=NOW)


async def in_stock(world: World, item: int, quantity: str) -> None:
    async with world.db.unit_of_work() as session:
        session.add(StockBalance(item_id=item, warehouse="Основной", on_hand=Decimal(quantity), reserved=Decimal(0)))


async def executing(world: World, *, made: str = "10") -> OrderCard:
    card = await order_in(world, Stage.EXECUTION)
    if made != "0":
        await produced(world, card, made)
    return await uc.get_order(world.db, viewer_id=world.manager, order_id=card.id, now=NOW)


async def ship_all(world: World, card: OrderCard, quantity: str = "10") -> uc.ShipmentDone:
    line = card.lines[0].id
    return await uc.ship(world.db, actor_id=world.manager, order_id=card.id, quantities={line: quantity}, now=LATER)


async def kinds(db: Database, order_id: int) -> list[str]:
    async with db.unit_of_work() as session:
        found = await session.scalars(select(OutboxEvent.kind).where(OutboxEvent.order_id == order_id))
        return list(found)


async def test_entering_execution_makes_the_schedule_from_the_terms_summing_exactly_to_the_total(db: Database) -> None:
    world = await make_world(db)
    card = await executing(world)
    assert card.total.amount == Decimal("25005.00")
    rows = card.schedule
    assert [(r.share_percent, r.amount, r.due_date) for r in rows] == [
        (Decimal(50), Decimal("12502.50"), TODAY + timedelta(days=5)),
        (Decimal(50), Decimal("12502.50"), None),  # due ten days after shipment: not shipped yet
    ]
    assert sum(r.amount for r in rows) == card.total.amount
    assert card.payment_state == "unpaid"


async def test_a_partial_shipment_and_then_the_rest_ship_the_order_and_date_the_shipment_row(db: Database) -> None:
    world = await make_world(db)
    card = await executing(world)
    line = card.lines[0].id
    first = await uc.ship(db, actor_id=world.manager, order_id=card.id, quantities={line: "4"}, now=LATER)
    assert not first.fully and first.card.stage is Stage.EXECUTION
    assert first.amount == Decimal("10002.00") and first.card.lines[0].shipped_quantity == Decimal(4)
    assert first.card.schedule[1].due_date is None
    rest = await uc.ship(db, actor_id=world.manager, order_id=card.id, quantities={line: "6"}, now=LATER)
    assert rest.fully and rest.card.stage is Stage.SHIPPED and not rest.closed
    assert rest.card.schedule[1].due_date == TODAY + timedelta(days=3 + 10)
    assert (await kinds(db, card.id)).count("order.shipped") == 2


async def test_shipping_more_than_ordered_is_refused_with_the_numbers(db: Database) -> None:
    world = await make_world(db)
    card = await executing(world)
    await uc.ship(db, actor_id=world.manager, order_id=card.id, quantities={card.lines[0].id: "7"}, now=LATER)
    with pytest.raises(DomainError) as refusal:
        await uc.ship(db, actor_id=world.manager, order_id=card.id, quantities={card.lines[0].id: "4"}, now=LATER)
    assert refusal.value.code is ErrorCode.SHIPPED_OVER_ORDERED
    assert refusal.value.params | {"ordered": "10.000", "shipped": "7.000", "left": "3.000"} == refusal.value.params


async def test_shipping_more_than_produced_plus_free_stock_is_refused_with_the_numbers(db: Database) -> None:
    world = await make_world(db)
    card = await executing(world, made="3")
    await in_stock(world, world.fan, "2")
    with pytest.raises(DomainError) as refusal:
        await ship_all(world, card, "6")
    assert refusal.value.code is ErrorCode.SHIPPED_OVER_AVAILABLE
    assert refusal.value.params["produced"] == "3.000" and refusal.value.params["stock"] == "2.000"
    assert refusal.value.params["available"] == "5.000"
    done = await ship_all(world, card, "5")  # the produced three and two from stock
    assert done.card.lines[0].shipped_quantity == Decimal(5)


async def test_stock_held_for_the_order_ships_first_and_leaves_the_warehouse(db: Database) -> None:
    world = await make_world(db)
    await in_stock(world, world.fan, "6")
    card = await executing(world, made="0")  # entering execution held the six in stock for the line
    with pytest.raises(DomainError) as refusal:
        await ship_all(world, card, "7")
    assert refusal.value.code is ErrorCode.SHIPPED_OVER_AVAILABLE and refusal.value.params["stock"] == "6.000"
    await ship_all(world, card, "4")
    async with db.unit_of_work() as session:
        balance = await session.scalar(select(StockBalance))
        assert balance is not None and (balance.on_hand, balance.reserved) == (Decimal(2), Decimal(2))


async def test_a_shipment_of_nothing_of_another_orders_line_or_by_a_planner_is_refused(db: Database) -> None:
    world = await make_world(db)
    card = await executing(world)
    line = card.lines[0].id
    cases = [
        (world.manager, {line: "0"}, ErrorCode.NOTHING_TO_SHIP),
        (world.manager, {line + 1000: "1"}, ErrorCode.LINE_NOT_FOUND),
        (world.manager, {line: "-1"}, ErrorCode.QUANTITY_NOT_POSITIVE),
        (world.manager, {line: "1.5"}, ErrorCode.QUANTITY_NOT_WHOLE),
        (world.planner, {line: "1"}, ErrorCode.NOT_ALLOWED),
        (world.other_manager, {line: "1"}, ErrorCode.ORDER_NOT_FOUND),  # not theirs to see
    ]
    for actor, quantities, code in cases:
        with pytest.raises(DomainError) as refusal:
            await uc.ship(db, actor_id=actor, order_id=card.id, quantities=quantities, now=LATER)
        assert refusal.value.code is code, code
    request = await order_in(world, Stage.APPROVAL)
    with pytest.raises(DomainError) as refusal:
        await uc.ship(db, actor_id=world.manager, order_id=request.id, quantities={request.lines[0].id: "1"}, now=NOW)
    assert refusal.value.code is ErrorCode.WRONG_STAGE


async def test_payments_pay_the_oldest_row_first_partly_then_fully(db: Database) -> None:
    world = await make_world(db)
    card = await executing(world)
    partly = await uc.record_payment(
        db, actor_id=world.accountant, number=card.number, amount="10 000,00", paid_on="01.12", now=LATER
    )
    assert partly.allocated == Decimal("10000.00") and partly.credit == 0
    assert (
        partly.outstanding == Decimal("15005.00") and partly.state is not None and partly.state.value == "partly_paid"
    )
    rest = await uc.record_payment(
        db, actor_id=world.accountant, number=card.number, amount="15005", paid_on="02.12.2026", now=LATER
    )
    assert rest.outstanding == 0 and rest.state is not None and rest.state.value == "paid"
    assert not rest.closed  # not shipped yet
    seen = await uc.get_order(db, viewer_id=world.manager, order_id=card.id, now=LATER)
    assert [r.paid_amount for r in seen.schedule] == [Decimal("12502.50"), Decimal("12502.50")]
    assert "payment.received" in await kinds(db, card.id)


async def test_an_over_payment_is_kept_as_credit_and_pays_the_customers_next_order(db: Database) -> None:
    world = await make_world(db)
    card = await executing(world)
    over = await uc.record_payment(
        db, actor_id=world.accountant, number=card.number, amount="30005.01", paid_on="01.12", now=LATER
    )
    assert over.allocated == Decimal("25005.00") and over.credit == Decimal("5000.01")
    following = await order_in(world, Stage.EXECUTION)
    assert [r.paid_amount for r in following.schedule] == [Decimal("5000.01"), Decimal(0)]
    assert following.payment_state == "partly_paid"
    async with db.unit_of_work() as session:
        assert await session.scalar(select(func.sum(Payment.unallocated))) == 0
        assert await session.scalar(select(func.count(PaymentAllocation.id))) == 3


async def test_an_order_shipped_and_paid_closes_by_itself_whichever_comes_last(db: Database) -> None:
    world = await make_world(db)
    paid_last = await executing(world)
    await ship_all(world, paid_last)
    closed = await uc.record_payment(
        db, actor_id=world.accountant, number=paid_last.number, amount="25005", paid_on="02.12", now=LATER
    )
    assert closed.closed
    assert (await uc.get_order(db, viewer_id=world.manager, order_id=paid_last.id)).stage is Stage.CLOSED
    assert "order.closed" in await kinds(db, paid_last.id)
    shipped_last = await order_in(world, Stage.EXECUTION)
    await produced(world, shipped_last, "10")
    await uc.record_payment(
        db, actor_id=world.accountant, number=shipped_last.number, amount="25005", paid_on="02.12", now=LATER
    )
    done = await ship_all(world, shipped_last)
    assert done.fully and done.closed and done.card.stage is Stage.CLOSED and done.card.payment_state == "paid"


async def test_closing_an_order_not_paid_needs_the_head_of_sales_and_a_reason(db: Database) -> None:
    world = await make_world(db)
    card = await executing(world)
    shipped = (await ship_all(world, card)).card
    for actor in (world.manager, world.accountant):
        with pytest.raises(DomainError) as refusal:
            await uc.close_order(db, actor_id=actor, order_id=card.id, reason="Долг списан", now=LATER)
        assert refusal.value.code is ErrorCode.CLOSING_NEEDS_HEAD
    with pytest.raises(DomainError) as refusal:
        await uc.close_order(db, actor_id=world.head_only, order_id=card.id, reason=" - ", now=LATER)
    assert refusal.value.code is ErrorCode.REASON_REQUIRED
    assert "close" not in {a.value for a in shipped.actions}  # the manager's card offers no close
    assert "close" in {a.value for a in (await head_card(world, card)).actions}
    closed = await uc.close_order(db, actor_id=world.head_only, order_id=card.id, reason="Долг списан", now=LATER)
    assert closed.stage is Stage.CLOSED
    assert "order.closed" in await kinds(db, card.id)


async def head_card(world: World, card: OrderCard) -> OrderCard:
    return await uc.get_order(world.db, viewer_id=world.head_only, order_id=card.id, now=LATER)


async def test_a_payment_is_refused_when_not_an_accountants_or_wrong(db: Database) -> None:
    world = await make_world(db)
    card = await executing(world)
    approval = await order_in(world, Stage.APPROVAL)
    cases = [
        (world.manager, card.number, "100", "01.12", ErrorCode.ACCOUNTANT_ONLY),
        (world.accountant, "ЗС-999999", "100", "01.12", ErrorCode.ORDER_NOT_FOUND),
        (world.accountant, card.number, "0", "01.12", ErrorCode.AMOUNT_INVALID),
        (world.accountant, card.number, "10.001", "01.12", ErrorCode.AMOUNT_INVALID),
        (world.accountant, card.number, "сто", "01.12", ErrorCode.AMOUNT_INVALID),
        (world.accountant, card.number, "100", "15.12.2026", ErrorCode.PAYMENT_DATE_IN_FUTURE),
        (world.accountant, card.number, "100", "32.13", ErrorCode.DATE_UNREADABLE),
        (world.accountant, approval.number, "100", "01.12", ErrorCode.NO_PAYMENT_SCHEDULE),
    ]
    for actor, number, amount, paid_on, code in cases:
        with pytest.raises(DomainError) as refusal:
            await uc.record_payment(db, actor_id=actor, number=number, amount=amount, paid_on=paid_on, now=LATER)
        assert refusal.value.code is code, code
    async with db.unit_of_work() as session:
        assert await session.scalar(select(func.count(Payment.id))) == 0


async def test_a_payments_file_with_bad_rows_is_refused_by_row_number_and_nothing_is_recorded(db: Database) -> None:
    world = await make_world(db)
    card = await executing(world)
    approval = await order_in(world, Stage.APPROVAL)
    content = "\n".join(
        [
            "заказ;сумма;дата;назначение",
            f"{card.number};1 000,50;01.12.2026;п/п 15",
            ";100;01.12.2026;",
            f"{card.number};сто;01.12.2026;",
            "ЗС-999999;100;01.12.2026;",
            f"{approval.number};100;01.12.2026;",
            f"{card.number};100;31.12.2026;",
        ]
    )
    with pytest.raises(uc.PaymentImportRefused) as refusal:
        await uc.import_payments(db, actor_id=world.accountant, content=content, now=LATER)
    assert [(e.row, e.code) for e in refusal.value.errors] == [
        (3, ErrorCode.CSV_ORDER_MISSING),
        (4, ErrorCode.AMOUNT_INVALID),
        (5, ErrorCode.ORDER_NOT_FOUND),
        (6, ErrorCode.NO_PAYMENT_SCHEDULE),
        (7, ErrorCode.PAYMENT_DATE_IN_FUTURE),
    ]
    async with db.unit_of_work() as session:
        assert await session.scalar(select(func.count(Payment.id))) == 0
        assert await session.scalar(select(func.sum(PaymentRow.paid_amount))) == 0
    good = f'order,amount,date\n{card.number},"1 000,50",2026-12-01\n{card.number},0.01,01.12\n'
    imported = await uc.import_payments(db, actor_id=world.accountant, content=good, now=LATER)
    assert imported.count == 2 and imported.total == Decimal("1000.51")
    with pytest.raises(uc.PaymentImportRefused) as missing:
        await uc.import_payments(db, actor_id=world.accountant, content="order;amount\nЗС-1;5\n", now=LATER)
    assert missing.value.errors[0].code is ErrorCode.CSV_COLUMNS_MISSING


async def test_an_order_is_invoiced_whole_or_per_shipment_each_once(db: Database) -> None:
    world = await make_world(db)
    card = await executing(world)
    shipment = (await ship_all(world, card, "4")).shipment_id
    per_shipment = await uc.issue_invoice(
        db, actor_id=world.accountant, number=card.number, shipment_id=shipment, now=LATER
    )
    assert per_shipment.number == "СЧ-000001" and per_shipment.amount == Decimal("10002.00")
    assert per_shipment.issued_on == date(2026, 12, 3)
    refusals = [
        (world.accountant, shipment, ErrorCode.INVOICE_EXISTS),
        (world.accountant, None, ErrorCode.INVOICE_EXISTS),
        (world.accountant, shipment + 100, ErrorCode.SHIPMENT_NOT_FOUND),
        (world.manager, None, ErrorCode.ACCOUNTANT_ONLY),
    ]
    for actor, which, code in refusals:
        with pytest.raises(DomainError) as refusal:
            await uc.issue_invoice(db, actor_id=actor, number=card.number, shipment_id=which, now=LATER)
        assert refusal.value.code is code, code
    other = await order_in(world, Stage.EXECUTION)
    whole = await uc.issue_invoice(db, actor_id=world.accountant, number=other.number, now=LATER)
    assert whole.number == "СЧ-000002" and whole.amount == Decimal("25005.00")


async def test_the_money_facts_reach_the_responsible_manager_and_the_accountants(db: Database) -> None:
    from core.events import StoredEvent, from_payload
    from core.notify_rules import recipients

    world = await make_world(db)
    card = await executing(world)
    await ship_all(world, card, "4")
    await uc.record_payment(db, actor_id=world.accountant, number=card.number, amount="100", paid_on="01.12", now=LATER)
    async with db.unit_of_work() as session:
        events = list(
            await session.scalars(
                select(OutboxEvent).where(OutboxEvent.kind.in_(["order.shipped", "payment.received"]))
            )
        )
        heard = {}
        for event in events:
            stored = StoredEvent(
                event.id, event.created_at, event.order_id, event.actor_id, from_payload(event.kind, event.payload)
            )
            heard[event.kind] = {r.person_id for r in await recipients(session, stored)}
    assert heard["order.shipped"] == {world.accountant}  # the manager shipped it: not told of their own act
    assert heard["payment.received"] == {world.manager}


async def test_a_bare_move_neither_ships_nor_closes_an_order_only_the_shipment_and_payment_do(db: Database) -> None:
    world = await make_world(db)
    card = await executing(world)
    with pytest.raises(DomainError) as refusal:
        await uc.move_stage(db, actor_id=world.manager, order_id=card.id, target=Stage.SHIPPED, now=LATER)
    assert refusal.value.code is ErrorCode.WRONG_STAGE
    shipped = (await ship_all(world, card)).card
    for actor in (world.manager, world.approver, world.accountant):
        with pytest.raises(DomainError) as refusal:
            await uc.move_stage(db, actor_id=actor, order_id=shipped.id, target=Stage.CLOSED, now=LATER)
        assert refusal.value.code is ErrorCode.WRONG_STAGE
    assert (await uc.get_order(db, viewer_id=world.manager, order_id=card.id)).stage is Stage.SHIPPED
