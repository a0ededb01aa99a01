"""A quick entry's options, whether its preview may be created, and every text at its worst: no database, no network."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import templates
from bot.handlers.registering.quick import preview_text
from core.errors import DomainError, ErrorCode
from core.money import Money
from core.policy import Action
from core.quick_entry import (
    PreviewLine,
    Problem,
    ProblemKind,
    QuickPreview,
    preview_from_data,
    preview_to_data,
    resolve_options,
)
from core.stages import Stage
from core.use_cases.catalogue import CounterpartyChoice, ItemOffer, OptionChoice
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
    read = resolve_options(FAN, "1.1 квт ухл1")
    assert read.options == (("Двигатель", "1.1 кВт"), ("Климатическое исполнение", "УХЛ1"))
    assert read.defaulted == () and read.problem is None
    assert FAN.price_with(dict(read.options)) == Decimal("69100")


def test_options_not_named_take_their_base_value_and_are_marked() -> None:
    read = resolve_options(FAN, "")
    assert read.options == (("Двигатель", "0.75 кВт"), ("Климатическое исполнение", "У1"))
    assert read.defaulted == ("Двигатель", "Климатическое исполнение") and read.problem is None


def test_a_word_that_is_no_option_is_pointed_at_with_the_known_values() -> None:
    problem = resolve_options(FAN, "2 кВт").problem
    assert problem is not None and problem.kind == ProblemKind.OPTION_UNKNOWN and problem.typed == "2 кВт"
    assert "УХЛ1" in problem.known


ROMASHKA = CounterpartyChoice(1, "ООО «Ромашка»", "7701234567")
GOOD_LINE = PreviewLine(
    fragment="ВК-12 x5 до 15.12",
    item_id=5,
    code="ВК-12",
    options=(("Двигатель", "0.75 кВт"),),
    quantity=Decimal(5),
    required_by=date(2026, 12, 15),
    price=Decimal("61200"),
    amount=Decimal("306000.00"),
)
GOOD = QuickPreview(ROMASHKA, (), (GOOD_LINE,), (), (), Decimal("306000.00"), "RUB")


def test_a_preview_is_ready_only_when_everything_was_read_and_found() -> None:
    assert GOOD.ready
    assert not replace(GOOD, counterparty=None).ready
    assert not replace(GOOD, unreadable=("просто текст",)).ready
    assert not replace(GOOD, lines=(replace(GOOD_LINE, problems=(Problem(ProblemKind.NO_DATE),)),)).ready
    assert not replace(GOOD, lines=()).ready


def test_a_ready_preview_gives_the_lines_to_register_with_every_option() -> None:
    (line,) = GOOD.lines_to_register()
    assert (line.item_id, line.quantity, line.required_by) == (5, Decimal(5), date(2026, 12, 15))
    assert line.options == {"Двигатель": "0.75 кВт"}


def test_a_candidate_picked_as_the_customer_clears_the_customer_problem_and_nothing_else() -> None:
    ambiguous = replace(
        GOOD,
        counterparty=None,
        candidates=(ROMASHKA,),
        problems=(Problem(ProblemKind.COUNTERPARTY_AMBIGUOUS, typed="ООО"), Problem(ProblemKind.NO_LINES)),
    )
    picked = ambiguous.picked(ROMASHKA.id)
    assert picked is not None and picked.counterparty == ROMASHKA and picked.candidates == ()
    assert picked.problems == (Problem(ProblemKind.NO_LINES),)
    assert ambiguous.picked(999) is None


def test_a_preview_kept_in_a_draft_reads_back_as_it_was() -> None:
    back = preview_from_data(json.loads(json.dumps(preview_to_data(worst_quick()))))
    assert back is not None
    assert preview_to_data(back) == preview_to_data(worst_quick())
    refusal = back.lines[-1].problems[-1].refusal
    assert refusal is not None and refusal.code == ErrorCode.QUANTITY_NOT_POSITIVE


@pytest.mark.parametrize(
    "garbled",
    [None, "preview", [], {}, {"lines": "x"}, {**preview_to_data(GOOD), "total": "много"}],
)
def test_a_preview_that_cannot_be_read_back_is_none_rather_than_an_error(garbled: object) -> None:
    assert preview_from_data(garbled) is None


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
    price_source="manual",  # the longest a price's source reads: by whom, off which list price, why
    list_price=Decimal("999999999.99"),
    price_set_by="Константинопольская-Преображенская Александра Вячеславовна",
    price_reason="<причина> & " * 40,
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
# a request whose customer is chosen and which waits for its first line to be registered
CHOSEN = {"counterparty_name": CUSTOMER, "responsible_name": PERSON, "lines": 0, "total": "0", "currency": "RUB"}
TYPED = "<script>" + "&" * 92
ASKED = {"request": REQUEST, "offer": OFFER, "chosen": [("Исполнение", "IP54 <пыле>", Decimal("6624"))]}
ASKED |= {"unit_price": Decimal("987660945.99"), "quantity": "123456.789", "option": "Исполнение <IP> & тип"}
LABELS = ["m", "d", "k", "a", "qc", "qe", "to_card", "quantity", "date", "configuration", "remove", "remove_yes"]
LABELS += ["no", "back"]


def worst_quick() -> QuickPreview:
    """30 fragments at their longest: lines found with every option, lines with every problem, unreadable parts."""
    found = PreviewLine(
        fragment=TYPED,
        item_id=7,
        code="ВР-300-45-3.15",
        name=ITEM,
        unit="шт",
        available=Decimal("123456.789"),
        options=(("Исполнение", "IP54 <пыле> & влаго"), ("Двигатель", "4.0 кВт & 3000 об/мин")),
        defaulted=("Двигатель",),
        quantity=Decimal("123456.789"),
        required_by=date(2026, 12, 31),
        price=Decimal("987654321.99"),
        amount=Decimal("121932631112635.27"),
    )
    refused = Problem(ProblemKind.REFUSED, refusal=DomainError(ErrorCode.QUANTITY_NOT_POSITIVE, value="-5" * 40))
    unknown = Problem(ProblemKind.ITEM_UNKNOWN, typed=TYPED, codes=(TYPED,) * 5)
    wrong = PreviewLine(fragment=TYPED, problems=(unknown, refused))
    return QuickPreview(
        counterparty=None,
        candidates=(CounterpartyChoice(1, CUSTOMER, "7728145639"),) * 6,
        lines=(found,) * 10 + (wrong,) * 10,
        unreadable=(TYPED,) * 10,
        problems=(Problem(ProblemKind.COUNTERPARTY_AMBIGUOUS, typed=TYPED), Problem(ProblemKind.NO_LINES)),
        total=Decimal("9999999999999.99"),
        currency="RUB",
    )


def refused_text(error: DomainError) -> str:
    return templates.error_message(error, lang="ru", html=False)


CONTEXTS: dict[str, list[dict[str, Any]]] = {
    "already_created.html.j2": [{"number": "ЗС-000123"}],
    "ask_counterparty.html.j2": [{}],
    "ask_date.html.j2": [ASKED],
    "ask_item.html.j2": [{"request": REQUEST, "registered": True}, {"request": REQUEST}, {"request": CHOSEN}],
    "ask_option.html.j2": [ASKED],
    "ask_quantity.html.j2": [ASKED],
    "ask_responsible.html.j2": [{"request": REQUEST}],
    "counterparty_choices.html.j2": [{"typed": TYPED}],
    "counterparty_none.html.j2": [{"typed": TYPED}],
    "created.html.j2": [{"number": "ЗС-000123"}],
    "flow_over.html.j2": [{}],
    "item_choices.html.j2": [{"typed": TYPED}],
    "item_none.html.j2": [{"typed": TYPED}],
    "line_added.html.j2": [
        {"request": REQUEST, "line": LINE, "offer": OFFER, "registered": first} for first in (True, False)
    ],
    "line_ask.html.j2": [{"card": CARD, "line": LINE, "field": field} for field in ("quantity", "date", "price")],
    "line_menu.html.j2": [{"card": CARD, "line": LINE}],
    "line_options.html.j2": [{"card": CARD, "line": LINE}],
    "line_remove.html.j2": [{"card": CARD, "line": LINE}],
    "lines.html.j2": [{"card": CARD}],
    "quick_fix.html.j2": [{"text": "<b>&" * 1000}],
    "quick_hint.html.j2": [{}],
    "quick_not_ready.html.j2": [{}],
    "quick_preview.html.j2": [{"quick": worst_quick(), "ready": False, "shown": 4, "refused": refused_text}],
    "registered.html.j2": [{"request": REQUEST}],
    "resume.html.j2": [{"request": REQUEST}],
    "search_too_long.html.j2": [{"length": 4096, "what": what} for what in ("item", "counterparty")],
    "state_lost.html.j2": [{}],
    "stopped_unregistered.html.j2": [{}],
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
    assert ("больше нуля" if lang == "ru" else "more than zero") in shown  # the core's refusal, worded
    short = replace(quick, lines=quick.lines[:2], unreadable=())
    assert "не поместил" not in preview_text(TextOnlyStaff("ru"), short)  # type: ignore[arg-type]
