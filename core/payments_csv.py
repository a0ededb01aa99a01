"""Payments as a CSV file (a bank statement's export): one row per payment, every bad row named.

The first row names the columns (in any order, Russian or English): the order's number, the amount
and the date it was paid; a comment is optional. Commas or semicolons separate the columns; amounts
may be typed as people type them ("1 000,50"), dates as 15.12.2026, 15.12 or 2026-12-15. Row numbers
are the file's, the header being row 1.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.errors import DomainError, ErrorCode
from core.money import CENT
from core.parsing import parse_date
from core.progress_csv import RowError
from core.validation import MAX_PRICE, clean, parse_decimal

COLUMNS: dict[str, tuple[str, ...]] = {
    "order": ("order", "number", "заказ", "номер"),
    "amount": ("amount", "sum", "сумма"),
    "date": ("date", "paid_on", "дата"),
    "comment": ("comment", "purpose", "комментарий", "назначение"),
}
REQUIRED = ("order", "amount", "date")
_DAY_MONTH = re.compile(r"^\d{1,2}[./]\d{1,2}$")


@dataclass(frozen=True, slots=True)
class PaymentLine:
    row: int
    number: str
    amount: str
    paid_on: str
    comment: str


@dataclass(frozen=True, slots=True)
class PaymentsCsv:
    rows: tuple[PaymentLine, ...]
    errors: tuple[RowError, ...]


def parse_payments_csv(content: str) -> PaymentsCsv:
    """The rows of the file with their cells; rows without an order or with an unreadable amount are errors."""
    lines = content.lstrip("\ufeff").splitlines()
    if not lines:
        return PaymentsCsv((), (RowError(1, ErrorCode.CSV_COLUMNS_MISSING, {"missing": ", ".join(REQUIRED)}),))
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = [clean(name).lower() for name in next(reader)]
    where = {key: next((i for i, name in enumerate(header) if name in names), None) for key, names in COLUMNS.items()}
    missing = [key for key in REQUIRED if where[key] is None]
    if missing:
        return PaymentsCsv((), (RowError(1, ErrorCode.CSV_COLUMNS_MISSING, {"missing": ", ".join(missing)}),))
    rows: list[PaymentLine] = []
    errors: list[RowError] = []
    for number, cells in enumerate(reader, start=2):
        if not any(clean(cell) for cell in cells):
            continue
        found = {key: _cell(cells, index) for key, index in where.items()}
        if not found["order"]:
            errors.append(RowError(number, ErrorCode.CSV_ORDER_MISSING))
            continue
        rows.append(PaymentLine(number, found["order"].upper(), found["amount"], found["date"], found["comment"]))
    return PaymentsCsv(tuple(rows), tuple(errors))


def payment_amount(value: Decimal | int | str) -> Decimal:
    """A positive sum exact to the kopeck, as people type it ("500 000", "1 000,50")."""
    number = parse_decimal(value)
    if number is None or number <= 0 or number > MAX_PRICE or number != number.quantize(CENT):
        raise DomainError(ErrorCode.AMOUNT_INVALID, value=str(value)[:50])
    return number.quantize(CENT)


def payment_date(value: date | str, *, today: date) -> date:
    """The day a payment came: a past day (a day and month alone mean the latest such day), never a future one."""
    if isinstance(value, str):
        paid_on = parse_date(value, today=today)
        if paid_on > today and _DAY_MONTH.match(value.strip()):
            try:
                paid_on = paid_on.replace(year=paid_on.year - 1)
            except ValueError as error:  # 29.02
                raise DomainError(ErrorCode.DATE_UNREADABLE, value=value[:40]) from error
    else:
        paid_on = value
    if paid_on > today:
        raise DomainError(ErrorCode.PAYMENT_DATE_IN_FUTURE, value=paid_on.isoformat(), today=today.isoformat())
    return paid_on


def _cell(cells: list[str], index: int | None) -> str:
    return clean(cells[index]) if index is not None and index < len(cells) else ""
