"""Invitations, drafts that outlive a process, and finding things by a few letters."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.roles import Role
from tests.integration.world import NOW, make_world


async def test_an_invite_registers_the_newcomer_once_and_then_is_used_up(db: Database) -> None:
    world = await make_world(db)
    invite = await uc.create_invite(db, actor_id=world.admin, role=Role.PLANNER, now=NOW)
    person = await uc.accept_invite(
        db, token=invite.token, telegram_id=4242, full_name="Новиков Н.", language="ru", now=NOW
    )
    assert person.roles == {Role.PLANNER} and (await uc.identify(db, telegram_id=4242)) == person
    with pytest.raises(DomainError) as refusal:
        await uc.accept_invite(db, token=invite.token, telegram_id=4343, full_name="Другой", language="ru", now=NOW)
    assert refusal.value.code is ErrorCode.INVITE_USED


async def test_an_expired_or_unknown_invite_is_refused(db: Database) -> None:
    world = await make_world(db)
    invite = await uc.create_invite(db, actor_id=world.admin, role=Role.MANAGER, now=NOW)
    for token, when, code in (
        (invite.token, NOW + timedelta(days=4), ErrorCode.INVITE_EXPIRED),
        ("forged-token", NOW, ErrorCode.INVITE_NOT_FOUND),
    ):
        with pytest.raises(DomainError) as refusal:
            await uc.accept_invite(db, token=token, telegram_id=4242, full_name="X", language="ru", now=when)
        assert refusal.value.code is code
    assert await uc.identify(db, telegram_id=4242) is None


async def test_only_an_admin_makes_invites_and_staff_already_known_gain_the_role(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(DomainError) as refusal:
        await uc.create_invite(db, actor_id=world.manager, role=Role.ADMIN, now=NOW)
    assert refusal.value.code is ErrorCode.NOT_ALLOWED
    invite = await uc.create_invite(db, actor_id=world.admin, role=Role.PLANNER, now=NOW)
    person = await uc.accept_invite(db, token=invite.token, telegram_id=1001, full_name="X", language="en", now=NOW)
    assert person.roles == {Role.MANAGER, Role.PLANNER} and person.full_name == "Иванова Анна"


async def test_a_draft_is_kept_until_cleared(db: Database) -> None:
    world = await make_world(db)
    assert await uc.load_draft(db, person_id=world.manager) == {}
    await uc.save_draft(db, person_id=world.manager, data={"step": "quantity", "order_id": 7}, now=NOW)
    await uc.save_draft(db, person_id=world.manager, data={"step": "date", "order_id": 7}, now=NOW)
    assert await uc.load_draft(db, person_id=world.manager) == {"step": "date", "order_id": 7}
    await uc.clear_draft(db, person_id=world.manager)
    assert await uc.load_draft(db, person_id=world.manager) == {}


async def test_counterparties_are_found_by_part_of_the_name_or_tax_id(db: Database) -> None:
    world = await make_world(db)
    assert [c.id for c in await uc.find_counterparties(db, text="ромаш")] == [world.customer]
    assert [c.id for c in await uc.find_counterparties(db, text="6673000037")] == [world.other_customer]
    assert [c.id for c in await uc.find_counterparties(db, text="Уралмаш завод")][:1] == [world.other_customer]
    assert await uc.find_counterparties(db, text="   ") == ()


async def test_items_are_found_by_code_even_typed_in_latin_letters(db: Database) -> None:
    world = await make_world(db)
    assert [i.id for i in await uc.find_items(db, text="BK-12")][:1] == [world.fan]
    assert [i.id for i in await uc.find_items(db, text="воздуховод")] == [world.duct]


async def test_an_item_offer_shows_the_price_options_and_stock(db: Database) -> None:
    world = await make_world(db)
    offer = await uc.item_offer(db, item_id=world.fan, on=NOW.date())
    assert offer.price == Decimal("2500.50") and offer.available == Decimal(0)
    assert [(o.option, [v for v, _ in o.values]) for o in offer.options] == [("Исполнение", ["IP44", "IP54"])]


async def test_the_contracts_offered_are_the_counterpartys_in_force(db: Database) -> None:
    world = await make_world(db)
    assert [c.number for c in await uc.list_contracts(db, counterparty_id=world.customer, on=NOW.date())] == [
        "Д-15/2026"
    ]
    assert await uc.list_contracts(db, counterparty_id=world.customer, on=NOW.date().replace(year=2027)) == ()
    assert await uc.list_contracts(db, counterparty_id=world.other_customer, on=NOW.date()) == ()
    assert [t.name for t in await uc.list_payment_terms(db)] == ["50% предоплата, 50% по отгрузке"]


async def test_an_offer_prices_the_options_chosen_so_far(db: Database) -> None:
    world = await make_world(db)
    offer = await uc.item_offer(db, item_id=world.fan, on=NOW.date())
    assert offer.price_with({}) == Decimal("2500.50")
    assert offer.price_with({"Исполнение": "IP54"}) == Decimal("2800.50")
    assert offer.price_with({"Исполнение": "unknown"}) == Decimal("2500.50")
