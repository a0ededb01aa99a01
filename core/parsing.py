"""Reading what people type on a phone: dates like «15.12» or «через 2 недели», quick entries, quiet hours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.errors import DomainError, ErrorCode

_NUMERIC = re.compile(r"^(?P<d>[0-9]{1,2})[./-](?P<m>[0-9]{1,2})(?:[./-](?P<y>[0-9]{2}|[0-9]{4}))?$")
_ISO = re.compile(r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})$")
_PLUS = re.compile(r"^\+\s*(?P<n>[0-9]{1,4})\s*(?P<unit>[а-яa-z]*)\.?$")
_IN = re.compile(
    r"^(?:через|in)\s+(?P<n>[0-9]{1,4}|одн[уа]|один|две|два|три|четыре|пять|a|an|one|two|three|four)?\s*(?P<unit>[а-яa-z]+)$"
)
_WORD_NUMBERS = {
    "одну": 1,
    "одна": 1,
    "один": 1,
    "две": 2,
    "два": 2,
    "три": 3,
    "четыре": 4,
    "пять": 5,
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
}
_NAMED = {"сегодня": 0, "today": 0, "завтра": 1, "tomorrow": 1, "послезавтра": 2}

# Ids are PostgreSQL's `integer`: a larger number names nothing and must not reach a query.
MAX_ID = 2**31 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_id(text: str | None) -> int | None:
    """A record's id from a button, a link or a command line: ASCII digits within 1..MAX_ID, else None.

    `str.isdigit` would take "²" or "٣", which `int` then refuses or reads as another number.
    """
    if text is None or not _ASCII_DIGITS.fullmatch(text.strip()):
        return None
    value = int(text.strip())
    return value if 1 <= value <= MAX_ID else None


def _unit_days(unit: str) -> int | None:
    if unit in ("", "д", "дн", "день", "дня", "дней", "d", "day", "days"):
        return 1
    if unit == "н" or unit.startswith(("нед", "week", "w")):
        return 7
    if unit == "м" or unit.startswith(("мес", "month", "m")):
        return 30
    return None


def parse_date(text: str, *, today: date) -> date:
    """A calendar date from the forms people use; a day and month without a year mean the next such day.

    Accepts 15.12, 15.12.2026, 15.12.26, 2026-12-15, +14, +2н, «через 2 недели», «завтра»,
    and what dateparser understands in Russian or English («15 декабря», «Dec 15»).
    Anything else is refused with DATE_UNREADABLE rather than guessed.
    """
    typed = " ".join(text.strip().lower().split())
    if not typed:
        raise DomainError(ErrorCode.DATE_UNREADABLE, value=text[:40])
    try:
        return _parse(typed, today)
    except ValueError as error:  # 32.13 and the like
        raise DomainError(ErrorCode.DATE_UNREADABLE, value=text[:40]) from error


def _parse(typed: str, today: date) -> date:
    if typed in _NAMED:
        return today + timedelta(days=_NAMED[typed])
    if match := _ISO.match(typed):
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    if match := _NUMERIC.match(typed):
        day, month, year = int(match["d"]), int(match["m"]), match["y"]
        if year is not None:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        candidate = date(today.year, month, day)
        return candidate if candidate >= today else date(today.year + 1, month, day)
    for pattern in (_PLUS, _IN):
        if match := pattern.match(typed):
            count = match["n"] or "1"
            number = int(count) if count.isdigit() else _WORD_NUMBERS[count]
            days = _unit_days(match["unit"])
            if days is not None:
                return today + timedelta(days=number * days)
            raise ValueError(typed)
    return _natural(typed, today)


def _natural(typed: str, today: date) -> date:
    if not re.search(r"[a-zа-я]", typed):
        raise ValueError(typed)
    import dateparser  # slow to import; only free text needs it

    parsed = dateparser.parse(
        typed,
        languages=["ru", "en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "DATE_ORDER": "DMY",
            "RELATIVE_BASE": datetime.combine(today, time(12)),
            "STRICT_PARSING": False,
            "REQUIRE_PARTS": ["day"],
        },
    )
    if parsed is None:
        raise ValueError(typed)
    result: date = parsed.date()
    return result


@dataclass(frozen=True, slots=True)
class QuickLine:
    text: str
    item: str
    quantity: str
    required_by: str | None


@dataclass(frozen=True, slots=True)
class QuickEntry:
    """A request typed in one message: «Ромашка; ВК-12 x50 до 15.12; ВК-14 x10 до 20.12»."""

    counterparty: str
    lines: tuple[QuickLine, ...]
    unreadable: tuple[str, ...]


_LINE = re.compile(
    r"^(?P<item>.+?)\s*(?:[xх×*]\s*|\s)(?P<qty>\d[\d\s]*(?:[.,]\d+)?)\s*(?:шт|м|кг|pcs|m|kg)?\.?"
    r"(?:\s+(?:до|к|by|till)\s+(?P<date>.+))?$",
    re.IGNORECASE,
)


def looks_like_quick_entry(text: str) -> bool:
    return ";" in text and not text.lstrip().startswith("/")


def parse_quick_entry(text: str) -> QuickEntry:
    """Split the message into the counterparty and lines; parts that are not «item xN до date» are pointed at."""
    parts = [part.strip() for part in re.split(r"[;\n]+", text) if part.strip()]
    counterparty = parts[0] if parts else ""
    lines: list[QuickLine] = []
    unreadable: list[str] = []
    for part in parts[1:]:
        match = _LINE.match(part)
        if match is None:
            unreadable.append(part)
            continue
        lines.append(
            QuickLine(
                text=part,
                item=match["item"].strip(),
                quantity=match["qty"].replace(" ", ""),
                required_by=match["date"].strip() if match["date"] else None,
            )
        )
    return QuickEntry(counterparty=counterparty, lines=tuple(lines), unreadable=tuple(unreadable))


@dataclass(frozen=True, slots=True)
class QuietHours:
    """When a person hears only what is urgent: from `start` until `end`, overnight when `end` comes first."""

    start: time
    end: time


_CLOCK = r"(?P<{0}_hour>[0-9]{{1,2}})(?:[:.](?P<{0}_minute>[0-9]{{2}}))?"
_QUIET_HOURS = re.compile(
    r"^(?:с|from)?\s*" + _CLOCK.format("start") + r"\s*(?:-|–|—|до|to|till|\s)\s*" + _CLOCK.format("end") + r"$"
)


def parse_quiet_hours(text: str) -> QuietHours:
    """Quiet hours as people type them: 22:00-07:00, 22-7, 22.30–7, «с 22 до 7», "from 22 to 7".

    Hours run 0–23 on a 24-hour clock (24:00 is midnight); anything else is refused with
    QUIET_HOURS_UNREADABLE rather than guessed. Whether the two times make sense together is the
    setting's rule (`core.use_cases.settings.set_quiet_hours`), not the reading's.
    """
    typed = " ".join(text.strip().lower().split())
    match = _QUIET_HOURS.match(typed)
    start = _clock(match, "start") if match is not None else None
    end = _clock(match, "end") if match is not None else None
    if start is None or end is None:
        raise DomainError(ErrorCode.QUIET_HOURS_UNREADABLE, value=text.strip()[:40])
    return QuietHours(start=start, end=end)


def _clock(match: re.Match[str], which: str) -> time | None:
    hour, minute = int(match[f"{which}_hour"]), int(match[f"{which}_minute"] or 0)
    if hour == 24 and minute == 0:
        return time(0, 0)
    return time(hour, minute) if hour < 24 and minute < 60 else None
