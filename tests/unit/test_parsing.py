"""Dates and quick entries as people type them on a phone."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import DomainError, ErrorCode
from core.numbering import order_number
from core.parsing import looks_like_quick_entry, parse_date, parse_id, parse_quick_entry
from core.search import fold, rank

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15.12", date(2026, 12, 15)),
        ("15.12.2026", date(2026, 12, 15)),
        ("15.12.26", date(2026, 12, 15)),
        ("2026-12-15", date(2026, 12, 15)),
        ("+14", date(2026, 12, 14)),
        ("+2н", date(2026, 12, 14)),
        ("через 2 недели", date(2026, 12, 14)),
        ("через неделю", date(2026, 12, 7)),
        ("через 10 дней", date(2026, 12, 10)),
        ("завтра", date(2026, 12, 1)),
        ("15.01", date(2027, 1, 15)),
        ("15 декабря", date(2026, 12, 15)),
        ("in 2 weeks", date(2026, 12, 14)),
    ],
)
def test_the_dates_people_type_are_understood(typed: str, expected: date) -> None:
    assert parse_date(typed, today=TODAY) == expected


@pytest.mark.parametrize("typed", ["32.13", "31.02.2027", "abc", "", "через много", "15/15/15"])
def test_what_is_not_a_date_is_refused_rather_than_guessed(typed: str) -> None:
    with pytest.raises(DomainError) as refusal:
        parse_date(typed, today=TODAY)
    assert refusal.value.code is ErrorCode.DATE_UNREADABLE


def test_a_quick_entry_splits_into_counterparty_and_lines_and_points_at_the_rest() -> None:
    entry = parse_quick_entry("Ромашка; ВК-12 x50 до 15.12; ВК-14 х10 до 20.12; просто текст; ВЗ-100 12,5 м")
    assert entry.counterparty == "Ромашка"
    assert [(line.item, line.quantity, line.required_by) for line in entry.lines] == [
        ("ВК-12", "50", "15.12"),
        ("ВК-14", "10", "20.12"),
        ("ВЗ-100", "12,5", None),
    ]
    assert entry.unreadable == ("просто текст",)
    assert looks_like_quick_entry("Ромашка; ВК-12 x5") and not looks_like_quick_entry("/find a;b")


def test_search_folds_case_yo_and_latin_lookalikes() -> None:
    assert fold("BK-12 Ёлка") == fold("вк-12 елка")
    entries = [(1, "ВК-12", "ВК-12 Вентилятор"), (2, "ВК-120", "ВК-120 Вентилятор большой"), (3, "КЦ-1", "Клапан")]
    assert rank("bk-12", entries, limit=5)[:2] == [1, 2]
    assert rank("клапн", entries, limit=5) == [3]


@pytest.mark.parametrize(("typed", "expected"), [("1", 1), ("42", 42), (" 7 ", 7), ("2147483647", 2**31 - 1)])
def test_an_id_is_ascii_digits_within_the_databases_integer(typed: str, expected: int) -> None:
    assert parse_id(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "0", "-1", "+1", "²", "1²", "٣", "１２", "2147483648", "99999999999", "1e3", "1.0", "abc", None]
)
def test_anything_else_is_no_id(typed: str | None) -> None:
    assert parse_id(typed) is None


@given(typed=st.text(max_size=20))
def test_no_text_makes_the_id_parser_raise(typed: str) -> None:
    found = parse_id(typed)
    assert found is None or 1 <= found <= 2**31 - 1


@pytest.mark.parametrize(
    "typed", ["ЗС-000025", "зс-25", "ЗС 25", "зс25", "ZS-000025", "zs-25", "Zs 000025", "25", "000025", " 25 "]
)
def test_an_order_number_is_understood_however_it_is_typed(typed: str) -> None:
    assert order_number(typed, prefix="ЗС-", digits=6) == "ЗС-000025"


@pytest.mark.parametrize("typed", ["²", "ЗС-²", "0", "ЗС-0000000", "1234567", "AB-25", "ЗС-25x", "", "25" * 30])
def test_what_is_no_order_number_is_said_so(typed: str) -> None:
    assert order_number(typed, prefix="ЗС-", digits=6) is None


def test_a_search_ignores_control_characters_and_bidirectional_overrides() -> None:
    entries = [(1, "7707083893", "ООО «Ромашка» 7707083893"), (2, "", "АО «Уралмашзавод»")]
    assert rank("\u202eРом\x00ашка\u202c", entries, limit=5) == [1]
    assert rank("\x00", entries, limit=5) == []
