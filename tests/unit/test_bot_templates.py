"""Every bot template, in Russian and English, at its worst (long names, `<script>` and `&`, a 60-line order),
is one message Telegram takes: the sandbox's own HTML parser reads it and it is within 4096 characters.

`CONTEXTS` names the worst realistic values of each template under templates/bot/; a template without an
entry fails with a message saying so (partials, named `_*.html.j2`, are checked through the templates that
include them). No database and no network.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import templates
from bot.handlers.card.screen import card_text
from bot.handlers.card.views import HISTORY_PAGE, PROGRESS_PAGE, history_page
from core.lateness import LineProgress
from core.lifecycle import ContractRoom
from core.money import Money
from core.policy import Action
from core.roles import Role
from core.stages import Stage
from core.use_cases.people import PersonView
from core.use_cases.terms_catalogue import ContractChoice
from core.views import HistoryEntry, LineView, OrderCard, StepView
from sandbox.message_text import compose
from templates import render
from templates.rendering import to_plain
from tests.unit.test_bot_debts import DEBTS_CONTEXTS
from tests.unit.test_bot_demand import DEMAND_CONTEXTS
from tests.unit.test_bot_inbox import DELEGATION_CONTEXTS, INBOX_CONTEXTS
from tests.unit.test_bot_money import money_contexts
from tests.unit.test_bot_mps import MPS_CONTEXTS
from tests.unit.test_bot_new_request import NEW_REQUEST_CONTEXTS
from tests.unit.test_bot_notices import NOTICES_CONTEXTS
from tests.unit.test_bot_registry import REGISTRY_CONTEXTS
from tests.unit.test_bot_settings import SETTINGS_CONTEXTS

BOT_TEMPLATES = Path(templates.__file__).parent / "bot"
LANGUAGES = ("ru", "en")
TELEGRAM_LIMIT = 4096
PLACEHOLDER_LIMIT = 64
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

# --- the worst realistic values ---

CUSTOMER = (
    "<script>alert('ИНН')</script> ООО «Научно-производственное объединение «Вентиляция & Кондиционирование "
    "Северо-Западного федерального округа»» (филиал в г. Санкт-Петербург) & Co"
)
ITEM = "Вентилятор радиальный пылевой ВР 300-45 № 3,15 <исп. 1> & «взрывозащищённый» с двигателем АИР"
PERSON = "Константинопольская-Преображенская Александра Вячеславовна & <b>Ко</b>"
REASON = ("Клиент выбрал другого поставщика: «Рога & Копыта» <дешевле на 12 %> и сроки короче. " * 12)[:1000]
COMMENT = ("Реконструкция вентиляции цеха № 3 <корпус Б> & склада, поставка двумя партиями. " * 30)[:2000]
CONTRACT = "ДП-2026/045-<спец> & доп. соглашение № 3 к договору поставки оборудования"
TERMS = "50% предоплата & 50% по отгрузке <в течение 5 банковских дней>"
STEP = "Финансовый директор <свыше 500 000 ₽> & главный бухгалтер"

MANAGER = PersonView(
    id=1,
    telegram_id=1001,
    full_name=PERSON,
    roles=frozenset(Role),
    language="ru",
    time_zone="Asia/Vladivostok",
    approval_limit=None,
    can_override_price=True,
)


def line(position: int) -> LineView:
    return LineView(
        id=position,
        position=position,
        item_id=7,
        item_code="ВР-300-45-3.15",
        item_name=ITEM,
        unit="шт",
        options=(("Исполнение", "IP54 <пылевлагозащищённое>"), ("Двигатель", "4.0 кВт & 3000 об/мин")),
        quantity=Decimal("123456.789"),
        required_by=date(2026, 12, 31),
        price=Decimal("987654321.99"),
        price_overridden=True,
        amount=Decimal("121932631112635.27"),
        planned_cost=Decimal("600000000000.00"),
        actual_cost=Decimal("599999999999.99"),
        production_state="in_progress",
        produced_quantity=Decimal("100000.5"),
        shipped_quantity=Decimal("0"),
        free_stock=Decimal("123456789.123"),  # an approver's card: the longest stock a line shows
        price_source="manual",  # the longest source a price shows: by hand, by whom, off which list price, why
        list_price=Decimal("999999999.99"),
        price_set_by=PERSON,
        price_reason=REASON,
        reserved=Decimal("23456.789"),
    )


def step(position: int, state: str) -> StepView:
    return StepView(
        id=position,
        title=STEP,
        role="approver",
        person_name=PERSON,
        group=position,
        state=state,
        decided_by=PERSON,
        decided_at=NOW,
        comment=REASON,
    )


def order(lines: int = 60, **changes: Any) -> OrderCard:
    card = OrderCard(
        id=123456,
        number="ЗС-000123",
        stage=Stage.APPROVAL,
        version=42,
        counterparty_id=9,
        counterparty_name=CUSTOMER,
        counterparty_tax_id="7728145639",
        responsible_id=1,
        responsible_name=PERSON,
        contract_id=5,
        contract_number=CONTRACT,
        payment_terms_id=2,
        payment_terms_name=TERMS,
        total=Money(Decimal("9999999999999.99"), "RUB"),
        planned_cost=Money(Decimal("8888888888888.88"), "RUB"),
        lines=tuple(line(position) for position in range(1, lines + 1)),
        steps=(step(1, "approved"), step(2, "returned"), step(3, "withdrawn")),
        comment=COMMENT,
        cancel_reason=REASON,
        created_at=NOW,
        updated_at=NOW,
        stage_changed_at=NOW,
        actions=frozenset(Action),
        blockers=("approvals", "payment_terms", "contract_limit_exceeded", "contract_not_valid", "no_approver"),
        customer_open=(999999, Money(Decimal("9999999999999.99"), "RUB")),  # as an approver sees it
        customer_overdue=Money(Decimal("9999999999999.99"), "RUB"),
        contract_room=ContractRoom(limit=Decimal("9999999999999.99"), used=Decimal("1.00"), unit="RUB"),
    )
    return replace(card, **changes)


def journal() -> list[HistoryEntry]:
    """Every kind of entry the core writes, with its details at their longest, 60 lines' worth."""
    added = {
        "position": 60,
        "item": "ВР-300-45-3.15",
        "name": ITEM,
        "quantity": "123456.789",
        "required_by": "2026-12-31",
        "price": "987654321.99",
        "amount": "121932631112635.27",
        "options": ["Исполнение: IP54 <пылевлагозащищённое>", "Двигатель: 4.0 кВт & 3000 об/мин"],
    }
    changed = {key: {"from": value, "to": value} for key, value in added.items() if key != "position"}
    kinds: list[tuple[str, dict[str, Any]]] = [
        ("registered", {"counterparty": CUSTOMER, "responsible": PERSON}),
        *[("line_added", added)] * 60,
        ("line_updated", {"position": 60, "item": "ВР-300-45-3.15", "changes": changed}),
        ("line_removed", added),
        ("submitted", {"from": "request", "to": "approval", "total": "9999999999999.99", "steps": [STEP] * 3}),
        ("approved", {"step": STEP, "comment": REASON}),
        ("returned", {"from": "approval", "to": "request", "step": STEP, "reason": REASON}),
        ("contract_set", {"contract": CONTRACT, "payment_terms": TERMS}),
        ("rejected", {"from": "approval", "to": "cancelled", "step": STEP, "reason": REASON}),
        ("stage_moved", {"from": "approval", "to": "execution", "automatic": True}),
        ("cancelled", {"from": "execution", "to": "cancelled", "reason": REASON}),
        ("archived", {"from": "cancelled", "to": "archived"}),
        ("payment_received", {"amount": "100.00", "note": CUSTOMER}),  # a kind added later still renders
    ]
    return [
        HistoryEntry(
            at=NOW - timedelta(minutes=len(kinds) - number), actor_name=PERSON, kind=kind, version=number, details=d
        )
        for number, (kind, d) in enumerate(kinds, start=1)
    ]


class RecordingStaff:
    """Enough of bot.staff.Staff for the functions that lay out pages: renders as Staff does, remembers the values."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.person = replace(MANAGER, language=lang)
        self.contexts: list[dict[str, Any]] = []

    def text(self, name: str, /, **context: Any) -> str:
        self.contexts.append(context)
        return render(name, lang=self.lang, person=self.person, tz=self.person.time_zone, **context)


def card_pages(lang: str) -> list[dict[str, Any]]:
    """The values of every page of a 60-line card, as the bot lays it out in this language."""
    staff, card = RecordingStaff(lang), order()
    pages = card_text(staff, card, page=0)[2]  # type: ignore[arg-type]
    shown = []
    for page in range(pages):
        card_text(
            staff, card, page=page, note=render("bot/card_changed.html.j2", lang=lang, card=card, changes=journal())
        )  # type: ignore[arg-type]
        shown.append(staff.contexts[-1])
    return shown


def history_pages(lang: str) -> list[dict[str, Any]]:
    """The values of every page of a long history, from the latest entries back."""
    staff, card = RecordingStaff(lang), order()
    entries = [
        (number // 20, Stage.REQUEST if number < 40 else Stage.APPROVAL, entry)
        for number, entry in enumerate(journal())
    ]
    shown, end = [], len(entries)
    while end > 0:
        _text, start, end = history_page(staff, card, entries, end=end)  # type: ignore[arg-type]
        shown.append(staff.contexts[-1])
        end = start
    return shown


CARD = order(lines=1)
LATE = LineProgress(line(1), late=True)
Contexts = list[dict[str, Any]] | Callable[[str], list[dict[str, Any]]]

# template (under templates/) -> its worst realistic contexts, or a function of the language that lays them out
CONTEXTS: dict[str, Contexts] = {
    "bot/action_label.html.j2": [{"action": action.value} for action in Action],
    "bot/action_unavailable.html.j2": [{"card": CARD}],
    "bot/button_unknown.html.j2": [{}],
    "bot/failed.html.j2": [{}],
    "bot/card.html.j2": card_pages,
    "bot/card_changed.html.j2": [{"card": CARD, "changes": journal()}, {"card": CARD, "changes": []}],
    "bot/done.html.j2": [{"action": action.value} for action in Action],
    "bot/flow_stopped.html.j2": [{}],
    "bot/help.html.j2": [{}],
    "bot/help_body.html.j2": [{}],
    "bot/invite_link.html.j2": [
        {"role": "accountant", "link": "https://t.me/orderbot_company_bot?start=i_" + "x" * 43, "expires_at": NOW}
    ],
    "bot/invite_usage.html.j2": [{"roles": [role.value for role in Role]}, {"roles": list(Role), "typed": "ы" * 30}],
    "bot/invite_admins_only.html.j2": [{}],
    "bot/role_name.html.j2": [{"role": role.value} for role in Role],
    "bot/not_understood.html.j2": [{}],
    "bot/nothing_to_cancel.html.j2": [{}],
    "bot/order_usage.html.j2": [{}],
    "bot/stranger.html.j2": [{}],
    "bot/welcome.html.j2": [{}],
    # the card's details
    "bot/details/approved_needs_terms.html.j2": [{"card": CARD}],
    "bot/details/went_to_execution.html.j2": [{"card": CARD}],
    "bot/details/contract_number_prompt.html.j2": [{"number": CARD.number}],
    "bot/details/contract_number_question.html.j2": [{"card": CARD}],
    "bot/details/contract_question.html.j2": [
        {"card": CARD, "contracts": [object()] * 20, "shown": 8},
        {"card": CARD, "contracts": [], "shown": 8},
    ],
    "bot/details/terms_question.html.j2": [
        {"card": CARD, "contract": CONTRACT, "new": True},
        {"card": CARD, "contract": CONTRACT, "new": False},
    ],
    "bot/details/number_lost.html.j2": [{}],
    "bot/details/history.html.j2": history_pages,
    "bot/details/progress.html.j2": [
        {
            "card": order(),
            "rows": [LATE] * PROGRESS_PAGE,
            "page": 5,
            "pages": 6,
            "today": date(2026, 11, 30),
            "made": 59,
            "late": 60,
        }
    ],
    "bot/details/label.html.j2": [
        *({"which": which} for which in ("back", "to_order", "new_contract", "other_contract", "earlier", "later")),
        *({"which": which} for which in ("page_back", "page_on")),
        *({"which": f"yes_{action}"} for action in ("ship", "close", "cancel")),
        {"which": "contract", "contract": ContractChoice(5, CONTRACT, "value_limited", None, date(2026, 1, 1), None)},
        {
            "which": "contract",
            "contract": ContractChoice(5, CONTRACT, "value_limited", Decimal(1), date(2026, 1, 1), date(2026, 12, 31)),
        },
    ],
    "bot/details/placeholder.html.j2": [
        {"which": which} for which in ("cancel", "reject", "return", "contract", "note", "close")
    ],
    "bot/details/reason_prompt.html.j2": [
        {"number": CARD.number, "action": action} for action in ("cancel", "reject", "return", "note", "close")
    ],
    "bot/details/confirm_move.html.j2": [{"card": CARD, "action": action} for action in ("ship", "close", "cancel")],
    "bot/details/reason_question.html.j2": [
        {"card": CARD, "action": action} for action in ("cancel", "reject", "return", "note", "close")
    ],
}
# Each area's own test module keeps the worst cases of its templates.
CONTEXTS.update(NEW_REQUEST_CONTEXTS)
CONTEXTS.update(REGISTRY_CONTEXTS)
CONTEXTS.update(SETTINGS_CONTEXTS)
CONTEXTS.update(NOTICES_CONTEXTS)
CONTEXTS.update(INBOX_CONTEXTS)
CONTEXTS.update(MPS_CONTEXTS)
CONTEXTS.update(money_contexts(CARD))
CONTEXTS.update(DELEGATION_CONTEXTS)
CONTEXTS.update(DEBTS_CONTEXTS)
CONTEXTS.update(DEMAND_CONTEXTS)


def bot_templates() -> Iterator[str]:
    for path in sorted(BOT_TEMPLATES.rglob("*.j2")):
        if not path.name.startswith("_"):
            yield path.relative_to(BOT_TEMPLATES.parent).as_posix()


def contexts_of(name: str, lang: str) -> list[dict[str, Any]]:
    if name not in CONTEXTS:
        pytest.fail(
            f"templates/{name} has no worst-case context: add its longest realistic values to CONTEXTS in "
            "tests/unit/test_bot_templates.py",
            pytrace=False,
        )
    found = CONTEXTS[name]
    return found(lang) if callable(found) else found


def rendered(name: str, lang: str, context: dict[str, Any]) -> str:
    person = replace(MANAGER, language=lang)
    return render(name, lang=lang, **{"person": person, "tz": person.time_zone, **context})


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(bot_templates()))
def test_a_bot_template_at_its_worst_is_one_message_telegram_accepts(
    name: str, lang: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="templates.environment")
    for number, context in enumerate(contexts_of(name, lang)):
        text = rendered(name, lang, context)
        where = f"templates/{name} ({lang}, context {number})"
        assert text.strip(), f"{where} renders empty"
        try:
            plain, _entities = compose(text, parse_mode="HTML", strict=True)
        except Exception as refusal:  # the sandbox's ApiError, as Telegram would answer
            pytest.fail(f"{where} is refused as Telegram would refuse it: {refusal}\n{text[:2000]}", pytrace=False)
        assert len(plain.encode("utf-16-le")) // 2 <= TELEGRAM_LIMIT, f"{where} is {len(plain)} characters long"
        assert "<script>" not in text, f"{where} lets a value's markup through"
    undefined = [record.getMessage() for record in caplog.records]
    assert not undefined, f"templates/{name} ({lang}) uses values its context lacks: {undefined}"


def test_every_context_names_a_template_that_exists() -> None:
    assert sorted(set(CONTEXTS) - set(bot_templates())) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_sixty_line_card_shows_every_line_once_on_pages_telegram_accepts(lang: str) -> None:
    staff, card = RecordingStaff(lang), order()
    text, _page, pages = card_text(staff, card, page=0)  # type: ignore[arg-type]
    assert pages > 1
    shown = []
    for page in range(pages):
        text, number, _pages = card_text(staff, card, page=page)  # type: ignore[arg-type]
        assert number == page
        compose(text, parse_mode="HTML", strict=True)
        shown += [line.position for line in staff.contexts[-1]["lines"]]
    assert shown == list(range(1, 61))
    assert card_text(staff, card, page=999)[1] == pages - 1  # a forged page number shows the last page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_long_history_pages_back_through_every_entry_once(lang: str) -> None:
    entries = journal()
    pages = history_pages(lang)
    shown = [entry for context in reversed(pages) for _stage, group in context["groups"] for entry in group]
    assert shown == entries
    assert all(len(context["groups"]) >= 1 for context in pages)
    assert sum(1 for context in pages if context["end"] - context["start"] == HISTORY_PAGE) >= 1


def test_placeholders_fit_their_places() -> None:
    for lang in LANGUAGES:
        for which in ("cancel", "reject", "return", "contract", "note"):
            placeholder = to_plain(rendered("bot/details/placeholder.html.j2", lang, {"which": which}))
            assert 0 < len(placeholder) <= PLACEHOLDER_LIMIT, (lang, which)
