"""Report periods as people name them: this week, month or quarter, or a typed range such as `01.11-30.11`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from core.errors import DomainError, ErrorCode

MAX_DAYS = 3 * 366  # a typed range longer than this is a typing slip, not a report people read in a chat
_DAY = r"(\d{1,2})\.(\d{1,2})(?:\.(\d{2}|\d{4}))?"
_RANGE = re.compile(rf"{_DAY}\s*[-–—]\s*{_DAY}")


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    RANGE = "range"


@dataclass(frozen=True, slots=True)
class Period:
    """The days of a report, both included, and what the person asked for."""

    kind: PeriodKind
    start: date
    end: date


def named_period(kind: PeriodKind, *, today: date) -> Period:
    """The calendar week (Monday to Sunday), month or quarter that holds `today`."""
    if kind is PeriodKind.WEEK:
        monday = today - timedelta(days=today.weekday())
        return Period(kind, monday, monday + timedelta(days=6))
    first_month = today.month if kind is PeriodKind.MONTH else 3 * ((today.month - 1) // 3) + 1
    months = 1 if kind is PeriodKind.MONTH else 3
    start = date(today.year, first_month, 1)
    after = date(start.year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
    return Period(kind, start, after - timedelta(days=1))


def typed_period(text: str, *, today: date) -> Period:
    """A range typed as `01.11-30.11` or `01.11.2026-31.01.2027`.

    Rules:
    - a day without a year is in today's year; when the start would then fall after the end
      (`15.12-15.01`), the start is in the year before;
    - anything else, or a day that does not exist, is PERIOD_UNREADABLE; a start after an end given
      with their years is PERIOD_INVALID; a range over three years is PERIOD_TOO_LONG.
    """
    found = _RANGE.fullmatch(text.strip())
    if found is None:
        raise DomainError(ErrorCode.PERIOD_UNREADABLE, value=text.strip()[:40])
    d1, m1, y1, d2, m2, y2 = found.groups()
    try:
        end = date(_year(y2, today), int(m2), int(d2))
        start = date(_year(y1, today) if y1 else end.year, int(m1), int(d1))
        if not y1 and start > end:
            start = start.replace(year=start.year - 1)
    except ValueError as error:
        raise DomainError(ErrorCode.PERIOD_UNREADABLE, value=text.strip()[:40]) from error
    if start > end:
        raise DomainError(ErrorCode.PERIOD_INVALID, start=start.isoformat(), end=end.isoformat())
    if (end - start).days + 1 > MAX_DAYS:
        raise DomainError(ErrorCode.PERIOD_TOO_LONG, start=start.isoformat(), end=end.isoformat(), days=MAX_DAYS)
    return Period(PeriodKind.RANGE, start, end)


def _year(typed: str | None, today: date) -> int:
    if not typed:
        return today.year
    return int(typed) + 2000 if len(typed) == 2 else int(typed)
