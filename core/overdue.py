"""Overdue payments: the cadence of reminders and the ageing of debts, as rules written once.

- A schedule row is overdue from the day after its due date while it is not fully paid; its days
  overdue count from its due date in the company's calendar days.
- Its reminders follow a cadence of days overdue (`ORDERBOT_OVERDUE_DAYS`, "1,3,7,14" by default): the
  step a row has reached is the last day of the cadence it has passed, counted from its *anchor*: its
  due date, or the date the customer promised to pay by when the manager recorded one.
- A promise defers the reminders: while today is not past the promised date the row is not reminded of;
  once past it and still unpaid, the cadence starts again from the promised date.
- Debts age in buckets of days overdue: not yet due, 0–30, 31–60, 61–90 and over 90.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.working_time import WorkingCalendar

DEFAULT_CADENCE = (1, 3, 7, 14)
NOT_REMINDED = 0


class AgeBucket(StrEnum):
    """Where a debt stands by its days overdue."""

    NOT_DUE = "not_due"
    DAYS_0_30 = "d0_30"
    DAYS_31_60 = "d31_60"
    DAYS_61_90 = "d61_90"
    OVER_90 = "over_90"


# The upper bound of days overdue of each overdue bucket (inclusive); over 90 takes the rest.
BUCKET_LIMITS: tuple[tuple[AgeBucket, int], ...] = (
    (AgeBucket.DAYS_0_30, 30),
    (AgeBucket.DAYS_31_60, 60),
    (AgeBucket.DAYS_61_90, 90),
)


def parse_overdue_days(text: str) -> tuple[int, ...]:
    """ "1,3,7,14" as the days overdue a reminder goes on: positive, distinct, ascending."""
    try:
        days = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise ValueError(f'"{text}" is not a list of days overdue: type them as "1,3,7,14"') from None
    if not days or any(day < 1 for day in days) or list(days) != sorted(set(days)):
        raise ValueError(f'"{text}" must be days overdue from 1 up, ascending, each once: type them as "1,3,7,14"')
    return days


def days_overdue(due_date: date, today: date) -> int:
    """How many days past its due date a row is today (0 or less: not overdue yet)."""
    return (today - due_date).days


def anchor(due_date: date, promised_date: date | None) -> date:
    """What the cadence counts from: the promised date when there is one, else the due date."""
    return promised_date if promised_date is not None else due_date


def deferred(promised_date: date | None, today: date) -> bool:
    """The customer promised to pay by a day not past yet: no reminder until it is."""
    return promised_date is not None and today <= promised_date


def step_reached(days: int, cadence: Sequence[int]) -> int:
    """The last day of the cadence that `days` overdue has reached; NOT_REMINDED before the first."""
    return max((day for day in cadence if day <= days), default=NOT_REMINDED)


def is_working_moment(calendar: WorkingCalendar, now: datetime) -> bool:
    """`now` falls within the company's working hours on one of its working days."""
    local = now.astimezone(ZoneInfo(calendar.time_zone))
    clock = local.time().replace(tzinfo=None)
    return calendar.is_working_day(local.date()) and calendar.opens <= clock < calendar.closes


def company_today(calendar: WorkingCalendar, now: datetime) -> date:
    return now.astimezone(ZoneInfo(calendar.time_zone)).date()
