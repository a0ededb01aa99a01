"""The inbox's screens without a bot: their worst realistic values, and buttons within Telegram's limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from markupsafe import Markup

from bot.callbacks import MAX_BYTES
from bot.handlers.card.screen import fits
from bot.handlers.inbox.view import (
    MOST_SHOWN,
    ShownRow,
    confirm_screen,
    key_of,
    list_screen,
    result_texts,
    shown_rows,
)
from bot.recipient import Recipient
from core import use_cases as uc
from core.errors import Conflict, DomainError, ErrorCode, Forbidden
from core.journal import ActivityKind
from core.money import Money
from core.roles import Role
from core.use_cases.people import PersonView
from templates import error_message

CUSTOMER = (
    "<script>alert('ИНН')</script> ООО «Научно-производственное объединение «Вентиляция & Кондиционирование "
    "Северо-Западного федерального округа»» (филиал в г. Санкт-Петербург) & Co"
)
PERSON = "Константинопольская-Преображенская Александра Вячеславовна & <b>Ко</b>"
NUMBER = "ЗС-2026/000000123"
SINCE = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def row(n: int, *, waited: timedelta = timedelta(hours=999, minutes=59)) -> uc.InboxRow:
    return uc.InboxRow(
        order_id=1_000_000 + n,
        version=10_000 + n,
        number=NUMBER,
        counterparty_name=CUSTOMER,
        total=Money(Decimal("999999999.99")),
        planned_cost=Money(Decimal("1999999999.99")),  # a loss: the margin is negative
        step="Финансовый директор <свыше 500 000 ₽> & главный бухгалтер",
        waiting_since=SINCE,
        waited=waited,
    )


FULL = uc.Inbox(approver=True, rows=tuple(row(n) for n in range(MOST_SHOWN * 3)))
SHOWN = shown_rows(FULL)


def refusals(lang: str) -> list[Markup]:
    """The longest refusals a bulk approval meets, as the result shows them."""
    stale = Conflict(
        ErrorCode.STALE_ORDER,
        number=NUMBER,
        changes=[kind.value for kind in ActivityKind][:8],
        by=PERSON,
        at=SINCE.isoformat(),
        version=12,
    )
    limit = Forbidden(
        ErrorCode.APPROVAL_LIMIT_EXCEEDED, number=NUMBER, limit="500000.00", total="999999999.99", unit="RUB"
    )
    done = DomainError(ErrorCode.NOTHING_TO_VOTE, number=NUMBER)
    return [Markup(error_message(error, lang=lang)) for error in (stale, limit, done)]


def results(lang: str) -> list[dict[str, Any]]:
    stale, limit, nothing = refusals(lang)
    return [
        {"approved": SHOWN, "refused": [], "refused_count": 0},
        {"approved": SHOWN[:-1], "refused": [(SHOWN[-1], stale)], "refused_count": 1},
        {"approved": [], "refused": [(shown, limit) for shown in SHOWN], "refused_count": len(SHOWN)},
        {"approved": [], "refused": [(shown, stale) for shown in SHOWN[:3]], "refused_count": 9, "continued": True},
        {"approved": [], "refused": [(SHOWN[0], nothing)], "refused_count": 1},
        {"approved": [], "refused": []},
    ]


INBOX_CONTEXTS: dict[str, Any] = {
    "bot/inbox/list.html.j2": [
        {"rows": FULL.rows[:MOST_SHOWN], "more": len(FULL.rows) - MOST_SHOWN},
        {"rows": (row(1, waited=timedelta(minutes=59)),), "more": 0},
        {"rows": tuple(replace(row(n), on_behalf_of=PERSON) for n in range(MOST_SHOWN)), "more": 999},
    ],
    "bot/inbox/empty.html.j2": [{}],
    "bot/inbox/not_approver.html.j2": [{}],
    "bot/inbox/confirm.html.j2": [{"orders": SHOWN}],
    "bot/inbox/result.html.j2": results,
    "bot/inbox/list_gone.html.j2": [{}, {"approved_nothing": True}],
    "bot/inbox/label.html.j2": [
        {"name": "open", "row": SHOWN[0]},
        {"name": "all", "count": MOST_SHOWN},
        {"name": "yes", "count": MOST_SHOWN},
        {"name": "back"},
    ],
}

LAST_DAY = date(2027, 12, 31)
AWAY = uc.DelegationView(
    principal_id=6,
    principal_name=PERSON,
    delegate_id=4,
    delegate_name=PERSON,
    delegate_telegram_id=1004,
    until=LAST_DAY,
    ends_at=datetime(2027, 12, 31, 21, 0, tzinfo=UTC),
)
BUSIEST = uc.DelegationScreen(
    approver=True,
    mine=AWAY,
    standing_in_for=tuple(AWAY for _ in range(12)),  # everyone else away at once
    candidates=(),
)
DELEGATION_CONTEXTS: dict[str, Any] = {
    "bot/delegation/screen.html.j2": [
        {"screen": BUSIEST, "done": "taken_back"},
        {"screen": replace(BUSIEST, mine=None, standing_in_for=()), "done": None},
        {"screen": uc.DelegationScreen(approver=False, mine=None, standing_in_for=(), candidates=()), "done": None},
    ],
    "bot/delegation/label.html.j2": [
        {"which": "person", "name": PERSON, "near": True},
        {"which": "until", "last": LAST_DAY},
        {"which": "type_until"},
        {"which": "take_back"},
        {"which": "back"},
    ],
    "bot/delegation/until.html.j2": [{}],
    "bot/delegation/until_prompt.html.j2": [{}],
    "bot/delegation/done.html.j2": [{"made": AWAY}],
}

READER = PersonView(
    id=1,
    telegram_id=1002,
    full_name=PERSON,
    roles=frozenset({Role.APPROVER, Role.HEAD}),
    language="ru",
    time_zone="Europe/Moscow",
    approval_limit=None,
    can_override_price=False,
)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_inbox_button_fits_telegrams_callback_data_and_says_what_it_is(lang: str) -> None:
    reader = Recipient(replace(READER, language=lang))
    key = key_of(SHOWN)
    for _text, markup in (list_screen(reader, FULL, SHOWN, key), confirm_screen(reader, SHOWN, key)):
        buttons = [button for line in markup.inline_keyboard for button in line]
        assert all(button.text.strip() for button in buttons)
        assert all(len(str(button.callback_data).encode()) <= MAX_BYTES for button in buttons)


def test_the_list_shows_the_oldest_ten_with_a_button_each_and_one_to_approve_them_all() -> None:
    text, markup = list_screen(Recipient(READER), FULL, SHOWN, key_of(SHOWN))
    labels = [button.text for line in markup.inline_keyboard for button in line]
    assert len(SHOWN) == MOST_SHOWN and labels[-1] == f"✅ Согласовать все ({MOST_SHOWN})"
    assert len(labels) == MOST_SHOWN + 1 and labels[0].startswith(NUMBER)
    assert f"Ещё {len(FULL.rows) - MOST_SHOWN} ждут" in text
    assert "999 раб. ч" in text


def test_a_list_is_named_by_the_versions_it_showed_so_a_changed_order_makes_another_list() -> None:
    changed = (ShownRow(SHOWN[0].order_id, SHOWN[0].version + 1, NUMBER, CUSTOMER, SHOWN[0].total), *SHOWN[1:])
    assert key_of(SHOWN) == key_of(tuple(SHOWN)) != key_of(changed)


def test_what_the_list_showed_reads_back_from_the_draft_and_garbage_reads_as_nothing() -> None:
    assert [ShownRow.from_json(shown.to_json()) for shown in SHOWN] == list(SHOWN)
    assert ShownRow.from_json({"id": "x"}) is None and ShownRow.from_json(None) is None


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_refusal_explained_in_full_takes_as_many_messages_as_it_needs(lang: str) -> None:
    error = Conflict(ErrorCode.STALE_ORDER, number=NUMBER, changes=[k.value for k in ActivityKind][:8], by=PERSON)
    outcomes = [uc.BulkOutcome(order_id=shown.order_id, number=NUMBER, refusal=error) for shown in SHOWN]
    texts = result_texts(Recipient(replace(READER, language=lang)), SHOWN, outcomes)
    assert all(fits(text) for text in texts)
    assert sum(text.count("❌") for text in texts) == len(SHOWN)
    assert len(texts) > 1 or lang == "en"  # ten Russian ones take two messages
