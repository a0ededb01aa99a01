"""Texts: every refusal has words in Russian and English, values escaped, short enough for a phone.

No database and no network: the templates, the catalogue and Babel's extractors are all local.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

import templates
from core.errors import DomainError, ErrorCode
from core.journal import ActivityKind
from core.models import ProductionState, StepState
from core.policy import Action
from core.roles import Role
from core.stages import Stage
from templates import error_message, render, render_plain
from templates.catalogue import catalogue
from templates.environment import environment

TEMPLATE_DIR = Path(templates.__file__).parent
TELEGRAM_LIMIT = 4096
LANGUAGES = ("ru", "en")

# The params each code comes with in the core (grep `ErrorCode.` in core/), with plausible values.
SAMPLES: dict[ErrorCode, dict[str, Any]] = {
    ErrorCode.NOT_REGISTERED: {},
    ErrorCode.NOT_ALLOWED: {"action": "approve", "stage": "execution"},
    ErrorCode.NOT_YOUR_ORDER: {"number": "ЗС-000012"},
    ErrorCode.ORDER_NOT_FOUND: {"number": "ЗС-000012"},
    ErrorCode.COUNTERPARTY_NOT_FOUND: {"value": "17"},
    ErrorCode.ITEM_NOT_FOUND: {"value": "17"},
    ErrorCode.LINE_NOT_FOUND: {"number": "ЗС-000012", "value": "3"},
    ErrorCode.PERSON_NOT_FOUND: {"value": "1002"},
    ErrorCode.CONTRACT_NOT_FOUND: {"value": "5"},
    ErrorCode.PAYMENT_TERMS_NOT_FOUND: {"value": "2"},
    ErrorCode.PRICE_NOT_FOUND: {"code": "KR-200", "name": "Кран мостовой 20 т", "currency": "RUB"},
    ErrorCode.OPTION_NOT_FOUND: {"code": "KR-200", "option": "пролёт", "value": "30 м", "known": "12 м, 18 м"},
    ErrorCode.OPTION_REQUIRED: {"code": "KR-200", "option": "пролёт", "known": "12 м, 18 м"},
    ErrorCode.NO_APPROVAL_ROUTE: {},
    ErrorCode.WRONG_STAGE: {"number": "ЗС-000012", "action": "submit", "stage": "execution"},
    ErrorCode.LINES_LOCKED: {"number": "ЗС-000012", "stage": "approval"},
    ErrorCode.STALE_ORDER: {
        "number": "ЗС-000012",
        "changes": ["line_added", "line_added", "submitted"],
        "by": "Петров П.П.",
        "at": "2026-12-15T11:05:00+00:00",
        "version": 7,
    },
    ErrorCode.ALREADY_DONE: {
        "number": "ЗС-000012",
        "action": "execution",
        "stage": "execution",
        "by": "Петров П.П.",
        "at": "2026-12-15T11:05:00+00:00",
    },
    ErrorCode.ALREADY_VOTED: {
        "number": "ЗС-000012",
        "step": "Коммерческий директор",
        "decision": "approved",
        "by": "Волков Андрей",
    },
    ErrorCode.DELEGATION_NOT_APPROVER: {"name": "Иванова Анна"},
    ErrorCode.DELEGATION_TO_SELF: {},
    ErrorCode.DELEGATE_SEES_OWN_ONLY: {"name": "Иванова Анна"},
    ErrorCode.DELEGATE_AWAY: {"name": "Волков Андрей", "until": "2026-12-15"},
    ErrorCode.DELEGATE_IS_ARRANGER: {"name": "Фёдоров Михаил"},
    ErrorCode.NOTHING_TO_VOTE: {"number": "ЗС-000012"},
    ErrorCode.OWN_ORDER_APPROVAL: {"number": "ЗС-000012"},
    ErrorCode.APPROVAL_LIMIT_INVALID: {"value": "полмиллиона"},
    ErrorCode.APPROVAL_LIMIT_EXCEEDED: {
        "number": "ЗС-000012",
        "limit": "1000000.00",
        "total": "7951234.50",
        "unit": "RUB",
    },
    ErrorCode.NO_LINES: {"number": "ЗС-000012"},
    ErrorCode.EXECUTION_BLOCKED: {
        "number": "ЗС-000012",
        "missing": ["approvals", "contract", "payment_terms", "contract_limit_exceeded", "contract_not_valid"],
    },
    ErrorCode.SOMETHING_SHIPPED: {"number": "ЗС-000012"},
    ErrorCode.CONTRACT_OF_OTHER_COUNTERPARTY: {"contract": "Д-15/2026"},
    ErrorCode.CONTRACT_NOT_VALID: {"contract": "Д-15/2026", "valid_from": "2026-01-01", "valid_to": "2026-06-30"},
    ErrorCode.CONTRACT_LIMIT_EXCEEDED: {
        "contract": "Д-15/2026",
        "limit": "5000000.00",
        "used": "4000000.00",
        "needed": "1500000.00",
        "left": "1000000.00",
        "unit": "RUB",
    },
    ErrorCode.PRICE_OVERRIDE_NOT_ALLOWED: {"list_price": "7951.50"},
    ErrorCode.DISCOUNT_OVER_LIMIT: {"limit": "5", "discount": "8.00", "lowest": "7553.93", "list_price": "7951.50"},
    ErrorCode.PRICE_CHANGE_UNREADABLE: {"value": "скидка пять"},
    ErrorCode.PRICE_REASON_REQUIRED: {},
    ErrorCode.IMPORT_REFUSED: {"count": 2, "rows": "3, 7"},
    ErrorCode.IMPORT_COLUMNS_MISSING: {"missing": "warehouse", "expected": "item, warehouse, on_hand"},
    ErrorCode.IMPORT_ROW_REPEATED: {"first": "2"},
    ErrorCode.ITEM_CODE_UNKNOWN: {"code": "ВК-99"},
    ErrorCode.WAREHOUSE_MISSING: {},
    ErrorCode.STOCK_NEGATIVE: {"value": "-5"},
    ErrorCode.STOCK_BELOW_RESERVED: {"code": "ВК-12", "warehouse": "Основной", "on_hand": "2", "reserved": "5.000"},
    ErrorCode.QUANTITY_NOT_A_NUMBER: {"value": "пять"},
    ErrorCode.QUANTITY_NOT_POSITIVE: {"value": "0"},
    ErrorCode.QUANTITY_TOO_LARGE: {"value": "1000000000", "maximum": "999999999"},
    ErrorCode.QUANTITY_NOT_WHOLE: {"value": "2.5", "unit": "шт"},
    ErrorCode.QUANTITY_TOO_PRECISE: {"value": "2.5555"},
    ErrorCode.PRICE_INVALID: {"value": "12,345"},
    ErrorCode.DATE_IN_PAST: {"value": "2026-12-01", "today": "2026-12-15"},
    ErrorCode.DATE_TOO_FAR: {"value": "2035-01-01", "latest": "2029-12-16"},
    ErrorCode.TEXT_EMPTY: {"field": "reason"},
    ErrorCode.TEXT_TOO_LONG: {"field": "comment", "maximum": 1000, "length": 1523},
    ErrorCode.REASON_REQUIRED: {},
    ErrorCode.TAX_ID_INVALID: {"value": "7707083894"},
    ErrorCode.TAX_ID_TAKEN: {"value": "7707083893"},
    ErrorCode.ITEM_CODE_TAKEN: {"value": "KR-200"},
    ErrorCode.TELEGRAM_ID_TAKEN: {"value": "1002"},
    ErrorCode.LANGUAGE_UNKNOWN: {"value": "de", "known": "ru, en"},
    ErrorCode.CURRENCY_UNKNOWN: {"value": "RUR"},
    ErrorCode.TIME_ZONE_UNKNOWN: {"value": "Europe/Moskow"},
    ErrorCode.ROLE_UNKNOWN: {"value": "boss", "known": "manager, approver, planner, accountant, head, admin"},
    ErrorCode.TERMS_SHARES_INVALID: {"total": "90"},
    ErrorCode.PAGE_INVALID: {"offset": -1, "limit": 500, "maximum": 100},
    ErrorCode.DATE_UNREADABLE: {"value": "32.13"},
    ErrorCode.INVITE_NOT_FOUND: {},
    ErrorCode.INVITE_USED: {},
    ErrorCode.INVITE_EXPIRED: {"expired_at": "2026-12-15T11:05:00+00:00"},
    ErrorCode.ROUTE_INVALID: {
        "name": "Основной маршрут",
        "problems": [
            {"kind": "syntax", "line": 7, "column": 12, "value": "Invalid value"},
            {"kind": "unknown_field", "value": "colour", "known": "name, steps"},
            {
                "kind": "role_unknown",
                "step": 2,
                "title": "Финансовое согласование",
                "value": "boss",
                "known": "approver",
            },
            {"kind": "person_unknown", "step": 2, "title": "Финансовое согласование", "value": "9999"},
            {"kind": "threshold_negative", "step": 3, "title": "Директор", "value": "-5"},
            {"kind": "title_duplicate", "step": 4, "title": "Директор", "other": 3},
            {"kind": "first_step_parallel", "step": 1, "title": "Коммерческое согласование"},
            {"kind": "person_twice", "step": 5, "title": "Финансовый контроль", "value": "1006", "other": 2},
        ],
    },
    ErrorCode.PERIOD_INVALID: {"start": "2026-12-01", "end": "2026-11-01"},
    ErrorCode.QUIET_HOURS_UNREADABLE: {"value": "с десяти вечера"},
    ErrorCode.QUIET_HOURS_EMPTY: {"value": "08:00"},
    ErrorCode.NOTICE_CATEGORY_UNKNOWN: {"value": "payments"},
    ErrorCode.PLANNER_ONLY: {},
    ErrorCode.LINE_NOT_PLANNED: {"number": "ЗС-000012", "line": 2},
    ErrorCode.PRODUCED_NEGATIVE: {"value": "-2"},
    ErrorCode.PRODUCED_OVER_PLANNED: {
        "number": "ЗС-000012",
        "line": 2,
        "value": "5",
        "planned": "10.000",
        "produced": "8.000",
        "remaining": "2.000",
    },
    ErrorCode.COST_INVALID: {"value": "12,345"},
    ErrorCode.PROGRESS_EMPTY: {"number": "ЗС-000012", "line": 2},
    ErrorCode.PROGRESS_IMPORT_REFUSED: {"count": 3, "rows": "2, 5, 7"},
    ErrorCode.CSV_COLUMNS_MISSING: {"missing": "line, produced"},
    ErrorCode.CSV_ORDER_MISSING: {},
    ErrorCode.CSV_LINE_INVALID: {"value": "два"},
    ErrorCode.NOTHING_TO_SHIP: {"number": "ЗС-000012"},
    ErrorCode.SHIPPED_OVER_ORDERED: {
        "number": "ЗС-000012",
        "line": 1,
        "item": "ВК-12",
        "value": "4",
        "ordered": "10.000",
        "shipped": "7.000",
        "left": "3.000",
    },
    ErrorCode.SHIPPED_OVER_AVAILABLE: {
        "number": "ЗС-000012",
        "line": 1,
        "item": "ВК-12",
        "value": "6",
        "produced": "3.000",
        "stock": "2.000",
        "available": "5.000",
    },
    ErrorCode.AMOUNT_INVALID: {"value": "сто"},
    ErrorCode.PAYMENT_DATE_IN_FUTURE: {"value": "2026-12-15", "today": "2026-12-03"},
    ErrorCode.NO_PAYMENT_SCHEDULE: {"number": "ЗС-000012", "stage": "approval"},
    ErrorCode.ACCOUNTANT_ONLY: {},
    ErrorCode.CLOSING_NEEDS_HEAD: {"number": "ЗС-000012"},
    ErrorCode.INVOICE_EXISTS: {"number": "ЗС-000012", "invoice": "СЧ-000001"},
    ErrorCode.SHIPMENT_NOT_FOUND: {"number": "ЗС-000012", "shipment": 7},
    ErrorCode.PAYMENT_IMPORT_REFUSED: {"count": 3, "rows": "2, 5, 7"},
    ErrorCode.NOTHING_OVERDUE: {"counterparty": "ООО «Ромашка»"},
    ErrorCode.DEBTS_NOT_FOR_ROLE: {},
    ErrorCode.PROMISE_NOT_FOR_ROLE: {},
    ErrorCode.CANCEL_REASON_UNKNOWN: {"code": "weather", "known": "price, lead_time, competitor, other"},
    ErrorCode.CANCEL_REASON_TAKEN: {"code": "price"},
    ErrorCode.CANCEL_REASON_CODE_INVALID: {"code": "цена"},
    ErrorCode.CANCEL_REASON_BUILT_IN: {"code": "other"},
    ErrorCode.DEMAND_NOT_FOR_ROLE: {},
    ErrorCode.PERIOD_UNREADABLE: {"value": "ноябрь"},
    ErrorCode.PERIOD_TOO_LONG: {"start": "2020-01-01", "end": "2026-12-31", "days": 1098},
}

# Messages that name none of their params: the person needs no value to know what to do.
SILENT = frozenset(
    {
        ErrorCode.NOT_REGISTERED,
        ErrorCode.DELEGATION_TO_SELF,
        ErrorCode.COUNTERPARTY_NOT_FOUND,
        ErrorCode.ITEM_NOT_FOUND,
        ErrorCode.PERSON_NOT_FOUND,
        ErrorCode.CONTRACT_NOT_FOUND,
        ErrorCode.PAYMENT_TERMS_NOT_FOUND,
        ErrorCode.NO_APPROVAL_ROUTE,
        ErrorCode.REASON_REQUIRED,
        ErrorCode.PAGE_INVALID,
        ErrorCode.INVITE_NOT_FOUND,
        ErrorCode.INVITE_USED,
        ErrorCode.PLANNER_ONLY,
        ErrorCode.CSV_ORDER_MISSING,
        ErrorCode.ACCOUNTANT_ONLY,
        ErrorCode.PRICE_REASON_REQUIRED,
        ErrorCode.WAREHOUSE_MISSING,
        ErrorCode.DEBTS_NOT_FOR_ROLE,
        ErrorCode.PROMISE_NOT_FOR_ROLE,
        ErrorCode.DEMAND_NOT_FOR_ROLE,
    }
)

# A name as long as the core lets one be (item names: 300), made of what HTML fears most.
HOSTILE = ("<script>alert('Рога & Копыта')</script> ООО \"Ромашка\" & Co <b>" * 6)[:300]
TELEGRAM_TAGS = frozenset({"b", "i", "u", "s", "code", "pre", "a", "blockquote", "tg-spoiler"})


def hostile(params: dict[str, Any]) -> dict[str, Any]:
    """Every text param made hostile; lists long, repetitive and with one hostile entry among real ones."""
    worst: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str):
            worst[key] = HOSTILE
        elif isinstance(value, list):
            worst[key] = value * 50 + [HOSTILE]
        else:
            worst[key] = value
    return worst


def messages(code: ErrorCode, params: dict[str, Any]) -> dict[str, str]:
    error = DomainError(code, **params)
    return {lang: error_message(error, lang=lang) for lang in LANGUAGES}


def assert_telegram_html(text: str) -> None:
    """Only tags Telegram knows, and no `&` that does not start an entity: the message parses."""
    for tag in re.findall(r"</?([a-z-]+)[^>]*>", text):
        assert tag in TELEGRAM_TAGS, f"<{tag}> is not Telegram HTML: {text}"
    stray = re.search(r"&(?!(lt|gt|amp|quot|#\d+);)", text)
    assert stray is None, f"an unescaped & in: {text}"


@pytest.fixture
def undefined_warnings(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING, logger="templates.environment")
    return caplog


def test_every_error_code_has_a_template_and_a_sample() -> None:
    for code in ErrorCode:
        assert (TEMPLATE_DIR / "errors" / f"{code.value}.html.j2").is_file(), code
    assert set(SAMPLES) == set(ErrorCode)


@pytest.mark.parametrize("code", list(ErrorCode))
def test_an_error_reads_differently_in_russian_and_english_and_uses_every_value_it_is_given(
    code: ErrorCode, undefined_warnings: pytest.LogCaptureFixture
) -> None:
    texts = messages(code, SAMPLES[code])
    assert texts["ru"] and texts["en"]
    assert texts["ru"] != texts["en"]
    assert re.search("[а-яё]", texts["ru"], re.IGNORECASE), texts["ru"]
    assert not undefined_warnings.records, [r.getMessage() for r in undefined_warnings.records]


@pytest.mark.parametrize("code", list(ErrorCode))
def test_an_error_escapes_hostile_values_and_fits_in_one_telegram_message(code: ErrorCode) -> None:
    for lang, text in messages(code, hostile(SAMPLES[code])).items():
        assert text, (code, lang)
        assert len(text) <= TELEGRAM_LIMIT, (code, lang, len(text))
        assert "<script>" not in text
        assert_telegram_html(text)
        if code not in SILENT:
            assert "&lt;script&gt;" in text, (code, lang, text)
            assert "&amp;" in text, (code, lang, text)


@pytest.mark.parametrize("code", list(ErrorCode))
def test_an_error_still_renders_when_its_params_are_missing(
    code: ErrorCode, undefined_warnings: pytest.LogCaptureFixture
) -> None:
    texts = messages(code, {})
    assert texts["ru"] and texts["en"]
    assert texts["ru"] != texts["en"]
    assert not undefined_warnings.records, [r.getMessage() for r in undefined_warnings.records]


def test_already_done_says_who_did_it_and_when_in_the_readers_time_zone() -> None:
    error = DomainError(ErrorCode.ALREADY_DONE, **SAMPLES[ErrorCode.ALREADY_DONE])
    text = error_message(error, lang="ru")
    assert "Петров П.П., 14:05 15.12" in text
    assert "<b>ЗС-000012</b>" in text
    assert "«Исполнение»" in text
    assert "Петров П.П., 16:05 15.12" in render(
        "errors/already_done.html.j2", lang="ru", tz="Asia/Yekaterinburg", **SAMPLES[ErrorCode.ALREADY_DONE]
    )


def test_execution_blocked_lists_each_missing_thing_once() -> None:
    error = DomainError(ErrorCode.EXECUTION_BLOCKED, number="ЗС-000012", missing=["contract", "contract", "approvals"])
    text = error_message(error, lang="ru")
    assert text.count("не выбран договор") == 1
    assert "получены не все согласования" in text


def test_text_too_long_agrees_the_russian_noun_with_the_number() -> None:
    def text(maximum: int) -> str:
        error = DomainError(ErrorCode.TEXT_TOO_LONG, field="comment", maximum=maximum, length=5)
        return error_message(error, lang="ru")

    assert "не больше 21 символа" in text(21)
    assert "не больше 1000 символов" in text(1000)
    assert "«Комментарий»" in text(1000)


def test_a_plain_text_error_has_no_tags_and_shows_values_as_typed() -> None:
    error = DomainError(ErrorCode.PRICE_NOT_FOUND, code="KR-200", name="Рога & <Копыта>", currency="RUB")
    text = error_message(error, lang="ru", html=False)
    assert "«Рога & <Копыта>»" in text
    plain = render_plain("errors/no_lines.html.j2", lang="en", number="ЗС-000012")
    assert plain.startswith("Order ЗС-000012 has no lines")


def test_a_refusal_without_its_own_template_still_gets_a_message(caplog: pytest.LogCaptureFixture) -> None:
    error = DomainError(ErrorCode.NO_LINES, number="ЗС-1")
    error.code = SimpleNamespace(value="brand_new_code")  # type: ignore[assignment]
    assert "brand_new_code" in error_message(error, lang="ru")
    assert "brand_new_code" in caplog.text


def test_an_unknown_language_falls_back_to_russian_and_a_regional_one_to_its_base() -> None:
    russian = render("errors/no_lines.html.j2", lang="ru", number="ЗС-1")
    assert render("errors/no_lines.html.j2", lang="de", number="ЗС-1") == russian
    assert render("errors/no_lines.html.j2", lang="", number="ЗС-1") == russian
    assert render("errors/no_lines.html.j2", lang="en-US", number="ЗС-1").startswith("Order")


def test_a_value_called_name_does_not_clash_with_the_template_name() -> None:
    text = render("errors/price_not_found.html.j2", lang="en", name="Crane", code="KR-200", currency="RUB")
    assert "“Crane”" in text


# --- the catalogue ---


def extracted_ids() -> set[str]:
    """Every msgid in the templates and label tables, found as `pybabel extract` with babel.cfg finds them."""
    with (TEMPLATE_DIR / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    assert ("**.j2", "jinja2") in method_map
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found = Catalog(locale="en")
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(TEMPLATE_DIR), method_map, options_map, keywords=keywords
    ):
        found.add(message)
    return {key(message.id) for message in found if message.id}


def key(message_id: object) -> str:
    """A catalogue's key for a msgid: the singular of a plural one."""
    return str(message_id[0] if isinstance(message_id, tuple | list) else message_id)


def russian_catalogue() -> Catalog:
    return catalogue("ru")


def test_the_russian_catalogue_translates_every_text_and_nothing_else() -> None:
    catalogue = russian_catalogue()
    used = extracted_ids()
    assert len(used) > 100  # the extractors found the templates and the label tables
    translated = {key(message.id) for message in catalogue if message.id}
    assert sorted(used - translated) == [], "texts without a Russian translation"
    assert sorted(translated - used) == [], "translations of texts no longer used"
    assert not catalogue.obsolete, "obsolete (#~) entries left in the catalogue"
    for message in catalogue:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple | list) else (message.string or "",)
        assert all(form.strip() for form in forms), message.id
        assert len(forms) == (catalogue.num_plurals if message.pluralizable else 1), message.id
        assert not message.fuzzy, message.id


def test_the_russian_catalogue_keeps_every_placeholder_of_its_msgid() -> None:
    problems = [(message.id, [str(error) for error in errors]) for message, errors in russian_catalogue().check()]
    assert problems == []


# --- the label tables ---

LABELLED: list[tuple[str, type[StrEnum]]] = [
    ("stage_name", Stage),
    ("role_name", Role),
    ("action_name", Action),
    ("activity_name", ActivityKind),
    ("step_state_name", StepState),
    ("production_state_name", ProductionState),
]


@pytest.mark.parametrize(("function", "enum"), LABELLED)
def test_every_member_of_an_enum_has_a_name_in_both_languages(function: str, enum: type[StrEnum]) -> None:
    russian, english = name_in("ru", function), name_in("en", function)
    for member in enum:
        assert english(member) != member.value, (function, member)
        assert russian(member) != english(member), (function, member)
        assert re.search("[а-яё]", russian(member), re.IGNORECASE), (function, member)
        assert russian(member.value) == russian(member)  # plain strings from the database read the same


def test_stages_and_buttons_are_named_in_the_sales_departments_words() -> None:
    stage_name, action_name = name_in("ru", "stage_name"), name_in("ru", "action_name")
    assert [stage_name(stage) for stage in Stage] == [
        "Заявка", "Согласование", "Исполнение", "Отгружен", "Закрыт", "Отмена заказа", "Архив",
    ]  # fmt: skip
    assert [action_name(action) for action in Action] == [
        "Добавить строку", "Изменить строки", "На согласование", "Отозвать", "Согласовать", "Отклонить",
        "Вернуть на доработку", "Договор и оплата", "Примечание", "В исполнение", "Отгружен", "Закрыть", "Отменить",
        "В архив", "История", "Ход производства", "🔔 Следить", "🔕 Не следить",
    ]  # fmt: skip


def test_an_unknown_code_is_shown_as_it_is() -> None:
    assert name_in("ru", "stage_name")("teleported") == "teleported"


def test_a_move_to_a_stage_is_named_by_the_button_that_makes_it() -> None:
    action_name = name_in("ru", "action_name")
    assert action_name("execution") == "В исполнение"
    assert action_name("archived") == "В архив"


def name_in(lang: str, function: str) -> Callable[[object], str]:
    return cast(Callable[[object], str], environment(lang).globals[function])


# --- the filters ---


def shown(expression: str, lang: str, **values: Any) -> str:
    return environment(lang).from_string("{{ " + expression + " }}").render(**values)


@pytest.mark.parametrize(
    ("lang", "expected"), [("ru", "7\u00a0951,50\u00a0₽"), ("en", "RUB\u00a07,951.50")]
)  # fmt: skip
def test_money_is_written_the_way_the_reader_writes_it(lang: str, expected: str) -> None:
    assert shown("amount|money('RUB')", lang, amount=Decimal("7951.50")) == expected
    assert shown("money(amount, 'RUB')", lang, amount=Decimal("7951.5")) == expected


def test_money_defaults_to_roubles_and_keeps_text_it_cannot_read() -> None:
    assert shown("money(amount)", "ru", amount=Decimal("10")) == "10,00\u00a0₽"
    assert shown("money(amount, 'RUB')", "ru", amount="n/a") == "n/a"


@pytest.mark.parametrize(
    ("value", "ru", "en"),
    [
        (Decimal("50"), "50", "50"),
        (Decimal("50.000"), "50", "50"),
        (Decimal("2.5"), "2,5", "2.5"),
        (Decimal("0.125"), "0,125", "0.125"),
        (Decimal("12500"), "12\u00a0500", "12,500"),
        (Decimal("2.5555"), "2,5555", "2.5555"),  # never rounded: the reader sees what is stored
    ],
)
def test_quantities_show_no_trailing_zeros(value: Decimal, ru: str, en: str) -> None:
    assert shown("value|qty", "ru", value=value) == ru
    assert shown("qty(value)", "en", value=value) == en


def test_a_float_is_refused_because_money_and_quantities_are_decimal() -> None:
    with pytest.raises(TypeError):
        shown("value|money('RUB')", "ru", value=7951.5)
    with pytest.raises(TypeError):
        shown("value|qty", "ru", value=2.5)


def test_dates_are_written_the_way_the_reader_writes_them() -> None:
    assert shown("when|day", "ru", when=date(2026, 12, 15)) == "15.12.2026"
    assert shown("when|day", "en", when=date(2026, 12, 15)) == "15 Dec 2026"
    assert shown("day('2026-12-15')", "ru") == "15.12.2026"


def test_a_moment_is_shown_in_the_readers_time_zone() -> None:
    at = datetime(2026, 12, 15, 11, 5, tzinfo=UTC)
    assert shown("moment(at)", "ru", at=at) == "15.12.2026 14:05"  # Moscow unless told otherwise
    assert shown("moment(at, 'Asia/Vladivostok')", "ru", at=at) == "15.12.2026 21:05"
    assert shown("at|moment", "ru", at=at, tz="Europe/London") == "15.12.2026 11:05"
    assert shown("moment(at)", "en", at=at) == "15 Dec 2026, 14:05"
    assert shown("clock('2026-12-15T11:05:00+00:00')", "ru") == "14:05 15.12"
    assert shown("moment(at, 'Nowhere/Atlantis')", "ru", at=at) == "15.12.2026 14:05"
