"""Working time: how much of the span between two moments fell within the company's working hours.

The calendar is the working hours of a day (09:00–18:00), the working days of the week (Mon–Fri)
and the holidays, all in the company's time zone (`ORDERBOT_TIME_ZONE`). An approval that opened on
Friday evening has not waited all weekend: only these hours count. The parsers read the settings'
texts and say what to type when a text is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # Monday is 0, as date.weekday() counts
_DAY_NAMES = {
    **{name: n for n, name in enumerate(WEEKDAYS)},
    **{
        name: n for n, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
    },
}
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})\s*$")
_DASH = re.compile(r"\s*[-–—]\s*")


@dataclass(frozen=True)
class WorkingCalendar:
    """When the company works: `opens`–`closes` on `days` (Monday is 0), except `holidays`, in `time_zone`."""

    opens: time = time(9, 0)
    closes: time = time(18, 0)
    days: frozenset[int] = frozenset(range(5))
    holidays: frozenset[date] = field(default_factory=frozenset)
    time_zone: str = "Europe/Moscow"

    def __post_init__(self) -> None:
        if self.opens >= self.closes:
            raise ValueError(
                f"the working day must end after it starts ({self.opens:%H:%M}-{self.closes:%H:%M}): "
                'type it as "09:00-18:00"'
            )
        if not self.days or not self.days <= set(range(7)):
            raise ValueError('name at least one working day: type them as "Mon-Fri"')
        _zone(self.time_zone)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.holidays

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """The working time between two moments (aware datetimes); nothing when `end` is not after `start`."""
        if end <= start:
            return timedelta(0)
        zone = _zone(self.time_zone)
        day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
        total = timedelta(0)
        while day <= last:
            if self.is_working_day(day):
                # In UTC: two moments of one zone subtract as wall clocks, which a change of clocks would skew.
                opens = datetime.combine(day, self.opens, zone).astimezone(UTC)
                closes = datetime.combine(day, self.closes, zone).astimezone(UTC)
                total += max(timedelta(0), min(closes, end) - max(opens, start))
            day += timedelta(days=1)
        return total


def parse_hours(text: str) -> tuple[time, time]:
    """ "09:00-18:00" as the day's opening and closing times."""
    found = _HOURS.match(text)
    try:
        if found is None:
            raise ValueError(text)
        hours = [int(part) for part in found.groups()]
        opens, closes = time(hours[0], hours[1]), time(hours[2], hours[3])
    except ValueError:
        raise ValueError(f'"{text}" is not a span of working hours: type it as "09:00-18:00"') from None
    if opens >= closes:
        raise ValueError(f'the working day "{text}" must end after it starts: type it as "09:00-18:00"')
    return opens, closes


def parse_days(text: str) -> frozenset[int]:
    """ "Mon-Fri", "Mon,Wed,Fri" or "Sun-Thu" as weekday numbers (Monday is 0); a span may wrap past Sunday."""
    days: set[int] = set()
    for part in (piece.strip() for piece in text.split(",")):
        ends = _DASH.split(part)
        if not part or len(ends) > 2 or any(end.lower() not in _DAY_NAMES for end in ends):
            raise ValueError(
                f'"{text}" is not a list of working days: type days as Mon, Tue, Wed, Thu, Fri, Sat, Sun '
                'and spans with a dash, e.g. "Mon-Fri" or "Mon-Thu,Sat"'
            )
        first, last = (_DAY_NAMES[end.lower()] for end in (ends[0], ends[-1]))
        days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
    return frozenset(days)


def parse_holidays(text: str) -> frozenset[date]:
    """ "2027-01-01..2027-01-08,2027-02-23" as the days off: dates and spans of dates, comma-separated."""
    days: set[date] = set()
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            continue
        try:
            first, _dots, last = part.partition("..")
            start, end = date.fromisoformat(first.strip()), date.fromisoformat((last or first).strip())
        except ValueError:
            raise ValueError(
                f'"{part}" is not a holiday: type dates as YYYY-MM-DD, comma-separated, and a span as '
                '"2027-01-01..2027-01-08"'
            ) from None
        if end < start:
            raise ValueError(f'the holidays "{part}" end before they start: type the earlier date first')
        days.update(start + timedelta(days=n) for n in range((end - start).days + 1))
    return frozenset(days)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f'"{name}" is not a time zone: type one such as "Europe/Moscow"') from None
