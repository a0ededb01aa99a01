"""Prices set by hand: what a person may give, and how a typed change is read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import DomainError, ErrorCode
from core.models import Person, PersonRole
from core.pricing import check_manual_price, read_price_change
from core.roles import Role
from core.stock import Cover, cover

LIST = Decimal("2500.50")


def person(*roles: Role, can_override_price: bool = False) -> Person:
    return Person(
        full_name="Иванова Анна",
        can_override_price=can_override_price,
        role_rows=[PersonRole(role=role.value) for role in roles],
    )


@pytest.mark.parametrize(
    ("typed", "price", "reason"),
    [
        ("-5% постоянный клиент", Decimal("2375.48"), "постоянный клиент"),
        ("5 % опт", Decimal("2375.48"), "опт"),
        ("+3%, срочно", Decimal("2575.52"), "срочно"),
        ("2 400,50 по договору", Decimal("2400.50"), "по договору"),
        ("0% вернуть прайс", LIST, "вернуть прайс"),
    ],
)
def test_a_typed_discount_or_price_is_read_with_its_reason(typed: str, price: Decimal, reason: str) -> None:
    change = read_price_change(typed)
    assert (change.price_from(LIST), change.reason) == (price, reason)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("-5%", ErrorCode.PRICE_REASON_REQUIRED),
        ("", ErrorCode.PRICE_CHANGE_UNREADABLE),
        ("скидка", ErrorCode.PRICE_CHANGE_UNREADABLE),
        ("-100% даром", ErrorCode.PRICE_CHANGE_UNREADABLE),
        ("-5,555% точно", ErrorCode.PRICE_CHANGE_UNREADABLE),
        ("12,345 копейки", ErrorCode.PRICE_INVALID),
    ],
)
def test_a_price_change_typed_wrong_is_refused_saying_what_to_type(typed: str, code: ErrorCode) -> None:
    with pytest.raises(DomainError) as refusal:
        read_price_change(typed)
    assert refusal.value.code is code


def test_a_person_without_a_role_that_may_discount_is_refused_any_price_but_the_list() -> None:
    with pytest.raises(DomainError) as refusal:
        check_manual_price(person(Role.APPROVER, Role.ACCOUNTANT), list_unit_price=LIST, unit_price=Decimal("2600"))
    assert refusal.value.code is ErrorCode.PRICE_OVERRIDE_NOT_ALLOWED


def test_each_role_discounts_up_to_its_limit_and_the_trusted_to_any_price() -> None:
    manager, head = person(Role.MANAGER), person(Role.MANAGER, Role.HEAD)
    assert check_manual_price(manager, list_unit_price=LIST, unit_price=Decimal("2375.48")) == Decimal("5.00")
    with pytest.raises(DomainError) as refusal:
        check_manual_price(manager, list_unit_price=LIST, unit_price=Decimal("2375.47"))
    assert refusal.value.code is ErrorCode.DISCOUNT_OVER_LIMIT and refusal.value.params["lowest"] == "2375.48"
    assert check_manual_price(head, list_unit_price=LIST, unit_price=Decimal("2125.43")) == Decimal("15.00")
    assert check_manual_price(manager, list_unit_price=LIST, unit_price=Decimal("9999")) < 0  # a mark-up
    trusted = person(Role.MANAGER, can_override_price=True)
    assert check_manual_price(trusted, list_unit_price=LIST, unit_price=Decimal("1")) == Decimal("99.96")


@pytest.mark.parametrize(
    ("free", "quantity", "expected"),
    [("10", "10", Cover.AVAILABLE), ("4", "10", Cover.PARTLY), ("0", "1", Cover.TO_PRODUCE)],
)
def test_a_quantity_is_available_partly_or_to_be_produced(free: str, quantity: str, expected: Cover) -> None:
    assert cover(Decimal(free), Decimal(quantity)) is expected
