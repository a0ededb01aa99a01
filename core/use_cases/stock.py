"""Prices and stock loaded from files: all rows or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.catalogue_csv import ImportRefused, PriceRow, StockRow
from core.csv_table import RowError
from core.db import Database
from core.errors import DomainError, ErrorCode, NotFound
from core.models import Counterparty, Item, Price, PriceList, StockBalance
from core.money import DEFAULT_CURRENCY
from core.stock import locked_balances


@dataclass(frozen=True, slots=True)
class LoadedPrices:
    list_name: str
    counterparty_name: str | None
    valid_from: date | None
    valid_to: date | None
    rows: int


@dataclass(frozen=True, slots=True)
class ImportedStock:
    rows: int
    created: int


async def load_prices(
    db: Database,
    *,
    rows: Sequence[PriceRow],
    today: date,
    list_name: str | None = None,
    counterparty_tax_id: str | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    bad_rows: Sequence[RowError] = (),
    currency: str = DEFAULT_CURRENCY,
) -> LoadedPrices:
    """Load a price file into the counterparty's list `list_name` (made when new), or into the base list.

    Rules:
    - a counterparty named by its tax id exists; its list needs a name, and is in force from
      `valid_from` to `valid_to` (either open; the start not after the end);
    - without a counterparty the rows go into the base list of the currency (`list_name` names it
      when it is made);
    - each row's item exists; each price holds from the row's `from`, else `valid_from`, else `today`;
      a price for the same list, item and day is replaced;
    - a bad row is reported with its number and reason, with every other bad row, and then nothing
      is loaded (`ImportRefused`).
    """
    if valid_from is not None and valid_to is not None and valid_from > valid_to:
        raise DomainError(ErrorCode.PERIOD_INVALID, start=valid_from.isoformat(), end=valid_to.isoformat())
    name = validation.text(list_name, field="name", max_length=200, required=counterparty_tax_id is not None)
    errors = list(bad_rows)
    async with db.unit_of_work() as session:
        counterparty = await _counterparty(session, counterparty_tax_id)
        price_list = await _price_list(session, name, counterparty, currency=currency)
        if counterparty is not None:
            price_list.valid_from, price_list.valid_to = valid_from, valid_to
        items = await _items_by_code(session, {row.code for row in rows})
        existing = {
            (price.item_id, price.valid_from): price
            for price in await session.scalars(select(Price).where(Price.price_list_id == price_list.id))
        }
        for row in rows:
            item_id = items.get(row.code)
            if item_id is None:
                errors.append(RowError(row.row, ErrorCode.ITEM_CODE_UNKNOWN, {"code": row.code}))
                continue
            day = row.valid_from or valid_from or today
            found = existing.get((item_id, day))
            if found is not None:
                found.price = row.price
            else:
                existing[(item_id, day)] = Price(
                    price_list_id=price_list.id, item_id=item_id, price=row.price, valid_from=day
                )
                session.add(existing[(item_id, day)])
        if errors:
            raise ImportRefused(errors)
        return LoadedPrices(
            list_name=price_list.name,
            counterparty_name=counterparty.name if counterparty else None,
            valid_from=price_list.valid_from,
            valid_to=price_list.valid_to,
            rows=len(rows),
        )


async def import_stock(db: Database, *, rows: Sequence[StockRow], bad_rows: Sequence[RowError] = ()) -> ImportedStock:
    """Set the stock on hand of each item and warehouse the file names (the others stay as they were).

    Rules:
    - each row's item exists; a warehouse not seen before for the item is added;
    - on hand never below what orders have reserved there (they were promised it);
    - balances are locked in the one order `core.stock` uses, so a reservation running at the same
      time waits and then sees the new figures;
    - a bad row is reported with its number and reason, with every other bad row, and then nothing
      is imported (`ImportRefused`).
    """
    errors = list(bad_rows)
    created = 0
    async with db.unit_of_work() as session:
        items = await _items_by_code(session, {row.code for row in rows})
        balances = {
            (balance.item_id, balance.warehouse.casefold()): balance
            for balance in await locked_balances(session, items.values())
        }
        for row in rows:
            item_id = items.get(row.code)
            if item_id is None:
                errors.append(RowError(row.row, ErrorCode.ITEM_CODE_UNKNOWN, {"code": row.code}))
                continue
            balance = balances.get((item_id, row.warehouse.casefold()))
            if balance is None:
                balance = StockBalance(item_id=item_id, warehouse=row.warehouse, on_hand=row.on_hand, reserved=0)
                balances[(item_id, row.warehouse.casefold())] = balance
                session.add(balance)
                created += 1
            elif row.on_hand < balance.reserved:
                errors.append(
                    RowError(
                        row.row,
                        ErrorCode.STOCK_BELOW_RESERVED,
                        {
                            "code": row.code,
                            "warehouse": balance.warehouse,
                            "on_hand": str(row.on_hand),
                            "reserved": str(balance.reserved),
                        },
                    )
                )
            else:
                balance.on_hand = row.on_hand
        if errors:
            raise ImportRefused(errors)
        return ImportedStock(rows=len(rows), created=created)


async def _counterparty(session: AsyncSession, tax_id: str | None) -> Counterparty | None:
    if tax_id is None:
        return None
    checked = validation.tax_id(tax_id)
    counterparty = await session.scalar(select(Counterparty).where(Counterparty.tax_id == checked))
    if counterparty is None:
        raise NotFound(ErrorCode.COUNTERPARTY_NOT_FOUND, value=tax_id)
    return counterparty


async def _price_list(
    session: AsyncSession, name: str, counterparty: Counterparty | None, *, currency: str
) -> PriceList:
    if counterparty is None:
        query = select(PriceList).where(PriceList.is_default.is_(True), PriceList.currency == currency)
    else:
        query = select(PriceList).where(
            PriceList.counterparty_id == counterparty.id, PriceList.name == name, PriceList.currency == currency
        )
    price_list = await session.scalar(query.with_for_update())
    if price_list is None:
        price_list = PriceList(
            name=name or f"Основной прайс-лист ({currency})",
            currency=currency,
            is_default=counterparty is None,
            counterparty_id=counterparty.id if counterparty else None,
        )
        session.add(price_list)
        await session.flush()
    return price_list


async def _items_by_code(session: AsyncSession, codes: set[str]) -> dict[str, int]:
    if not codes:
        return {}
    return {
        code: item_id for item_id, code in await session.execute(select(Item.id, Item.code).where(Item.code.in_(codes)))
    }
