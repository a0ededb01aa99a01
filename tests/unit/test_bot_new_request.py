"""A quick entry's options, whether its preview may be created, and every text at its worst: no database, no network."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import templates
from bot.handlers.new_request_quick import preview_text, read_options, ready
from core.money import Money
from core.policy import Action
from core.stages import Stage
from core.use_cases.catalogue import ItemOffer, OptionChoice
from core.views import LineView, OrderCard
from sandbox.message_text import compose
from templates import render

MOTOR = OptionChoice("Двигатель", (("0.75 кВт", Decimal("0")), ("1.1 кВт", Decimal("4800"))))
CLIMATE = OptionChoice("Климатическое исполнение", (("У1", Decimal("0")), ("УХЛ1", Decimal("3100"))))
FAN = ItemOffer(
    id=5,
    code="ВК-12",
    name="Вентилятор крышный радиальный ВК-12",
    unit="шт",
    whole_units=True,
    price=Decimal("61200"),
    currency="RUB",
    options=(MOTOR, CLIMATE),
    on_hand=Decimal("0"),
    reserved=Decimal("0"),
)


def test_options_named_after_the_code_are_taken_whole_words_only() -> None:
    options, defaulted, problem = read_options(FAN, "1.1 квт ухл1")
    assert options == {"Двигатель": "1.1 кВт", "Климатическое исполнение": "УХЛ1"}
    assert defaulted == [] and not problem
    assert FAN.price_with(options) == Decimal("69100")


def test_options_not_named_take_their_base_value_and_are_marked() -> None:
    options, defaulted, problem = read_options(FAN, "")
    assert options == {"Двигатель": "0.75 кВт", "Климатическое исполнение": "У1"}
    assert defaulted == ["Двигатель", "Климатическое исполнение"] and not problem


def test_a_word_that_is_no_option_is_pointed_at_with_the_known_values() -> None:
    _, _, problem = read_options(FAN, "2 кВт")
    assert problem["kind"] == "option_unknown" and problem["typed"] == "2 кВт"
    assert "УХЛ1" in problem["known"]


def test_a_preview_is_ready_only_when_everything_was_read_and_found() -> None:
    line = {"fragment": "ВК-12 x5 до 15.12", "problems": [], "amount": "306000.00"}
    good = {"counterparty": {"id": 1}, "lines": [line], "problems": [], "unreadable": []}
    assert ready(good)
    assert not ready({**good, "counterparty": None})
    assert not ready({**good, "unreadable": ["просто текст"]})
    assert not ready({**good, "lines": [{**line, "problems": [{"kind": "no_date"}]}]})
    assert not ready({**good, "lines": []})


# --- every text of the new request at its worst is one message Telegram accepts ---

CUSTOMER = (
    "<script>alert('ИНН')</script> ООО «Научно-производственное объединение «Вентиляция & Кондиционирование»» & Co"
)
ITEM = "Вентилятор радиальный пылевой ВР 300-45 № 3,15 <исп. 1> & «взрывозащищённый» с двигателем АИР"
PERSON = "Константинопольская-Преображенская Александра Вячеславовна & <b>Ко</b>"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
OFFER = ItemOffer(
    id=7,
    code="ВР-300-45-3.15",
    name=ITEM,
    unit="шт",
    whole_units=True,
    price=Decimal("987654321.99"),
    currency="RUB",
    options=(OptionChoice("Исполнение <IP> & тип", (("IP54 <пыле>", Decimal("6624")),)),),
    on_hand=Decimal("123456.789"),
    reserved=Decimal("1.5"),
)
LINE = LineView(
    id=1,
    position=60,
    item_id=7,
    item_code="ВР-300-45-3.15",
    item_name=ITEM,
    unit="шт",
    options=(("Исполнение", "IP54 <пыле> & влаго"), ("Двигатель", "4.0 кВт & 3000 об/мин")),
    quantity=Decimal("123456.789"),
    required_by=date(2026, 12, 31),
    price=Decimal("987654321.99"),
    price_overridden=True,
    amount=Decimal("121932631112635.27"),
    planned_cost=Decimal("600000000000.00"),
    actual_cost=None,
    production_state="not_planned",
    produced_quantity=Decimal("0"),
    shipped_quantity=Decimal("0"),
)
CARD = OrderCard(
    id=123456,
    number="ЗС-000123",
    stage=Stage.REQUEST,
    version=42,
    counterparty_id=9,
    counterparty_name=CUSTOMER,
    counterparty_tax_id="7728145639",
    responsible_id=1,
    responsible_name=PERSON,
    contract_id=None,
    contract_number=None,
    payment_terms_id=None,
    payment_terms_name=None,
    total=Money(Decimal("9999999999999.99"), "RUB"),
    planned_cost=Money(Decimal("8888888888888.88"), "RUB"),
    lines=(LINE,) * 60,
    steps=(),
    comment="",
    cancel_reason=None,
    created_at=NOW,
    updated_at=NOW,
    stage_changed_at=NOW,
    actions=frozenset(Action),
)
REQUEST = {
    "number": "ЗС-000123",
    "counterparty_name": CUSTOMER,
    "responsible_name": PERSON,
    "lines": 59,
    "total": "9999999999999.99",
    "currency": "RUB",
}
TYPED = "<script>" + "&" * 92
ASKED = {"request": REQUEST, "offer": OFFER, "chosen": [("Исполнение", "IP54 <пыле>", Decimal("6624"))]}
ASKED |= {"unit_price": Decimal("987660945.99"), "quantity": "123456.789", "option": "Исполнение <IP> & тип"}
LABELS = ["m", "d", "k", "a", "qc", "qe", "to_card", "quantity", "date", "configuration", "remove", "remove_yes"]
LABELS += ["no", "back"]


def worst_quick() -> dict[str, Any]:
    """30 fragments at their longest: lines found with every option, lines with every problem, unreadable parts."""
    found = {
        "fragment": TYPED,
        "problems": [],
        "item_id": 7,
        "code": "ВР-300-45-3.15",
        "name": ITEM,
        "unit": "шт",
        "available": "123456.789",
        "options": {"Исполнение": "IP54 <пыле> & влаго", "Двигатель": "4.0 кВт & 3000 об/мин"},
        "defaulted": ["Двигатель"],
        "quantity": "123456.789",
        "required_by": "2026-12-31",
        "price": "987654321.99",
        "amount": "121932631112635.27",
    }
    refused = {"kind": "refused", "text": "Количество должно быть больше нуля, а указано -5. " * 3}
    wrong = {"fragment": TYPED, "problems": [{"kind": "item_unknown", "typed": TYPED, "codes": [TYPED] * 5}, refused]}
    return {
        "counterparty": None,
        "candidates": [{"id": 1, "name": CUSTOMER, "tax_id": "7728145639"}] * 6,
        "lines": [found] * 10 + [wrong] * 10,
        "unreadable": [TYPED] * 10,
        "problems": [{"kind": "counterparty_ambiguous", "typed": TYPED}, {"kind": "no_lines"}],
        "total": "9999999999999.99",
        "currency": "RUB",
    }


CONTEXTS: dict[str, list[dict[str, Any]]] = {
    "already_created.html.j2": [{"number": "ЗС-000123"}],
    "ask_counterparty.html.j2": [{}],
    "ask_date.html.j2": [ASKED],
    "ask_item.html.j2": [{"request": REQUEST, "registered": True}, {"request": REQUEST}],
    "ask_option.html.j2": [ASKED],
    "ask_quantity.html.j2": [ASKED],
    "ask_responsible.html.j2": [{"request": REQUEST}],
    "counterparty_choices.html.j2": [{"typed": TYPED}],
    "counterparty_none.html.j2": [{"typed": TYPED}],
    "created.html.j2": [{"number": "ЗС-000123"}],
    "flow_over.html.j2": [{}],
    "item_choices.html.j2": [{"typed": TYPED}],
    "item_none.html.j2": [{"typed": TYPED}],
    "line_added.html.j2": [{"request": REQUEST, "line": LINE, "offer": OFFER}],
    "line_ask.html.j2": [{"card": CARD, "line": LINE, "field": field} for field in ("quantity", "date")],
    "line_menu.html.j2": [{"card": CARD, "line": LINE}],
    "line_options.html.j2": [{"card": CARD, "line": LINE}],
    "line_remove.html.j2": [{"card": CARD, "line": LINE}],
    "lines.html.j2": [{"card": CARD}],
    "quick_fix.html.j2": [{"text": "<b>&" * 1000}],
    "quick_hint.html.j2": [{}],
    "quick_not_ready.html.j2": [{}],
    "quick_preview.html.j2": [{"quick": worst_quick(), "ready": False, "shown": 4}],
    "registered.html.j2": [{"request": REQUEST}],
    "resume.html.j2": [{"request": REQUEST}],
    "search_too_long.html.j2": [{"length": 4096, "what": what} for what in ("item", "counterparty")],
    "stale_button.html.j2": [{}],
    "tap_a_button.html.j2": [{}],
    "button.html.j2": [
        *({"what": what} for what in LABELS),
        {"what": "counterparty", "name": CUSTOMER, "tax_id": "7728145639"},
        {"what": "me", "name": PERSON},
        {"what": "person", "name": PERSON},
        {"what": "item", "code": "ВР-300-45-3.15", "name": ITEM},
        {"what": "option", "option": "Исполнение", "value": "IP54 <пыле>", "delta": Decimal("6624"), "current": True},
        {"what": "line", "line": LINE},
    ],
}
# for tests/unit/test_bot_templates.py, which checks every bot template the same way
NEW_REQUEST_CONTEXTS = {f"bot/new_request/{name}": contexts for name, contexts in CONTEXTS.items()}


class TextOnlyStaff:
    """Enough of bot.staff.Staff to lay out a preview."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def text(self, name: str, /, **context: Any) -> str:
        return render(name, lang=self.lang, tz="Europe/Moscow", **context)


def accepted_by_telegram(text: str) -> str:
    plain_text, _entities = compose(text, parse_mode="HTML", strict=True)
    assert len(plain_text.encode("utf-16-le")) // 2 <= 4096
    assert "<script>" not in text
    return plain_text


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_every_new_request_text_at_its_worst_is_one_message_telegram_accepts(
    name: str, lang: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="templates.environment")
    for context in CONTEXTS[name]:
        text = render(f"bot/new_request/{name}", lang=lang, tz="Europe/Moscow", **context)
        assert text.strip()
        if name != "button.html.j2":
            accepted_by_telegram(text)
    assert not [record.getMessage() for record in caplog.records]


def test_every_new_request_template_has_a_worst_case() -> None:
    folder = Path(templates.__file__).parent / "bot" / "new_request"
    assert sorted(path.name for path in folder.glob("[!_]*.j2")) == sorted(CONTEXTS)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_preview_too_long_for_one_message_counts_the_lines_it_cannot_show(lang: str) -> None:
    quick = worst_quick()
    shown = accepted_by_telegram(preview_text(TextOnlyStaff(lang), quick))  # type: ignore[arg-type]
    assert ("не поместил" if lang == "ru" else "not shown") in shown
    quick["lines"], quick["unreadable"] = quick["lines"][:2], []
    assert "не поместил" not in preview_text(TextOnlyStaff("ru"), quick)  # type: ignore[arg-type]
