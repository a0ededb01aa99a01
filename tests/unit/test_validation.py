"""What people type, checked before anything is written."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import validation
from core.errors import DomainError, ErrorCode
from core.money import Money, round_money
from core.numbering import format_number


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("50", Decimal("50")), (" 1 000 ", Decimal("1000")), ("2,5", Decimal("2.5")), (7, Decimal(7))],
)
def test_quantities_are_read_as_people_type_them(typed: str | int, expected: Decimal) -> None:
    assert validation.quantity(typed, whole=False) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("0", ErrorCode.QUANTITY_NOT_POSITIVE),
        ("-5", ErrorCode.QUANTITY_NOT_POSITIVE),
        ("abc", ErrorCode.QUANTITY_NOT_A_NUMBER),
        ("NaN", ErrorCode.QUANTITY_NOT_A_NUMBER),
        ("inf", ErrorCode.QUANTITY_NOT_A_NUMBER),
        (str(10**20), ErrorCode.QUANTITY_TOO_LARGE),
        ("0.0001", ErrorCode.QUANTITY_TOO_PRECISE),
        (True, ErrorCode.QUANTITY_NOT_A_NUMBER),
    ],
)
def test_bad_quantities_say_what_was_wrong(typed: str, code: ErrorCode) -> None:
    with pytest.raises(DomainError) as refusal:
        validation.quantity(typed, whole=False)
    assert refusal.value.code is code


def test_pieces_are_counted_whole() -> None:
    with pytest.raises(DomainError) as refusal:
        validation.quantity("2.5", whole=True, unit="шт")
    assert refusal.value.code is ErrorCode.QUANTITY_NOT_WHOLE and refusal.value.params["unit"] == "шт"


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999999999"), places=3))
def test_every_sensible_quantity_comes_back_unchanged(quantity: Decimal) -> None:
    assert validation.quantity(str(quantity), whole=False) == quantity


def test_a_required_by_date_runs_from_today_to_three_years_ahead() -> None:
    today = date(2026, 11, 30)
    assert validation.required_by(today, today=today) == today
    for day, code in ((date(2026, 11, 29), ErrorCode.DATE_IN_PAST), (date(2030, 1, 1), ErrorCode.DATE_TOO_FAR)):
        with pytest.raises(DomainError) as refusal:
            validation.required_by(day, today=today)
        assert refusal.value.code is code


def test_today_is_the_date_in_the_persons_time_zone() -> None:
    evening = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)
    assert validation.local_today(evening, "Europe/Moscow") == date(2026, 12, 1)
    assert validation.local_today(evening, "UTC") == date(2026, 11, 30)
    with pytest.raises(DomainError) as refusal:
        validation.local_today(evening, "Mars/Olympus")
    assert refusal.value.code is ErrorCode.TIME_ZONE_UNKNOWN


@pytest.mark.parametrize("good", ["7707083893", "500100732259", None, ""])
def test_valid_tax_ids_pass(good: str | None) -> None:
    assert validation.tax_id(good) == (good or None)


@pytest.mark.parametrize("bad", ["7707083894", "12345", "77070838931", "абвгдежзий", "500100732250"])
def test_a_tax_id_with_a_wrong_check_digit_is_refused(bad: str) -> None:
    with pytest.raises(DomainError) as refusal:
        validation.tax_id(bad)
    assert refusal.value.code is ErrorCode.TAX_ID_INVALID


def test_texts_are_trimmed_of_control_characters_and_limited() -> None:
    assert validation.text("  ООО «Ромашка»\x00 ", field="name", max_length=300) == "ООО «Ромашка»"
    with pytest.raises(DomainError) as refusal:
        validation.text("x" * 301, field="name", max_length=300)
    assert refusal.value.params == {"field": "name", "maximum": 300, "length": 301}
    with pytest.raises(DomainError) as refusal:
        validation.reason(" \n ")
    assert refusal.value.code is ErrorCode.REASON_REQUIRED


def test_money_rounds_half_up_and_never_mixes_currencies() -> None:
    assert round_money(Decimal("0.125")) == Decimal("0.13")
    assert round_money(Decimal("2.675")) == Decimal("2.68")
    assert Money(Decimal("0.10")) + Money(Decimal("0.20")) == Money(Decimal("0.30"))
    with pytest.raises(ValueError):
        Money(Decimal(1), "RUB") + Money(Decimal(1), "EUR")
    with pytest.raises(TypeError):
        Money(0.1)  # type: ignore[arg-type]


def test_order_numbers_are_prefixed_and_zero_padded() -> None:
    assert format_number(1, prefix="ЗС-", digits=6) == "ЗС-000001"
    assert format_number(1234567, prefix="ЗС-", digits=6) == "ЗС-1234567"


@pytest.mark.parametrize("empty", ["", "   ", "-", "...", "—", "\n!\n"])
def test_a_reason_must_say_something(empty: str) -> None:
    with pytest.raises(DomainError) as refusal:
        validation.reason(empty)
    assert refusal.value.code is ErrorCode.REASON_REQUIRED


def test_control_characters_and_bidirectional_overrides_are_cleaned_from_every_text() -> None:
    typed = "\u202eакшамоР\u202c «ООО»\x00\x1b\u2066 и\u2069 Ко\x85\nстрока 2\t"
    assert validation.clean(typed) == "акшамоР «ООО» и Ко\nстрока 2"
    assert validation.text(typed, field="name", max_length=300) == validation.clean(typed)
    assert validation.clean("\x00") == validation.clean(None) == ""


huge_quantities = st.one_of(
    st.integers(min_value=10**9, max_value=10**200).map(str),
    st.text(alphabet="0123456789", min_size=25, max_size=120),
    st.tuples(st.text(alphabet="0123456789", min_size=1, max_size=80), st.text(alphabet="0123456789", max_size=80)).map(
        ".".join
    ),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=200),
)


@given(typed=huge_quantities)
def test_every_refused_quantity_is_explained_in_both_languages_without_a_fault(typed: str) -> None:
    from templates import error_message  # the refusal is only useful if its message renders

    try:
        validation.quantity(typed, whole=False, unit="шт")
    except DomainError as refusal:
        for lang in ("ru", "en"):
            assert error_message(refusal, lang=lang)


def test_a_thirty_digit_quantity_is_refused_as_too_large_with_the_limit() -> None:
    from templates import error_message

    with pytest.raises(DomainError) as refusal:
        validation.quantity("9" * 30, whole=True)
    assert refusal.value.code is ErrorCode.QUANTITY_TOO_LARGE
    said = error_message(refusal.value, lang="ru").replace("\u00a0", " ")
    assert "999 999 999 999 999 999 999 999 999 999" in said and "999 999 999" in said
