"""The price of an item for an order, and who may agree another one.

A line is priced from the counterparty's own price list in force on the day (the latest price
in it from that day back), else from the base list (`PriceList.is_default`), plus the deltas of
the chosen configuration options. A price set by hand is a discount (or a mark-up) against that
list price: each role may give up to its limit in `DISCOUNT_LIMITS` (a manager 5 %, the head of
sales 15 %); a person marked `can_override_price` may agree any price; a mark-up is any sales
person's to agree. Every price set by hand names who and why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import DomainError, ErrorCode, Forbidden
from core.models import Item, Person, Price, PriceList
from core.money import CENT, round_money
from core.roles import Role
from core.validation import clean, parse_decimal
from core.validation import price as checked_price

# The largest discount each role may give on a line's list price, in percent. A role not named
# here gives none; `Person.can_override_price` lifts the limit for that person.
DISCOUNT_LIMITS: Mapping[Role, Decimal] = {Role.MANAGER: Decimal(5), Role.HEAD: Decimal(15)}
HUNDRED = Decimal(100)


class PriceSource(StrEnum):
    BASE = "base"  # the base price list
    COUNTERPARTY = "counterparty"  # the counterparty's own list, named on the line
    MANUAL = "manual"  # set by hand, by whom and why on the line


@dataclass(frozen=True, slots=True)
class ListPrice:
    """An item's unit price from a list (before options), and which list it came from."""

    price: Decimal
    source: PriceSource
    list_name: str


async def list_price(session: AsyncSession, item: Item, *, currency: str, on: date) -> Decimal:
    """The base price list's price for the item valid on the given day."""
    return (await base_price(session, item, currency=currency, on=on)).price


async def base_price(session: AsyncSession, item: Item, *, currency: str, on: date) -> ListPrice:
    row = (
        await session.execute(
            select(Price.price, PriceList.name)
            .join(PriceList, PriceList.id == Price.price_list_id)
            .where(
                Price.item_id == item.id,
                PriceList.is_default.is_(True),
                PriceList.currency == currency,
                Price.valid_from <= on,
            )
            .order_by(Price.valid_from.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        raise DomainError(ErrorCode.PRICE_NOT_FOUND, code=item.code, name=item.name, currency=currency)
    return ListPrice(price=row.price, source=PriceSource.BASE, list_name=row.name)


async def price_for(
    session: AsyncSession, item: Item, *, counterparty_id: int | None, currency: str, on: date
) -> ListPrice:
    """The item's price for this counterparty on the day: its own list in force, else the base list.

    Of several of the counterparty's lists in force, the one in force from the latest day wins.
    """
    if counterparty_id is not None:
        row = (
            await session.execute(
                select(Price.price, PriceList.name)
                .join(PriceList, PriceList.id == Price.price_list_id)
                .where(
                    Price.item_id == item.id,
                    PriceList.counterparty_id == counterparty_id,
                    PriceList.currency == currency,
                    or_(PriceList.valid_from.is_(None), PriceList.valid_from <= on),
                    or_(PriceList.valid_to.is_(None), PriceList.valid_to >= on),
                    Price.valid_from <= on,
                )
                .order_by(PriceList.valid_from.desc().nulls_last(), Price.valid_from.desc(), PriceList.id.desc())
                .limit(1)
            )
        ).first()
        if row is not None:
            return ListPrice(price=row.price, source=PriceSource.COUNTERPARTY, list_name=row.name)
    return await base_price(session, item, currency=currency, on=on)


def chosen_options(item: Item, options: Mapping[str, str]) -> list[dict[str, Any]]:
    """The item's configuration as chosen: one known value for each of its options."""
    by_option: dict[str, dict[str, Decimal]] = {}
    for row in item.options:
        by_option.setdefault(row.option, {})[row.value] = row.price_delta
    unknown = sorted(set(options) - set(by_option))
    if unknown:
        raise DomainError(
            ErrorCode.OPTION_NOT_FOUND, code=item.code, option=unknown[0], value="", known=", ".join(sorted(by_option))
        )
    chosen: list[dict[str, Any]] = []
    for option, values in by_option.items():
        value = options.get(option)
        if value is None:
            raise DomainError(ErrorCode.OPTION_REQUIRED, code=item.code, option=option, known=", ".join(values))
        if value not in values:
            raise DomainError(
                ErrorCode.OPTION_NOT_FOUND, code=item.code, option=option, value=value, known=", ".join(values)
            )
        chosen.append({"option": option, "value": value, "price_delta": str(values[value])})
    return chosen


def options_delta(chosen: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(row["price_delta"]) for row in chosen), Decimal("0.00"))


def discount_percent(list_unit_price: Decimal, unit_price: Decimal) -> Decimal:
    """The discount of `unit_price` off the list price, in percent to a hundredth (negative: a mark-up)."""
    if not list_unit_price:
        return Decimal("0.00")
    return round_money((list_unit_price - unit_price) * HUNDRED / list_unit_price)


def discount_limit(person: Person, limits: Mapping[Role, Decimal] = DISCOUNT_LIMITS) -> Decimal | None:
    """The largest discount the person may give, in percent; None: any price (`can_override_price`)."""
    if person.can_override_price:
        return None
    return max((limits[role] for role in person.roles if role in limits), default=Decimal(-1))


def check_manual_price(
    person: Person,
    *,
    list_unit_price: Decimal,
    unit_price: Decimal,
    limits: Mapping[Role, Decimal] = DISCOUNT_LIMITS,
) -> Decimal:
    """The discount `unit_price` gives, when `person` may give it; else a refusal saying what they may.

    Rules: a person with `can_override_price` may agree any price; others only as their roles'
    limit allows (`DISCOUNT_LIMITS`): none without a role named there, a mark-up with one.
    """
    discount = discount_percent(list_unit_price, unit_price)
    limit = discount_limit(person, limits)
    if limit is None:
        return discount
    if limit < 0:
        raise Forbidden(ErrorCode.PRICE_OVERRIDE_NOT_ALLOWED, list_price=str(list_unit_price))
    if (list_unit_price - unit_price) * HUNDRED > list_unit_price * limit:
        lowest = (list_unit_price * (HUNDRED - limit) / HUNDRED).quantize(CENT, rounding=ROUND_CEILING)
        raise Forbidden(
            ErrorCode.DISCOUNT_OVER_LIMIT,
            limit=str(limit),
            discount=str(discount),
            lowest=str(lowest),
            list_price=str(list_unit_price),
        )
    return discount


# "-5% постоянный клиент", "5 % опт", "+3%", "2400 согласовано", "2 400,50 по договору".
_PRICE_CHANGE = re.compile(
    r"^\s*(?P<number>[+-]?\s*\d[\d\s\u00a0]*(?:[.,]\d+)?)\s*(?P<percent>%?)(?P<reason>.*)$", re.S
)


@dataclass(frozen=True, slots=True)
class PriceChange:
    """A price change as typed: a new unit price, or a discount in percent off the list price."""

    unit_price: Decimal | None
    discount: Decimal | None
    reason: str

    def price_from(self, list_unit_price: Decimal) -> Decimal:
        if self.unit_price is not None:
            return self.unit_price
        assert self.discount is not None
        return round_money(list_unit_price * (HUNDRED - self.discount) / HUNDRED)


def read_price_change(text: str) -> PriceChange:
    """`-5% reason` (a discount; `+5%` a mark-up; `5%` a discount too) or `2400 reason` (a price).

    Refusals: `PRICE_CHANGE_UNREADABLE` (what to type), `PRICE_INVALID`, `PRICE_REASON_REQUIRED`.
    """
    typed = clean(text)
    found = _PRICE_CHANGE.match(typed)
    if found is None:
        raise DomainError(ErrorCode.PRICE_CHANGE_UNREADABLE, value=typed[:50])
    number_text = re.sub(r"[\s\u00a0]", "", found["number"])
    reason = clean(found["reason"]).lstrip(",;:—-– ").strip()
    if found["percent"]:
        number = parse_decimal(number_text)
        if number is None or not Decimal(-100) < number < HUNDRED or number != number.quantize(CENT):
            raise DomainError(ErrorCode.PRICE_CHANGE_UNREADABLE, value=typed[:50])
        discount = -number if number_text.startswith("+") else abs(number)
        change = PriceChange(unit_price=None, discount=discount, reason=reason)
    else:
        if number_text.startswith(("-", "+")):
            raise DomainError(ErrorCode.PRICE_CHANGE_UNREADABLE, value=typed[:50])
        change = PriceChange(unit_price=checked_price(number_text), discount=None, reason=reason)
    if not reason:
        raise DomainError(ErrorCode.PRICE_REASON_REQUIRED)
    if len(reason) > 500:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, field="reason", maximum=500, length=len(reason))
    return change
