"""The registry without a bot: filters read back from a draft, periods on a person's calendar, the XLSX file."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.handlers.registry.filters import PERIODS, STAGES, RegistryFilters, period_start
from bot.workbook import ExportRow, registry_workbook
from core.money import Money
from core.stages import Stage
from core.views import OrderPage, OrderRow
from sandbox.message_text import compose
from templates import render

MOSCOW = "Europe/Moscow"
CAPTION_LIMIT = 1024  # a document's caption, in Telegram's characters


def test_filters_read_back_from_a_damaged_draft_fall_back_to_the_plain_registry() -> None:
    damaged = {"stage": "paid", "mine": "yes", "counterparty_id": "7", "period": "year", "search": None}
    assert RegistryFilters.from_section(damaged) == RegistryFilters()
    assert RegistryFilters.from_section({}) == RegistryFilters()


def test_filters_read_back_what_was_kept() -> None:
    kept = RegistryFilters(
        stage="execution", mine=True, counterparty_id=3, counterparty_name="ООО «Ромашка»", period="week"
    )
    assert RegistryFilters.from_section(asdict(kept)) == kept


@pytest.mark.parametrize(
    ("period", "since"),
    [("today", date(2026, 12, 2)), ("week", date(2026, 11, 30)), ("month", date(2026, 12, 1)), ("all", None)],
)
def test_a_period_starts_on_the_persons_calendar(period: str, since: date | None) -> None:
    wednesday = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    assert period_start(period, wednesday, MOSCOW) == since


def test_late_on_sunday_in_utc_is_already_monday_in_moscow() -> None:
    sunday_night = datetime(2026, 11, 29, 22, 30, tzinfo=UTC)
    assert period_start("week", sunday_night, MOSCOW) == date(2026, 11, 30)
    assert period_start("week", sunday_night, "UTC") == date(2026, 11, 23)


def test_the_workbook_has_a_frozen_header_real_numbers_and_dates() -> None:
    row = ExportRow(
        number="ЗС-000012",
        created_on=date(2026, 11, 30),
        stage="Заявка",
        counterparty="ООО «Ромашка»",
        tax_id="7701234567",
        responsible="Иванова Анна Сергеевна",
        contract="",
        payment_terms="",
        total=Decimal("1234567.50"),
        currency="RUB",
    )
    headers = [f"h{n}" for n in range(10)]
    sheet = load_workbook(BytesIO(registry_workbook([row], headers=headers, title="Заказы"))).active
    assert sheet is not None
    assert sheet.title == "Заказы" and sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == headers
    assert sheet["B2"].value == datetime(2026, 11, 30) and sheet["B2"].number_format == "DD.MM.YYYY"
    assert sheet["I2"].value == pytest.approx(1234567.5) and sheet["I2"].number_format == "#,##0.00"


def test_the_workbook_refuses_headers_that_do_not_fit_its_columns() -> None:
    with pytest.raises(ValueError, match="10 column headers"):
        registry_workbook([], headers=["one"], title="x")


# --- every registry text at its worst, for tests/unit/test_bot_templates.py ---

# As long as the database keeps (300 characters), with markup and ampersands in it.
CUSTOMER = (
    "<script>alert('ИНН')</script> ООО «Научно-производственное объединение «Вентиляция & Кондиционирование "
    "Северо-Западного федерального округа»» (филиал в г. Санкт-Петербург) & Co " * 2
)[:300]
PERSON = "Константинопольская-Преображенская Александра Вячеславовна & <b>Ко</b>"
SEARCH = ("<script>&" * 12)[:100]  # /find keeps the first 100 characters
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
TOTALS = tuple(Money(Decimal("9999999999999.99"), currency) for currency in ("RUB", "USD", "EUR", "CNY"))
ROW = OrderRow(
    id=123456,
    number="ЗС-" + "9" * 27,  # the database keeps 30 characters
    stage=Stage.CANCELLED,  # the longest stage name
    counterparty_name=CUSTOMER,
    responsible_name=PERSON,
    total=Money(Decimal("9999999999999.99"), "RUB"),
    created_at=NOW,
    version=42,
    counterparty_tax_id="772814563912",
    contract_number="ДП-2026/045-<спец> & доп. соглашение № 3",
    payment_terms_name="50% предоплата & 50% по отгрузке",
)
PAGE_SIZE = 10
FULL = OrderPage(
    rows=(ROW,) * PAGE_SIZE,
    total_count=99_999,
    totals=TOTALS,
    offset=99_980,
    limit=PAGE_SIZE,
    cancelled_count=99_998,
    cancelled_totals=TOTALS,
)
EMPTY = OrderPage(rows=(), total_count=0, totals=(), offset=0, limit=PAGE_SIZE)
ROWS = [(FULL.offset + n, ROW, date(2026, 11, 30)) for n in range(1, PAGE_SIZE + 1)]
FILTERS = [
    RegistryFilters(stage=stage, mine=mine, counterparty_id=counterparty, counterparty_name=name, period=period)
    for stage in ("", *STAGES)
    for period in PERIODS
    for mine in (False, True)
    for counterparty, name in ((None, ""), (9, CUSTOMER), (9, ""))
] + [RegistryFilters(stage="execution", mine=True, counterparty_id=9, counterparty_name=CUSTOMER, search=SEARCH)]
SHOWN = [{"filters": filters, "whose": whose} for filters in FILTERS for whose in (False, True)]
LABELS = ["stage", "period", "counterparty", "mine", "everyone", "reset", "back", "any_counterparty", "export_found"]

REGISTRY_CONTEXTS: dict[str, list[dict[str, Any]]] = {
    "bot/registry/choice_gone.html.j2": [{}],
    "bot/registry/counterparty_choices.html.j2": [{"text": SEARCH}],
    "bot/registry/counterparty_not_found.html.j2": [{"text": SEARCH}],
    "bot/registry/counterparty_too_short.html.j2": [{}],
    "bot/registry/export_caption.html.j2": [{"page": FULL, **shown} for shown in SHOWN],
    "bot/registry/export_columns.html.j2": [{}],
    "bot/registry/export_nothing.html.j2": SHOWN,
    "bot/registry/find_nothing.html.j2": [{"text": SEARCH}],
    "bot/registry/find_usage.html.j2": [{}],
    "bot/registry/flow_busy.html.j2": [{}],
    "bot/registry/label.html.j2": [
        *({"name": name, "filters": filters} for name in LABELS for filters in FILTERS),
        *(
            {"name": "stage_choice", "filters": filters, "value": stage}
            for filters in FILTERS
            for stage in ("", *STAGES)
        ),
        *({"name": "period_choice", "filters": filters, "value": period} for filters in FILTERS for period in PERIODS),
    ],
    "bot/registry/menu.html.j2": [
        {"menu": menu, **shown} for menu in ("stage", "period", "counterparty") for shown in SHOWN
    ],
    "bot/registry/page.html.j2": [
        *({"page": FULL, "rows": ROWS, **shown} for shown in SHOWN),
        *({"page": EMPTY, "rows": [], **shown} for shown in SHOWN),
    ],
    "bot/registry/page_missing.html.j2": [{"pages": 10_000}],
    "bot/registry/search_gone.html.j2": [{}],
}


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_export_caption_at_its_worst_fits_telegrams_caption_limit(lang: str) -> None:
    for context in REGISTRY_CONTEXTS["bot/registry/export_caption.html.j2"]:
        text = render("bot/registry/export_caption.html.j2", lang=lang, tz="Europe/Moscow", **context)
        plain, _entities = compose(text, parse_mode="HTML", strict=True)
        assert len(plain.encode("utf-16-le")) // 2 <= CAPTION_LIMIT
