"""Reading quiet hours as people type them on a phone, and refusing what is not quiet hours with words saying so."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import DomainError, ErrorCode
from core.parsing import QuietHours, parse_quiet_hours


@pytest.mark.parametrize(
    ("typed", "start", "end"),
    [
        ("22:00-07:00", time(22, 0), time(7, 0)),
        ("22-7", time(22, 0), time(7, 0)),
        ("22 - 7", time(22, 0), time(7, 0)),
        ("22 7", time(22, 0), time(7, 0)),
        ("22.30–6.45", time(22, 30), time(6, 45)),
        ("21:00 — 08:00", time(21, 0), time(8, 0)),
        ("с 22 до 7", time(22, 0), time(7, 0)),
        ("С 23:15 ДО 06:00", time(23, 15), time(6, 0)),
        ("from 22 to 7", time(22, 0), time(7, 0)),
        ("  13:00-14:00  ", time(13, 0), time(14, 0)),  # a quiet lunch: hours within one day
        ("24:00-6", time(0, 0), time(6, 0)),  # 24:00 is midnight
        ("8-8", time(8, 0), time(8, 0)),  # read; whether they make sense is the setting's rule
    ],
)
def test_quiet_hours_are_read_in_the_forms_people_type_them(typed: str, start: time, end: time) -> None:
    assert parse_quiet_hours(typed) == QuietHours(start=start, end=end)


@pytest.mark.parametrize(
    "typed",
    ["", "22", "22-", "-7", "2207", "25-7", "22-24:30", "22:60-7", "22:5-7", "поздно вечером", "22-7-9", "10pm-7am"],
)
def test_what_is_not_quiet_hours_is_refused_as_unreadable_naming_what_was_typed(typed: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_quiet_hours(typed)
    assert refused.value.code is ErrorCode.QUIET_HOURS_UNREADABLE
    assert refused.value.params["value"] == typed.strip()[:40]


def test_a_long_text_is_named_by_its_beginning_only() -> None:
    with pytest.raises(DomainError) as refused:
        parse_quiet_hours("9" * 500)
    assert refused.value.params["value"] == "9" * 40


@given(st.times(), st.times())
def test_any_two_clock_times_written_as_hh_mm_are_read_back_to_the_minute(start: time, end: time) -> None:
    typed = f"{start:%H:%M}-{end:%H:%M}"
    assert parse_quiet_hours(typed) == QuietHours(start=start.replace(second=0, microsecond=0),
                                                  end=end.replace(second=0, microsecond=0))  # fmt: skip
