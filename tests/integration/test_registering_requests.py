"""Registering requests and keeping their lines, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.models import Activity, OrderLine, OutboxEvent
from core.policy import Action
from core.stages import Stage
from tests.integration.world import NOW, SOON, make_world, request_with_line


async def test_a_registered_request_gets_the_next_number_a_journal_entry_and_an_event(db: Database) -> None:
    world = await make_world(db)
    first = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.customer, now=NOW)
    second = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.customer, now=NOW)
    assert (first.number, second.number) == ("ЗС-000001", "ЗС-000002")
    assert first.stage is Stage.REQUEST and first.responsible_id == world.manager and first.version == 1
    async with db.reading() as session:
        kinds = list(await session.scalars(select(Activity.kind).where(Activity.order_id == first.id)))
        events = list(await session.scalars(select(OutboxEvent.kind).where(OutboxEvent.order_id == first.id)))
    assert kinds == ["registered"] and events == ["order.registered"]


async def test_the_number_prefix_is_configurable(db: Database) -> None:
    world = await make_world(db)
    card = await uc.register_request(
        db, actor_id=world.manager, counterparty_id=world.customer, now=NOW, number_prefix="SO-", number_digits=4
    )
    assert card.number == "SO-0001"


async def test_only_sales_people_register_requests(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(DomainError) as refusal:
        await uc.register_request(db, actor_id=world.planner, counterparty_id=world.customer, now=NOW)
    assert refusal.value.code is ErrorCode.NOT_ALLOWED


async def test_a_manager_cannot_make_someone_else_responsible_but_a_head_can(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(DomainError) as refusal:
        await uc.register_request(
            db, actor_id=world.manager, counterparty_id=world.customer, responsible_id=world.other_manager, now=NOW
        )
    assert refusal.value.code is ErrorCode.NOT_ALLOWED
    card = await uc.register_request(
        db, actor_id=world.approver, counterparty_id=world.customer, responsible_id=world.other_manager, now=NOW
    )
    assert card.responsible_id == world.other_manager


async def test_an_unknown_counterparty_is_refused_and_no_number_is_used_up(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(DomainError) as refusal:
        await uc.register_request(db, actor_id=world.manager, counterparty_id=999_999, now=NOW)
    assert refusal.value.code is ErrorCode.COUNTERPARTY_NOT_FOUND
    card = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.customer, now=NOW)
    assert card.number == "ЗС-000001"


async def test_a_line_is_priced_from_the_price_list_plus_its_options_and_the_total_follows(db: Database) -> None:
    world = await make_world(db)
    card = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.customer, now=NOW)
    card = await uc.add_line(
        db,
        actor_id=world.manager,
        order_id=card.id,
        item_id=world.fan,
        quantity="3",
        required_by=SOON,
        options={"Исполнение": "IP54"},
        now=NOW,
    )
    card = await uc.add_line(
        db, actor_id=world.manager, order_id=card.id, item_id=world.duct, quantity="12,5", required_by=SOON, now=NOW
    )
    fan, duct = card.lines
    assert fan.price == Decimal("2800.50") and fan.amount == Decimal("8401.50")
    assert duct.quantity == Decimal("12.5") and duct.amount == Decimal("1875.00")
    assert fan.planned_cost == Decimal("5400.00") and duct.planned_cost == Decimal("1125.00")
    assert card.total.amount == Decimal("10276.50") and card.total.currency == "RUB"
    assert [line.position for line in card.lines] == [1, 2]
    async with db.reading() as session:
        numbers = set(await session.scalars(select(OrderLine.order_number).where(OrderLine.order_id == card.id)))
    assert numbers == {card.number}


async def test_amounts_round_half_up_to_kopecks(db: Database) -> None:
    world = await make_world(db)
    card = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.customer, now=NOW)
    card = await uc.add_line(
        db, actor_id=world.manager, order_id=card.id, item_id=world.duct, quantity="0.333", required_by=SOON, now=NOW
    )
    assert card.lines[0].amount == Decimal("49.95")  # 150.00 * 0.333 = 49.950


async def test_changing_a_line_reprices_it_and_journals_what_changed(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    line = card.lines[0]
    card = await uc.update_line(
        db,
        actor_id=world.manager,
        order_id=card.id,
        line_id=line.id,
        quantity="4",
        options={"Исполнение": "IP54"},
        now=NOW,
    )
    assert card.lines[0].amount == Decimal("11202.00") and card.total.amount == Decimal("11202.00")
    history = await uc.order_history(db, viewer_id=world.manager, order_id=card.id)
    updated = history[-1].entries[-1]
    assert updated.kind == "line_updated"
    assert updated.details["changes"]["quantity"] == {"from": "10.000", "to": "4.000"}


async def test_removing_a_line_lowers_the_total(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    card = await uc.remove_line(db, actor_id=world.manager, order_id=card.id, line_id=card.lines[0].id, now=NOW)
    assert card.lines == () and card.total.amount == Decimal("0.00")
    assert Action.SUBMIT not in card.actions


async def test_a_price_below_the_roles_limit_needs_someone_with_the_right_and_a_reason(db: Database) -> None:
    world = await make_world(db)
    card = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.customer, now=NOW)
    with pytest.raises(DomainError) as refusal:
        await uc.add_line(
            db,
            actor_id=world.manager,
            order_id=card.id,
            item_id=world.duct,
            quantity="1",
            required_by=SOON,
            price="100",
            now=NOW,
        )
    assert refusal.value.code is ErrorCode.DISCOUNT_OVER_LIMIT
    trusted = await uc.add_person(
        db,
        full_name="Старший менеджер",
        roles=[uc.people.Role.MANAGER],
        telegram_id=2001,
        can_override_price=True,
        now=NOW,
    )
    card = await uc.register_request(db, actor_id=trusted.id, counterparty_id=world.customer, now=NOW)
    card = await uc.add_line(
        db,
        actor_id=trusted.id,
        order_id=card.id,
        item_id=world.duct,
        quantity="2",
        required_by=SOON,
        price="100",
        price_reason="остатки прошлого года",
        now=NOW,
    )
    assert card.lines[0].price_overridden and card.lines[0].amount == Decimal("200.00")


@pytest.mark.parametrize(
    ("quantity", "code"),
    [
        ("0", ErrorCode.QUANTITY_NOT_POSITIVE),
        ("-5", ErrorCode.QUANTITY_NOT_POSITIVE),
        ("abc", ErrorCode.QUANTITY_NOT_A_NUMBER),
        ("NaN", ErrorCode.QUANTITY_NOT_A_NUMBER),
        ("1e20", ErrorCode.QUANTITY_NOT_A_NUMBER),
        ("100000000000000000000", ErrorCode.QUANTITY_TOO_LARGE),
        ("2.5", ErrorCode.QUANTITY_NOT_WHOLE),
    ],
)
async def test_a_bad_quantity_is_refused_and_the_order_is_untouched(
    db: Database, quantity: str, code: ErrorCode
) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    with pytest.raises(DomainError) as refusal:
        await uc.add_line(
            db,
            actor_id=world.manager,
            order_id=card.id,
            item_id=world.fan,
            quantity=quantity,
            required_by=SOON,
            options={"Исполнение": "IP44"},
            now=NOW,
        )
    assert refusal.value.code is code
    after = await uc.get_order(db, viewer_id=world.manager, order_id=card.id)
    assert after == card


async def test_a_past_date_an_unknown_item_and_a_missing_option_are_refused(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    refusals = []
    for kwargs in (
        {"item_id": world.duct, "required_by": date(2026, 11, 29)},
        {"item_id": world.duct, "required_by": NOW.date() + timedelta(days=5 * 365)},
        {"item_id": 424242, "required_by": SOON},
        {"item_id": world.fan, "required_by": SOON},
    ):
        with pytest.raises(DomainError) as refusal:
            await uc.add_line(db, actor_id=world.manager, order_id=card.id, quantity="1", now=NOW, **kwargs)  # type: ignore[arg-type]
        refusals.append(refusal.value.code)
    assert refusals == [
        ErrorCode.DATE_IN_PAST,
        ErrorCode.DATE_TOO_FAR,
        ErrorCode.ITEM_NOT_FOUND,
        ErrorCode.OPTION_REQUIRED,
    ]
    assert await uc.get_order(db, viewer_id=world.manager, order_id=card.id) == card


async def test_today_is_the_managers_local_today(db: Database) -> None:
    world = await make_world(db)
    card = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.customer, now=NOW)
    late_evening_utc = NOW.replace(hour=22)  # already 1 December in Moscow
    with pytest.raises(DomainError) as refusal:
        await uc.add_line(
            db,
            actor_id=world.manager,
            order_id=card.id,
            item_id=world.duct,
            quantity="1",
            required_by=date(2026, 11, 30),
            now=late_evening_utc,
        )
    assert refusal.value.code is ErrorCode.DATE_IN_PAST


async def test_another_managers_request_is_not_even_visible(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    with pytest.raises(DomainError) as refusal:
        await uc.add_line(
            db,
            actor_id=world.other_manager,
            order_id=card.id,
            item_id=world.duct,
            quantity="1",
            required_by=SOON,
            now=NOW,
        )
    assert refusal.value.code is ErrorCode.ORDER_NOT_FOUND


async def test_a_stale_version_is_refused_with_what_changed_since(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    await uc.update_line(db, actor_id=world.manager, order_id=card.id, line_id=card.lines[0].id, quantity="3", now=NOW)
    with pytest.raises(DomainError) as refusal:
        await uc.remove_line(
            db,
            actor_id=world.manager,
            order_id=card.id,
            line_id=card.lines[0].id,
            now=NOW,
            expected_version=card.version,
        )
    assert refusal.value.code is ErrorCode.STALE_ORDER
    assert refusal.value.params["changes"] == ["line_updated"] and refusal.value.params["by"] == "Иванова Анна"


async def test_nothing_half_written_when_a_use_case_refuses(db: Database) -> None:
    world = await make_world(db)
    card = await request_with_line(world)
    async with db.reading() as session:
        before = await session.scalar(select(func.count(Activity.id)))
    with pytest.raises(DomainError):
        await uc.update_line(
            db,
            actor_id=world.manager,
            order_id=card.id,
            line_id=card.lines[0].id,
            quantity="7",
            required_by=date(2020, 1, 1),
            now=NOW,
        )
    async with db.reading() as session:
        after = await session.scalar(select(func.count(Activity.id)))
    assert after == before
    assert await uc.get_order(db, viewer_id=world.manager, order_id=card.id) == card


async def test_a_request_registered_with_its_lines_is_all_or_nothing(db: Database) -> None:
    world = await make_world(db)
    good = uc.LineInput(item_id=world.duct, quantity="2", required_by=SOON)
    bad = uc.LineInput(item_id=world.duct, quantity="-1", required_by=SOON)
    with pytest.raises(DomainError) as refusal:
        await uc.register_request(
            db, actor_id=world.manager, counterparty_id=world.customer, lines=[good, bad], now=NOW
        )
    assert refusal.value.code is ErrorCode.QUANTITY_NOT_POSITIVE and refusal.value.params["line"] == 2
    assert (await uc.list_orders(db, viewer_id=world.manager)).total_count == 0
    card = await uc.register_request(
        db, actor_id=world.manager, counterparty_id=world.customer, lines=[good, good], now=NOW
    )
    assert card.number == "ЗС-000001" and card.total.amount == Decimal("600.00") and len(card.lines) == 2


async def test_a_registration_repeated_with_its_key_returns_the_first_order(db: Database) -> None:
    world = await make_world(db)
    line = uc.LineInput(item_id=world.duct, quantity="2", required_by=SOON)
    first = await uc.register_request(
        db, actor_id=world.manager, counterparty_id=world.customer, lines=[line], request_key="preview-1", now=NOW
    )
    again = await uc.register_request(
        db, actor_id=world.manager, counterparty_id=world.customer, lines=[line], request_key="preview-1", now=NOW
    )
    assert again.id == first.id and (await uc.list_orders(db, viewer_id=world.manager)).total_count == 1


async def test_twenty_registrations_with_one_key_at_once_make_one_order(db: Database) -> None:
    world = await make_world(db)
    cards = await asyncio.gather(
        *(
            uc.register_request(
                db, actor_id=world.manager, counterparty_id=world.customer, request_key="tap-twice", now=NOW
            )
            for _ in range(20)
        )
    )
    assert {card.id for card in cards} == {cards[0].id}
    assert (await uc.list_orders(db, viewer_id=world.manager)).total_count == 1


async def test_a_quote_prices_a_line_exactly_as_adding_it_will(db: Database) -> None:
    world = await make_world(db)
    quote = await uc.quote_line(
        db, item_id=world.fan, quantity=Decimal(3), options={"Исполнение": "IP54"}, on=NOW.date()
    )
    card = await uc.register_request(
        db,
        actor_id=world.manager,
        counterparty_id=world.customer,
        now=NOW,
        lines=[uc.LineInput(item_id=world.fan, quantity="3", required_by=SOON, options={"Исполнение": "IP54"})],
    )
    assert (quote.unit_price, quote.amount) == (card.lines[0].price, card.lines[0].amount)
