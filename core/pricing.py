"""The price of an item for an order: the price list's price on the day plus the chosen options."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import DomainError, ErrorCode
from core.models import Item, Price, PriceList


async def list_price(session: AsyncSession, item: Item, *, currency: str, on: date) -> Decimal:
    """The default price list's price for the item valid on the given day."""
    price = await session.scalar(
        select(Price.price)
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
    if price is None:
        raise DomainError(ErrorCode.PRICE_NOT_FOUND, code=item.code, name=item.name, currency=currency)
    return price


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
