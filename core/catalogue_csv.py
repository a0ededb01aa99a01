"""Price lists and stock balances as CSV files: every bad row named with its number, never half read.

The first row names the columns, in any order, Russian or English; commas or semicolons separate
them; numbers may be typed as people type them ("1 000,50"). Row numbers are the file's (the header
is row 1).

- Prices: `item` (the item's code), `price`, and optionally `from` (the day the price holds from,
  15.12.2026 or 2026-12-15; the list's own start when empty).
- Stock: `item` (the item's code), `warehouse`, `on_hand`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

from core.csv_table import Records, RowError, read_records
from core.errors import DomainError, ErrorCode
from core.validation import parse_decimal
from core.validation import price as checked_price

PRICE_COLUMNS: dict[str, tuple[str, ...]] = {
    "item": ("item", "code", "item_code", "артикул", "код", "номенклатура"),
    "price": ("price", "цена"),
    "from": ("from", "valid_from", "date", "с", "дата", "действует с"),
}
STOCK_COLUMNS: dict[str, tuple[str, ...]] = {
    "item": ("item", "code", "item_code", "артикул", "код", "номенклатура"),
    "warehouse": ("warehouse", "склад"),
    "on_hand": ("on_hand", "quantity", "qty", "остаток", "количество", "в наличии"),
}


@dataclass(frozen=True, slots=True)
class PriceRow:
    row: int
    code: str
    price: Decimal
    valid_from: date | None


@dataclass(frozen=True, slots=True)
class StockRow:
    row: int
    code: str
    warehouse: str
    on_hand: Decimal


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Parsed(Generic[T]):
    rows: tuple[T, ...]
    errors: tuple[RowError, ...]


def parse_prices_csv(content: str) -> Parsed[PriceRow]:
    """The rows of a price file that read well, and an error for every one that does not."""
    header, records = _records(content, PRICE_COLUMNS, required=("item", "price"))
    if isinstance(header, RowError):
        return Parsed((), (header,))
    rows: list[PriceRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, date | None], int] = {}
    for number, cells in records:
        try:
            row = _price_row(number, cells)
        except DomainError as refusal:
            errors.append(RowError(number, refusal.code, refusal.params))
            continue
        key = (row.code, row.valid_from)
        if key in seen:
            errors.append(RowError(number, ErrorCode.IMPORT_ROW_REPEATED, {"first": seen[key]}))
            continue
        seen[key] = number
        rows.append(row)
    return Parsed(tuple(rows), tuple(errors))


def parse_stock_csv(content: str) -> Parsed[StockRow]:
    """The rows of a stock file that read well, and an error for every one that does not."""
    header, records = _records(content, STOCK_COLUMNS, required=("item", "warehouse", "on_hand"))
    if isinstance(header, RowError):
        return Parsed((), (header,))
    rows: list[StockRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in records:
        try:
            row = _stock_row(number, cells)
        except DomainError as refusal:
            errors.append(RowError(number, refusal.code, refusal.params))
            continue
        key = (row.code, row.warehouse.casefold())
        if key in seen:
            errors.append(RowError(number, ErrorCode.IMPORT_ROW_REPEATED, {"first": seen[key]}))
            continue
        seen[key] = number
        rows.append(row)
    return Parsed(tuple(rows), tuple(errors))


def _records(
    content: str, columns: dict[str, tuple[str, ...]], *, required: tuple[str, ...]
) -> tuple[RowError | None, Records]:
    return read_records(content, columns, required=required, missing_code=ErrorCode.IMPORT_COLUMNS_MISSING)


def _code(cells: dict[str, str]) -> str:
    code = cells["item"].upper()
    if not code:
        raise DomainError(ErrorCode.ITEM_CODE_UNKNOWN, code="")
    return code


def _price_row(number: int, cells: dict[str, str]) -> PriceRow:
    code = _code(cells)
    price = checked_price(cells["price"])
    valid_from = _day(cells.get("from", "")) if cells.get("from") else None
    return PriceRow(row=number, code=code, price=price, valid_from=valid_from)


def _stock_row(number: int, cells: dict[str, str]) -> StockRow:
    code = _code(cells)
    warehouse = cells["warehouse"]
    if not warehouse:
        raise DomainError(ErrorCode.WAREHOUSE_MISSING)
    if len(warehouse) > 100:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, field="warehouse", maximum=100, length=len(warehouse))
    on_hand = parse_decimal(cells["on_hand"])
    if on_hand is None:
        raise DomainError(ErrorCode.QUANTITY_NOT_A_NUMBER, value=cells["on_hand"][:50])
    if on_hand < 0:
        raise DomainError(ErrorCode.STOCK_NEGATIVE, value=str(on_hand))
    if on_hand != on_hand.quantize(Decimal("0.001")) or on_hand >= Decimal("1e12"):
        raise DomainError(ErrorCode.QUANTITY_TOO_PRECISE, value=cells["on_hand"][:50])
    return StockRow(row=number, code=code, warehouse=warehouse, on_hand=on_hand.quantize(Decimal("0.001")))


def _day(text: str) -> date:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar day, no time in it
        except ValueError:
            continue
    raise DomainError(ErrorCode.DATE_UNREADABLE, value=text[:30])


class ImportRefused(DomainError):
    """Some rows of a file are wrong: nothing was imported; `errors` names every bad row."""

    def __init__(self, errors: list[RowError] | tuple[RowError, ...]) -> None:
        self.errors = tuple(sorted(errors, key=lambda error: error.row))
        super().__init__(
            ErrorCode.IMPORT_REFUSED,
            count=len(self.errors),
            rows=", ".join(str(error.row) for error in self.errors[:20]),
        )
