"""Demand analysis without a bot or a database: periods as people type them, the report's worst case in one
message, the chart as a PNG, short buttons."""

from __future__ import annotations

import struct
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bot.callbacks import MAX_BYTES, Prefix, pack
from bot.demand_chart import demand_chart, demand_chart_words
from bot.handlers.card.screen import fits
from core.errors import DomainError, ErrorCode
from core.periods import PeriodKind, named_period, typed_period
from core.use_cases.demand import DemandReport, Figures, ItemRow, ReasonRow, WeekRow, WhoRow
from templates import render

MONEY = Decimal("9999999999999.99")
NAME = ("<script>alert('Рога & Копыта')</script> ООО \"Ромашка\" & Co <b>" * 6)[:300]
TODAY = date(2026, 11, 18)  # a Wednesday
PNG = b"\x89PNG\r\n\x1a\n"


def figures(requests: int = 999_999, reached: int = 999_998) -> Figures:
    return Figures(requests=requests, reached=reached, cancelled=requests - reached, requested=MONEY, ordered=MONEY)


def report(rows: int, *, weeks: int = 5, own_only: bool = False, empty: bool = False) -> DemandReport:
    total = figures(0, 0) if empty else figures()
    return DemandReport(
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
        own_only=own_only,
        currency="RUB",
        total=total,
        reasons=tuple(ReasonRow(f"reason_{n}", NAME[:60], 99_999, MONEY) for n in range(0 if empty else 8)),
        items=tuple(ItemRow("КОД-" * 12, NAME, "шт", Decimal("999999.999"), MONEY, 9999) for _ in range(rows)),
        items_total=rows * 10,
        counterparties=tuple(WhoRow(NAME, figures()) for _ in range(rows)),
        counterparties_total=rows * 100,
        managers=tuple(WhoRow(NAME[:200], figures()) for _ in range(0 if own_only else rows * 10)),
        weeks=tuple(WeekRow(date(2026, 10, 26) + timedelta(days=7 * n), figures()) for n in range(weeks)),
    )


DEMAND_CONTEXTS: dict[str, list[dict[str, Any]]] = {
    "bot/demand/report.html.j2": [
        {"report": report(15, weeks=157), "shown": 3},
        {"report": report(2, own_only=True), "shown": 15},
        {"report": report(0, empty=True), "shown": 15},
    ],
    "bot/demand/label.html.j2": [{"which": which} for which in ("week", "month", "quarter", "type", "file")],
    "bot/demand/prompt.html.j2": [{}],
    "bot/demand/chart_label.html.j2": [
        {"which": which} for which in ("title", "requested", "ordered", "amount", "reasons", "none")
    ],
    "bot/demand/caption.html.j2": [{"report": report(1)}],
    "bot/demand/sheet.html.j2": [
        {"which": which} for which in ("summary", "summary_rows", "reasons", "items", "customers", "managers", "weeks")
    ],
}


@pytest.mark.parametrize(
    ("typed", "start", "end"),
    [
        ("01.11-30.11", date(2026, 11, 1), date(2026, 11, 30)),
        ("1.11 - 5.11", date(2026, 11, 1), date(2026, 11, 5)),
        ("15.12-15.01", date(2025, 12, 15), date(2026, 1, 15)),
        ("01.11.2026-31.01.2027", date(2026, 11, 1), date(2027, 1, 31)),
        ("01.11.25–30.11.25", date(2025, 11, 1), date(2025, 11, 30)),
    ],
)
def test_a_typed_range_is_read_as_people_type_it(typed: str, start: date, end: date) -> None:
    period = typed_period(typed, today=TODAY)
    assert (period.kind, period.start, period.end) == (PeriodKind.RANGE, start, end)


@pytest.mark.parametrize("typed", ["ноябрь", "01.11", "01.11-", "31.11-01.12", "01.13-02.13", "01.11-30.11-31.12"])
def test_a_range_that_cannot_be_read_is_refused_with_what_to_type(typed: str) -> None:
    with pytest.raises(DomainError) as refused:
        typed_period(typed, today=TODAY)
    assert refused.value.code is ErrorCode.PERIOD_UNREADABLE
    shown = render("errors/period_unreadable.html.j2", lang="ru", **refused.value.params)
    assert "01.11-30.11" in shown


def test_a_range_backwards_with_its_years_or_over_three_years_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        typed_period("30.11.2026-01.11.2026", today=TODAY)
    assert refused.value.code is ErrorCode.PERIOD_INVALID
    with pytest.raises(DomainError) as refused:
        typed_period("01.01.2020-31.12.2026", today=TODAY)
    assert refused.value.code is ErrorCode.PERIOD_TOO_LONG


def days(kind: PeriodKind, today: date) -> tuple[date, date]:
    period = named_period(kind, today=today)
    return period.start, period.end


def test_the_named_periods_are_the_calendar_week_month_and_quarter_of_today() -> None:
    assert days(PeriodKind.WEEK, TODAY) == (date(2026, 11, 16), date(2026, 11, 22))
    assert days(PeriodKind.MONTH, TODAY) == (date(2026, 11, 1), date(2026, 11, 30))
    assert days(PeriodKind.QUARTER, TODAY) == (date(2026, 10, 1), date(2026, 12, 31))
    assert days(PeriodKind.MONTH, date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert days(PeriodKind.QUARTER, date(2026, 2, 28)) == (date(2026, 1, 1), date(2026, 3, 31))


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_chart_is_a_png_of_its_size_with_reasons_or_without(lang: str) -> None:
    for shown in (report(3), report(0, empty=True)):
        png = demand_chart(shown, demand_chart_words(lang))
        assert png.startswith(PNG)
        width, height = struct.unpack(">II", png[16:24])
        assert (width, height) == (1000, 450)


def test_the_demand_buttons_fit_telegrams_64_bytes() -> None:
    assert len(pack(Prefix.DEMAND, "f", "20261101", "20270131").encode()) <= MAX_BYTES


def test_the_largest_report_is_cut_to_one_message() -> None:
    text = render("bot/demand/report.html.j2", lang="ru", report=report(15, weeks=157), shown=3)
    assert fits(text) and "ещё клиентов: 1497" in text
