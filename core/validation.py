"""Checks of what people type, each refusing with a domain error that says what to type."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import DomainError, ErrorCode

MAX_QUANTITY = Decimal("999999999")
MAX_PRICE = Decimal("999999999999")
MAX_HORIZON = timedelta(days=3 * 366)
LANGUAGES = ("ru", "en")

# Control characters (NUL among them: PostgreSQL refuses it in text) and the bidirectional
# embeddings, overrides and isolates, which can make a name read backwards in someone's chat.
# Tabs and line breaks stay: a note may have several lines.
_UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(value: str | None) -> str:
    """What a person typed, as the core keeps and searches it: no control characters, no bidi overrides, trimmed."""
    return _UNWANTED.sub("", value or "").strip()


def parse_decimal(value: Decimal | int | str) -> Decimal | None:
    """A finite Decimal from a number or from text as people type it ("1 000,5"), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        cleaned = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cleaned):
            return None
        value = cleaned
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def quantity(value: Decimal | int | str, *, whole: bool, unit: str = "") -> Decimal:
    number = parse_decimal(value)
    if number is None:
        raise DomainError(ErrorCode.QUANTITY_NOT_A_NUMBER, value=str(value)[:50])
    if number <= 0:
        raise DomainError(ErrorCode.QUANTITY_NOT_POSITIVE, value=str(number))
    if number > MAX_QUANTITY:
        raise DomainError(ErrorCode.QUANTITY_TOO_LARGE, value=_short(number), maximum=str(MAX_QUANTITY))
    if whole and number != number.to_integral_value():
        raise DomainError(ErrorCode.QUANTITY_NOT_WHOLE, value=str(number), unit=unit)
    if number != number.quantize(Decimal("0.001")):
        raise DomainError(ErrorCode.QUANTITY_TOO_PRECISE, value=str(number))
    return number.quantize(Decimal("0.001"))


def price(value: Decimal | int | str) -> Decimal:
    number = parse_decimal(value)
    if number is None or number < 0 or number > MAX_PRICE or number != number.quantize(Decimal("0.01")):
        raise DomainError(ErrorCode.PRICE_INVALID, value=str(value)[:50])
    return number.quantize(Decimal("0.01"))


def text(value: str | None, *, field: str, max_length: int, required: bool = True) -> str:
    cleaned = clean(value)
    if not cleaned and required:
        raise DomainError(ErrorCode.TEXT_EMPTY, field=field)
    if len(cleaned) > max_length:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, field=field, maximum=max_length, length=len(cleaned))
    return cleaned


def reason(value: str | None) -> str:
    """A reason says something: a dash or a dot alone is no reason."""
    cleaned = clean(value)
    if not any(char.isalnum() for char in cleaned):
        raise DomainError(ErrorCode.REASON_REQUIRED)
    return text(cleaned, field="reason", max_length=1000)


def required_by(value: date, *, today: date) -> date:
    if value < today:
        raise DomainError(ErrorCode.DATE_IN_PAST, value=value.isoformat(), today=today.isoformat())
    if value > today + MAX_HORIZON:
        raise DomainError(ErrorCode.DATE_TOO_FAR, value=value.isoformat(), latest=(today + MAX_HORIZON).isoformat())
    return value


def local_today(now: datetime, time_zone: str) -> date:
    """The date a person sees on their calendar at `now`."""
    return now.astimezone(zone(time_zone)).date()


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise DomainError(ErrorCode.TIME_ZONE_UNKNOWN, value=name[:64]) from error


def language(value: str) -> str:
    if value not in LANGUAGES:
        raise DomainError(ErrorCode.LANGUAGE_UNKNOWN, value=value[:16], known=", ".join(LANGUAGES))
    return value


def tax_id(value: str | None) -> str | None:
    """A Russian ИНН: 10 digits for a company, 12 for a person, with its check digits."""
    if value is None or not value.strip():
        return None
    digits = value.strip()
    if not (digits.isascii() and digits.isdigit() and len(digits) in (10, 12)) or not _inn_checks(digits):
        raise DomainError(ErrorCode.TAX_ID_INVALID, value=digits[:20])
    return digits


def inn_check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _inn_checks(digits: str) -> bool:
    if len(digits) == 10:
        return inn_check_digit(digits, _W10) == int(digits[9])
    return inn_check_digit(digits, _W11) == int(digits[10]) and inn_check_digit(digits, _W12) == int(digits[11])


def _short(number: Decimal) -> str:
    """The number exactly when it is short enough to read, else its first digits and magnitude."""
    exact = f"{number:f}"  # no precision given: Decimal writes every digit, whatever the context
    return exact if len(exact) <= 40 else f"{number:.3e}"
