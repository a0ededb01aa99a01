"""Catalogues kept by an admin: counterparties, items and their options, prices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from core import validation
from core.db import Database
from core.errors import Conflict, DomainError, ErrorCode, NotFound
from core.models import Counterparty, Item, ItemOption, Price, PriceList, StockBalance
from core.models.base import summed
from core.models.catalogue import with_options
from core.money import DEFAULT_CURRENCY, round_money
from core.pricing import chosen_options, options_delta, price_for
from core.search import rank
from core.stock import Cover, cover


async def add_counterparty(db: Database, *, name: str, tax_id: str | None = None, contacts: str = "") -> int:
    """Add a customer; a tax id (ИНН) must be valid and belongs to one counterparty."""
    checked_name = validation.text(name, field="name", max_length=300)
    checked_tax_id = validation.tax_id(tax_id)
    checked_contacts = validation.text(contacts, field="contacts", max_length=2000, required=False)
    async with db.unit_of_work() as session:
        if checked_tax_id and await session.scalar(
            select(Counterparty.id).where(Counterparty.tax_id == checked_tax_id)
        ):
            raise Conflict(ErrorCode.TAX_ID_TAKEN, value=checked_tax_id)
        counterparty = Counterparty(
            name=checked_name, search_key=checked_name.casefold(), tax_id=checked_tax_id, contacts=checked_contacts
        )
        session.add(counterparty)
        await session.flush()
        return counterparty.id


async def add_item(
    db: Database,
    *,
    code: str,
    name: str,
    unit: str = "шт",
    whole_units: bool = True,
    standard_cost: Decimal | int | str = Decimal(0),
    options: Sequence[tuple[str, str, Decimal | int | str]] = (),
) -> int:
    """Add an item of the nomenclature, with its configuration options (option, value, price delta)."""
    checked_code = validation.text(code, field="code", max_length=50).upper()
    checked_name = validation.text(name, field="name", max_length=300)
    checked_unit = validation.text(unit, field="unit", max_length=20)
    async with db.unit_of_work() as session:
        if await session.scalar(select(Item.id).where(Item.code == checked_code)):
            raise Conflict(ErrorCode.ITEM_CODE_TAKEN, value=checked_code)
        item = Item(
            code=checked_code,
            name=checked_name,
            search_key=f"{checked_code} {checked_name}".casefold(),
            unit=checked_unit,
            whole_units=whole_units,
            standard_cost=validation.price(standard_cost),
            options=[
                ItemOption(
                    option=validation.text(option, field="option", max_length=100),
                    value=validation.text(value, field="value", max_length=100),
                    price_delta=validation.price(delta),
                )
                for option, value, delta in options
            ],
        )
        session.add(item)
        await session.flush()
        return item.id


async def set_price(
    db: Database, *, item_id: int, price: Decimal | int | str, valid_from: date, currency: str = DEFAULT_CURRENCY
) -> None:
    """Set the item's price in the default price list of the currency from a day on."""
    checked = validation.price(price)
    async with db.unit_of_work() as session:
        if await session.get(Item, item_id) is None:
            raise NotFound(ErrorCode.ITEM_NOT_FOUND, value=str(item_id))
        price_list = await session.scalar(
            select(PriceList).where(PriceList.is_default.is_(True), PriceList.currency == currency)
        )
        if price_list is None:
            price_list = PriceList(name=f"Основной прайс-лист ({currency})", currency=currency, is_default=True)
            session.add(price_list)
            await session.flush()
        existing = await session.scalar(
            select(Price).where(
                Price.price_list_id == price_list.id, Price.item_id == item_id, Price.valid_from == valid_from
            )
        )
        if existing is not None:
            existing.price = checked
        else:
            session.add(Price(price_list_id=price_list.id, item_id=item_id, price=checked, valid_from=valid_from))


@dataclass(frozen=True, slots=True)
class CounterpartyChoice:
    id: int
    name: str
    tax_id: str | None


@dataclass(frozen=True, slots=True)
class ItemChoice:
    id: int
    code: str
    name: str
    unit: str


@dataclass(frozen=True, slots=True)
class OptionChoice:
    option: str
    values: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True, slots=True)
class ItemOffer:
    """What a manager needs to decide on a line: the price today, the options, what is in stock."""

    id: int
    code: str
    name: str
    unit: str
    whole_units: bool
    price: Decimal | None
    currency: str
    options: tuple[OptionChoice, ...]
    on_hand: Decimal
    reserved: Decimal

    @property
    def available(self) -> Decimal:
        return max(self.on_hand - self.reserved, Decimal(0))

    def cover(self, quantity: Decimal) -> Cover:
        """Whether `quantity` is available from stock, partly (`available` of it), or to be produced."""
        return cover(self.available, quantity)

    def to_produce(self, quantity: Decimal) -> Decimal:
        return max(quantity - self.available, Decimal(0))

    def price_with(self, options: Mapping[str, str]) -> Decimal | None:
        """The unit price with the options chosen so far (the others at no extra), as a line is priced."""
        if self.price is None:
            return None
        deltas = (
            delta for choice in self.options for value, delta in choice.values if options.get(choice.option) == value
        )
        return self.price + sum(deltas, Decimal(0))


async def find_counterparties(db: Database, *, text: str, limit: int = 6) -> tuple[CounterpartyChoice, ...]:
    """Counterparties by part of the name or by tax id, best match first."""
    async with db.reading() as session:
        rows = list(await session.execute(select(Counterparty.id, Counterparty.name, Counterparty.tax_id)))
    ids = rank(text, [(row.id, row.tax_id or "", f"{row.name} {row.tax_id or ''}") for row in rows], limit=limit)
    by_id = {row.id: row for row in rows}
    return tuple(CounterpartyChoice(id=i, name=by_id[i].name, tax_id=by_id[i].tax_id) for i in ids)


async def find_items(db: Database, *, text: str, limit: int = 6) -> tuple[ItemChoice, ...]:
    """Items by code or by part of the name, best match first."""
    async with db.reading() as session:
        rows = list(await session.execute(select(Item.id, Item.code, Item.name, Item.unit)))
    ids = rank(text, [(row.id, row.code, f"{row.code} {row.name}") for row in rows], limit=limit)
    by_id = {row.id: row for row in rows}
    return tuple(ItemChoice(id=i, code=by_id[i].code, name=by_id[i].name, unit=by_id[i].unit) for i in ids)


async def item_offer(
    db: Database, *, item_id: int, on: date, currency: str = DEFAULT_CURRENCY, counterparty_id: int | None = None
) -> ItemOffer:
    """The item as a manager adding a line sees it: the price for the counterparty (its own list in force,
    else the base list), the options, the stock."""
    async with db.reading() as session:
        item = await session.get(Item, item_id, options=[with_options()])
        if item is None:
            raise NotFound(ErrorCode.ITEM_NOT_FOUND, value=str(item_id))
        try:
            price: Decimal | None = (
                await price_for(session, item, counterparty_id=counterparty_id, currency=currency, on=on)
            ).price
        except DomainError:
            price = None
        stock = (
            await session.execute(
                select(summed(StockBalance.on_hand, scale=3), summed(StockBalance.reserved, scale=3)).where(
                    StockBalance.item_id == item_id
                )
            )
        ).one()
        options: dict[str, list[tuple[str, Decimal]]] = {}
        for row in item.options:
            options.setdefault(row.option, []).append((row.value, row.price_delta))
        return ItemOffer(
            id=item.id,
            code=item.code,
            name=item.name,
            unit=item.unit,
            whole_units=item.whole_units,
            price=price,
            currency=currency,
            options=tuple(OptionChoice(option=name, values=tuple(values)) for name, values in options.items()),
            on_hand=stock[0],
            reserved=stock[1],
        )


@dataclass(frozen=True, slots=True)
class LineQuote:
    unit_price: Decimal
    amount: Decimal
    currency: str


async def quote_line(
    db: Database,
    *,
    item_id: int,
    quantity: Decimal,
    on: date,
    options: Mapping[str, str] | None = None,
    currency: str = DEFAULT_CURRENCY,
    counterparty_id: int | None = None,
) -> LineQuote:
    """What a line would cost, priced exactly as `add_line` will price it; nothing is written."""
    async with db.reading() as session:
        item = await session.get(Item, item_id, options=[with_options()])
        if item is None:
            raise NotFound(ErrorCode.ITEM_NOT_FOUND, value=str(item_id))
        listed = await price_for(session, item, counterparty_id=counterparty_id, currency=currency, on=on)
        unit_price = listed.price + options_delta(chosen_options(item, options or {}))
        return LineQuote(unit_price=unit_price, amount=round_money(unit_price * quantity), currency=currency)
