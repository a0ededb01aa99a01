"""Prices: the customer's list before the base one, discounts within a role's limit and why, frozen at approval."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core import use_cases as uc
from core.catalogue_csv import ImportRefused, PriceRow, parse_prices_csv
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.models import Decision, Price, PriceList
from core.roles import Role
from core.stages import Stage
from core.views import OrderCard
from tests.integration.world import NOW, SOON, World, make_world, request_with_line

TODAY = date(2026, 11, 30)
IP54 = {"Исполнение": "IP54"}


async def customers_list(world: World, *, price: str = "2300.00", **period: date) -> None:
    await uc.load_prices(
        world.db,
        rows=[PriceRow(row=2, code="ВК-12", price=Decimal(price), valid_from=None)],
        today=TODAY,
        list_name="Ромашка 2026",
        counterparty_tax_id="7707083893",
        **period,
    )


async def fan_line(world: World, customer: int, *, quantity: str = "10") -> OrderCard:
    card = await uc.register_request(world.db, actor_id=world.manager, counterparty_id=customer, now=NOW)
    return await uc.add_line(
        world.db,
        actor_id=world.manager,
        order_id=card.id,
        item_id=world.fan,
        quantity=quantity,
        required_by=SOON,
        options=IP54,
        now=NOW,
    )


async def test_a_line_is_priced_from_the_customers_list_in_force_else_from_the_base_list_plus_its_options(
    db: Database,
) -> None:
    world = await make_world(db)
    await customers_list(world, valid_from=date(2026, 11, 1), valid_to=date(2026, 11, 30))
    ours = (await fan_line(world, world.customer)).lines[0]
    assert (ours.price, ours.price_source, ours.price_list_name) == (Decimal("2600.00"), "counterparty", "Ромашка 2026")
    assert ours.amount == Decimal("26000.00")
    theirs = (await fan_line(world, world.other_customer)).lines[0]
    assert (theirs.price, theirs.price_source, theirs.price_list_name) == (Decimal("2800.50"), "base", None)


async def test_a_customers_list_out_of_its_period_leaves_the_base_list_in_force(db: Database) -> None:
    world = await make_world(db)
    await customers_list(world, valid_from=date(2026, 10, 1), valid_to=date(2026, 11, 29))
    line = (await fan_line(world, world.customer)).lines[0]
    assert (line.price, line.price_source) == (Decimal("2800.50"), "base")
    quote = await uc.quote_line(
        db, item_id=world.fan, quantity=Decimal(1), on=TODAY, options=IP54, counterparty_id=world.customer
    )
    assert quote.unit_price == Decimal("2800.50")


async def test_a_manager_gives_up_to_five_percent_and_the_head_of_sales_up_to_fifteen_exact_to_the_kopeck(
    db: Database,
) -> None:
    world = await make_world(db)
    card = await request_with_line(world)  # 10 × ВК-12 IP44 at 2 500,50
    line_id = card.lines[0].id
    card = await uc.set_line_price(
        db, actor_id=world.manager, order_id=card.id, line_id=line_id, change="-5% постоянный клиент", now=NOW
    )
    line = card.lines[0]
    assert (line.price, line.amount, card.total.amount) == (
        Decimal("2375.48"),
        Decimal("23754.80"),
        Decimal("23754.80"),
    )
    assert (line.price_source, line.price_set_by, line.price_reason) == ("manual", "Иванова Анна", "постоянный клиент")
    assert (line.list_price, line.discount) == (Decimal("2500.50"), Decimal("5.00"))
    with pytest.raises(DomainError) as refusal:
        await uc.set_line_price(
            db, actor_id=world.manager, order_id=card.id, line_id=line_id, change="-6% очень просили", now=NOW
        )
    assert refusal.value.code is ErrorCode.DISCOUNT_OVER_LIMIT
    assert refusal.value.params == {"limit": "5", "discount": "6.00", "lowest": "2375.48", "list_price": "2500.50"}
    card = await uc.set_line_price(
        db, actor_id=world.approver, order_id=card.id, line_id=line_id, change="-15 % крупный заказ", now=NOW
    )
    assert (card.lines[0].price, card.lines[0].price_set_by) == (Decimal("2125.43"), "Петров Пётр")
    with pytest.raises(DomainError) as refusal:
        await uc.set_line_price(
            db, actor_id=world.approver, order_id=card.id, line_id=line_id, change="2000 по звонку", now=NOW
        )
    assert refusal.value.code is ErrorCode.DISCOUNT_OVER_LIMIT and refusal.value.params["limit"] == "15"


async def test_a_price_override_is_refused_to_a_role_without_a_limit(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    with pytest.raises(DomainError) as refusal:
        await uc.set_line_price(
            db,
            actor_id=world.manager,
            order_id=card.id,
            line_id=card.lines[0].id,
            change="-1% мелочь",
            now=NOW,
            limits={Role.HEAD: Decimal(15)},
        )
    assert refusal.value.code is ErrorCode.PRICE_OVERRIDE_NOT_ALLOWED
    assert refusal.value.params == {"list_price": "2500.50"}


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("-5%", ErrorCode.PRICE_REASON_REQUIRED),
        ("2400", ErrorCode.PRICE_REASON_REQUIRED),
        ("скидка пять процентов", ErrorCode.PRICE_CHANGE_UNREADABLE),
        ("-2400 ошибка", ErrorCode.PRICE_CHANGE_UNREADABLE),
        ("150% много", ErrorCode.PRICE_CHANGE_UNREADABLE),
        ("2400,555 точно", ErrorCode.PRICE_INVALID),
    ],
)
async def test_a_price_typed_wrong_or_without_a_reason_is_refused_and_the_line_kept(
    db: Database, typed: str, code: ErrorCode
) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    with pytest.raises(DomainError) as refusal:
        await uc.set_line_price(
            db, actor_id=world.manager, order_id=card.id, line_id=card.lines[0].id, change=typed, now=NOW
        )
    assert refusal.value.code is code
    again = await uc.get_order(db, viewer_id=world.manager, order_id=card.id)
    assert (again.lines[0].price, again.version) == (Decimal("2500.50"), card.version)


async def test_a_price_set_by_hand_is_journalled_with_who_why_and_the_discount_and_zero_brings_the_list_back(
    db: Database,
) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    card = await uc.set_line_price(
        db, actor_id=world.manager, order_id=card.id, line_id=card.lines[0].id, change="+3% срочно", now=NOW
    )
    assert (card.lines[0].price, card.lines[0].discount) == (Decimal("2575.52"), Decimal("-3.00"))
    card = await uc.set_line_price(
        db, actor_id=world.manager, order_id=card.id, line_id=card.lines[0].id, change="0% вернули прайс", now=NOW
    )
    assert (card.lines[0].price, card.lines[0].price_source, card.lines[0].price_set_by) == (
        Decimal("2500.50"),
        "base",
        None,
    )
    history = await uc.order_history(db, viewer_id=world.manager, order_id=card.id)
    set_by_hand = [e for group in history for e in group.entries if e.details.get("reason") == "срочно"]
    assert len(set_by_hand) == 1
    entry = set_by_hand[0]
    assert entry.actor_name == "Иванова Анна"
    assert entry.details["changes"] == {"price": {"from": "2500.50", "to": "2575.52"}}
    assert (entry.details["discount"], entry.details["list_price"]) == ("-3.00", "2500.50")


async def test_a_manual_price_stays_when_the_quantity_changes(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    line_id = card.lines[0].id
    await uc.set_line_price(db, actor_id=world.manager, order_id=card.id, line_id=line_id, change="2400 опт", now=NOW)
    card = await uc.update_line(db, actor_id=world.manager, order_id=card.id, line_id=line_id, quantity="3", now=NOW)
    assert (card.lines[0].price, card.lines[0].amount, card.lines[0].price_reason) == (
        Decimal("2400.00"),
        Decimal("7200.00"),
        "опт",
    )


async def test_a_lines_price_is_frozen_at_approval_whatever_the_lists_do_after(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    card = await uc.set_contract_and_terms(
        db, actor_id=world.manager, order_id=card.id, contract_id=world.contract, payment_terms_id=world.terms, now=NOW
    )
    card = await uc.submit_for_approval(db, actor_id=world.manager, order_id=card.id, now=NOW)
    await uc.set_price(db, item_id=world.fan, price="3100.00", valid_from=TODAY)
    await customers_list(world, price="1999.99")
    card = await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert card.stage is Stage.EXECUTION
    await uc.set_price(db, item_id=world.fan, price="3500.00", valid_from=TODAY)
    card = await uc.get_order(db, viewer_id=world.manager, order_id=card.id)
    assert (card.lines[0].price, card.lines[0].price_source, card.total.amount) == (
        Decimal("2500.50"),
        "base",
        Decimal("25005.00"),
    )


async def test_a_price_file_with_bad_rows_loads_nothing_and_names_each_row_and_why(db: Database) -> None:
    await make_world(db)
    content = (
        "item;price;from\n"
        "ВК-12;2 300,00;01.12.2026\n"
        "ВК-99;100;\n"
        "ВЗ-100;сто;\n"
        "ВК-12;2 350,00;01.12.2026\n"
        "ВЗ-100;140;32.13.2026\n"
    )
    parsed = parse_prices_csv(content)
    with pytest.raises(ImportRefused) as refused:
        await uc.load_prices(
            db,
            rows=parsed.rows,
            bad_rows=parsed.errors,
            today=TODAY,
            list_name="Ромашка 2027",
            counterparty_tax_id="7707083893",
        )
    assert [(e.row, e.code) for e in refused.value.errors] == [
        (3, ErrorCode.ITEM_CODE_UNKNOWN),
        (4, ErrorCode.PRICE_INVALID),
        (5, ErrorCode.IMPORT_ROW_REPEATED),
        (6, ErrorCode.DATE_UNREADABLE),
    ]
    assert refused.value.params == {"count": 4, "rows": "3, 4, 5, 6"}
    async with db.reading() as session:
        assert (
            await session.scalar(select(func.count()).select_from(PriceList).where(PriceList.name == "Ромашка 2027"))
            == 0
        )
        assert await session.scalar(select(func.count()).select_from(Price)) == 2  # the world's base prices only


async def test_a_good_price_file_loads_the_customers_list_with_its_period(db: Database) -> None:
    world = await make_world(db)
    parsed = parse_prices_csv('Артикул,Цена\nвк-12,"2 300,10"\nВЗ-100,140\n')
    assert parsed.errors == ()
    loaded = await uc.load_prices(
        db,
        rows=parsed.rows,
        today=TODAY,
        list_name="Ромашка 2026",
        counterparty_tax_id="7707083893",
        valid_from=date(2026, 11, 1),
    )
    assert (loaded.rows, loaded.counterparty_name, loaded.valid_from) == (2, "ООО «Ромашка»", date(2026, 11, 1))
    card = await fan_line(world, world.customer, quantity="3")
    assert (card.lines[0].price, card.lines[0].amount) == (Decimal("2600.10"), Decimal("7800.30"))
    with pytest.raises(DomainError) as refusal:
        await uc.load_prices(db, rows=parsed.rows, today=TODAY, list_name="X", counterparty_tax_id="7728145639")
    assert refusal.value.code is ErrorCode.COUNTERPARTY_NOT_FOUND


async def test_a_fraction_of_a_metre_at_a_discount_is_exact_to_the_kopeck(db: Database) -> None:
    world = await make_world(db)
    card = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.customer, now=NOW)
    card = await uc.add_line(
        db, actor_id=world.manager, order_id=card.id, item_id=world.duct, quantity="3.333", required_by=SOON, now=NOW
    )
    card = await uc.set_line_price(
        db, actor_id=world.manager, order_id=card.id, line_id=card.lines[0].id, change="-5% обрезки", now=NOW
    )
    assert (card.lines[0].price, card.lines[0].amount) == (Decimal("142.50"), Decimal("474.95"))
