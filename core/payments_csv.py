"""Payments as a CSV file (a bank statement's export): one row per payment, every bad row named.

The first row names the columns (in any order, Russian or English): the order's number, the amount
and the date it was paid; a comment is optional. Commas or semicolons separate the columns; amounts
may be typed as people type them ("1 000,50"), dates as 15.12.2026, 15.12 or 2026-12-15. Row numbers
are the file's, the header being row 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.csv_table import RowError, read_records
from core.errors import DomainError, ErrorCode
from core.money import CENT
from core.parsing import parse_date
from core.validation import MAX_PRICE, parse_decimal

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
    header_error, records = read_records(
        content, COLUMNS, required=REQUIRED, missing_code=ErrorCode.CSV_COLUMNS_MISSING
    )
    if header_error is not None:
        return PaymentsCsv((), (header_error,))
    rows: list[PaymentLine] = []
    errors: list[RowError] = []
    for number, found in records:
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
