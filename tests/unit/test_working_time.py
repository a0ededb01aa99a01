"""Working time: only the company's hours count, never nights, weekends or holidays; the settings read the calendar."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from core.settings import Settings
from core.working_time import WorkingCalendar, parse_days, parse_holidays, parse_hours

MOSCOW = ZoneInfo("Europe/Moscow")
CALENDAR = WorkingCalendar()  # 09:00–18:00, Monday to Friday, in Moscow


def at(day: int, hour: int, minute: int = 0, *, month: int = 12) -> datetime:
    """A moment of December 2026 in Moscow (the 4th is a Friday, the 7th a Monday)."""
    return datetime(2026, month, day, hour, minute, tzinfo=MOSCOW)


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


def test_hours_within_one_working_day_count_as_they_pass() -> None:
    assert CALENDAR.working_time(at(1, 10), at(1, 14, 30)) == hours(4.5)


def test_the_night_between_two_working_days_does_not_count() -> None:
    assert CALENDAR.working_time(at(1, 17), at(2, 10)) == hours(2)


def test_a_weekend_does_not_count() -> None:
    assert CALENDAR.working_time(at(4, 16), at(7, 11)) == hours(4)


def test_a_step_opened_at_night_or_on_a_weekend_starts_counting_when_work_starts() -> None:
    assert CALENDAR.working_time(at(5, 12), at(7, 9)) == timedelta(0)
    assert CALENDAR.working_time(at(2, 23), at(3, 10)) == hours(1)
    assert CALENDAR.working_time(at(3, 7), at(3, 20)) == hours(9)


def test_a_holiday_counts_as_a_day_off() -> None:
    friday_off = WorkingCalendar(holidays=frozenset({date(2026, 12, 4)}))
    assert friday_off.working_time(at(3, 16), at(7, 11)) == hours(4)


def test_moments_in_another_zone_are_counted_by_the_company_clock() -> None:
    opened = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 09:00 in Moscow
    assert CALENDAR.working_time(opened, datetime(2026, 12, 1, 10, 0, tzinfo=UTC)) == hours(4)
    vladivostok = WorkingCalendar(time_zone="Asia/Vladivostok")  # 09:00 there is 02:00 in Moscow
    assert vladivostok.working_time(at(1, 2), at(1, 4)) == hours(2)


def test_a_span_that_ends_before_it_starts_has_no_working_time() -> None:
    assert CALENDAR.working_time(at(2, 12), at(1, 12)) == timedelta(0)


def test_a_long_wait_counts_every_working_day_of_it() -> None:
    assert CALENDAR.working_time(at(1, 9, month=6), at(1, 9, month=7)) == hours(9 * 22)  # June 2026: 22 weekdays


def test_the_settings_texts_read_as_a_calendar() -> None:
    assert parse_hours("9:30-17:45") == (time(9, 30), time(17, 45))
    assert parse_hours(" 08:00 – 20:00 ") == (time(8), time(20))
    assert parse_days("Mon-Fri") == frozenset(range(5))
    assert parse_days("mon,Wed, friday") == frozenset({0, 2, 4})
    assert parse_days("Sun-Thu") == frozenset({6, 0, 1, 2, 3})
    assert parse_days("Mon-Thu,Sat") == frozenset({0, 1, 2, 3, 5})
    assert parse_holidays("") == frozenset()
    assert parse_holidays("2027-01-01..2027-01-03, 2027-02-23") == frozenset(
        {date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3), date(2027, 2, 23)}
    )


@pytest.mark.parametrize(
    ("parse", "text", "says"),
    [
        (parse_hours, "9-18", 'type it as "09:00-18:00"'),
        (parse_hours, "09:00-25:00", 'type it as "09:00-18:00"'),
        (parse_hours, "18:00-09:00", "must end after it starts"),
        (parse_days, "Mon-Fry", '"Mon-Fri" or "Mon-Thu,Sat"'),
        (parse_days, "", "type days as Mon, Tue"),
        (parse_days, "Mon-Wed-Fri", "spans with a dash"),
        (parse_holidays, "01.01.2027", "type dates as YYYY-MM-DD"),
        (parse_holidays, "2027-01-08..2027-01-01", "type the earlier date first"),
    ],
)
def test_a_calendar_typed_wrongly_is_refused_saying_what_to_type(
    parse: Callable[[str], object], text: str, says: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(says)) as refused:
        parse(text)
    assert text.strip() in str(refused.value)


def test_a_calendar_without_working_days_or_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one working day"):
        WorkingCalendar(days=frozenset())
    with pytest.raises(ValueError, match='"Mars/Olympus" is not a time zone'):
        WorkingCalendar(time_zone="Mars/Olympus")


def test_the_settings_give_the_calendar_in_the_company_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBOT_TIME_ZONE", "Asia/Yekaterinburg")
    monkeypatch.setenv("ORDERBOT_WORKING_HOURS", "08:00-17:00")
    monkeypatch.setenv("ORDERBOT_WORKING_DAYS", "Mon-Sat")
    monkeypatch.setenv("ORDERBOT_HOLIDAYS", "2027-01-01..2027-01-08")
    calendar = Settings().working_calendar()
    assert calendar == WorkingCalendar(
        opens=time(8),
        closes=time(17),
        days=frozenset(range(6)),
        holidays=frozenset(date(2027, 1, n) for n in range(1, 9)),
        time_zone="Asia/Yekaterinburg",
    )


def test_the_defaults_remind_after_four_working_hours_and_escalate_after_eight() -> None:
    settings = Settings()
    assert (settings.remind_after_hours, settings.escalate_after_hours) == (4, 8)
    assert settings.working_calendar() == WorkingCalendar(time_zone=settings.default_time_zone)


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("ORDERBOT_WORKING_HOURS", "9 to 6", 'type it as "09:00-18:00"'),
        ("ORDERBOT_WORKING_DAYS", "weekdays", '"Mon-Fri"'),
        ("ORDERBOT_HOLIDAYS", "2027-02-30", "YYYY-MM-DD"),
        ("ORDERBOT_ESCALATE_AFTER_HOURS", "3", "must be more than ORDERBOT_REMIND_AFTER_HOURS (4)"),
        ("ORDERBOT_REMIND_AFTER_HOURS", "0", "greater than or equal to 1"),
    ],
)
def test_a_reminder_setting_typed_wrongly_stops_the_start_saying_what_to_type(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, says: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert says in str(refused.value)
