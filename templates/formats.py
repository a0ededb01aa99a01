"""Numbers, money, dates and times as a reader of one locale expects them, through Babel.

Every function takes what the core hands over (a Decimal, a date, an aware datetime) or the
same as text (error params are plain strings, e.g. "7951.50" or an ISO time), and gives back
the value as it was when it cannot read it: a message with a raw value beats no message.
Floats are refused outright, because money and quantities are never floats here.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation, localcontext
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

DEFAULT_CURRENCY = "RUB"
DEFAULT_TIME_ZONE = "Europe/Moscow"

# CLDR patterns per language; a language missing here is shown the Russian way.
_DAY = {"ru": "dd.MM.yyyy", "en": "d MMM yyyy"}
_MOMENT = {"ru": "dd.MM.yyyy HH:mm", "en": "d MMM yyyy, HH:mm"}
_CLOCK = {"ru": "HH:mm dd.MM", "en": "HH:mm, d MMM"}
# Babel writes "RUB7,951.50" in English; CLDR's currency spacing wants a space after a code.
_CODE_BEFORE_DIGITS = re.compile(r"([A-Z]{3})(?=\d)")
# Babel rounds in the current decimal context (28 digits by default) and fails beyond it; every
# number is formatted in a context wide enough for it, and a longer one is shown as it came.
MOST_DIGITS = 60
_PRECISION = 2 * MOST_DIGITS + 10


def to_decimal(value: object) -> Decimal | None:
    """A finite Decimal of at most MOST_DIGITS digits either side of the point; None for anything else."""
    if isinstance(value, float):
        raise TypeError("money and quantities are Decimal, never float")
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    if not number.is_finite() or not -MOST_DIGITS <= number.adjusted() < MOST_DIGITS:
        return None
    return number if len(number.as_tuple().digits) <= 2 * MOST_DIGITS else None


def money(amount: object, currency: str | None = None, *, locale: str) -> str:
    """7 951,50 ₽ in Russian, RUB 7,951.50 in English; the currency's own number of decimals."""
    number = to_decimal(amount)
    if number is None:
        return str(amount)
    with localcontext(prec=_PRECISION):
        text = format_currency(number, currency or DEFAULT_CURRENCY, locale=locale)
    return _CODE_BEFORE_DIGITS.sub("\\1\u00a0", text)


def amount(value: object, *, locale: str) -> str:
    """A sum without its currency (a price typed or quoted in a message): 7 951,50."""
    number = to_decimal(value)
    if number is None:
        return str(value)
    with localcontext(prec=_PRECISION):
        return format_decimal(number, format="#,##0.00", locale=locale)


def qty(value: object, *, locale: str) -> str:
    """A quantity without trailing zeros and without rounding: 50, 2,5, 0,125."""
    number = to_decimal(value)
    if number is None:
        return str(value)
    with localcontext(prec=_PRECISION):
        number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
        return format_decimal(number, locale=locale, decimal_quantization=False)


def day(value: object, *, locale: str) -> str:
    """A calendar date: 15.12.2026 in Russian, 15 Dec 2026 in English."""
    when = _to_date(value)
    return str(value) if when is None else format_date(when, _DAY.get(locale, _DAY["ru"]), locale=locale)


def moment(value: object, tz: str | None = None, *, locale: str) -> str:
    """A moment in the reader's time zone: 15.12.2026 14:05."""
    return _local(value, tz, _MOMENT, locale)


def clock(value: object, tz: str | None = None, *, locale: str) -> str:
    """A recent moment, short, for "who did it and when": 14:05 15.12."""
    return _local(value, tz, _CLOCK, locale)


def time_zone(name: str | None) -> ZoneInfo:
    """The named zone, or Moscow when the name is empty or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def _local(value: object, tz: str | None, patterns: dict[str, str], locale: str) -> str:
    moment_ = _to_datetime(value)
    if moment_ is None:
        return str(value)
    local = moment_.astimezone(time_zone(tz))
    return format_datetime(local, patterns.get(locale, patterns["ru"]), locale=locale)


def _to_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _to_datetime(value: object) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    # Times are stored in UTC; a naive one read back from SQLite lost only its label.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
