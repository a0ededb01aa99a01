"""Notices without a bot: each template's worst realistic values, and a digest of many orders within one message."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from bot.handlers.card.screen import fits
from bot.notices.render import digest_text
from bot.recipient import Recipient
from core.events import (
    ApprovalCompleteBlocked,
    ApprovalReminder,
    ApprovalRestarted,
    ApprovalsDelegated,
    ApprovalsTakenBack,
    ApprovalStepOpened,
    Event,
    InviteUsed,
    LineChanged,
    OrderChanged,
    OrderRegistered,
    OrderRejected,
    OrderReturned,
    OrderSubmitted,
    PersonUnreachable,
    StageMoved,
    StoredEvent,
    UnknownEvent,
    VoteCast,
)
from core.roles import Role
from core.use_cases.notifications import DueNotice
from core.use_cases.people import PersonView
from templates import render

AT = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
NAME = "Константинопольская-Щербацкая Александра Вячеславовна <script>alert(1)</script> & Ко"
STEP = "Финансовое согласование крупных заказов сверх лимита отдела продаж <b>"
WHY = "Цена ниже себестоимости на 12 %, согласуйте скидку с коммерческим директором & пересчитайте <i>" * 3
NUMBER = "ЗС-000123"
READER = PersonView(
    id=1,
    telegram_id=1001,
    full_name=NAME,
    roles=frozenset(Role),
    language="ru",
    time_zone="Europe/Moscow",
    approval_limit=None,
    can_override_price=False,
)

# Every fact, at its longest, as the dispatcher renders it; the purpose decides some wordings.
FACTS: list[tuple[Event, str]] = [
    (OrderRegistered(number=NUMBER, responsible_id=1), "own_order"),
    (OrderChanged(number=NUMBER, change="terms_set"), "watching"),
    (LineChanged(number=NUMBER, change="line_added"), "own_order"),
    (OrderSubmitted(number=NUMBER, total=Decimal("123456789.99")), "own_order"),
    (ApprovalStepOpened(number=NUMBER, step_id=1, step=STEP, role="approver"), "decide"),
    (ApprovalStepOpened(number=NUMBER, step_id=1, step=STEP, role="approver"), "watching"),
    (ApprovalReminder(number=NUMBER, step_id=1, step=STEP, hours_waiting=1234), "decide"),
    (ApprovalReminder(number=NUMBER, step_id=1, step=STEP, hours_waiting=1234, escalated=True), "decide"),
    (
        ApprovalReminder(
            number=NUMBER,
            step_id=1,
            step=STEP,
            hours_waiting=1234,
            escalated=True,
            approvers=(NAME,) * 5,
            more_approvers=37,
        ),
        "escalation",
    ),
    (
        ApprovalReminder(number=NUMBER, step_id=1, step=STEP, hours_waiting=1, escalated=True, approvers=(NAME,)),
        "escalation",
    ),
    (ApprovalReminder(number=NUMBER, step_id=1, step=STEP, hours_waiting=22, escalated=True), "escalation"),
    (VoteCast(number=NUMBER, decision="approve", step=STEP), "own_order"),
    (StageMoved(number=NUMBER, source="approval", target="execution", automatic=True), "plan"),
    (OrderReturned(number=NUMBER, step=STEP, reason=WHY), "action_needed"),
    (OrderRejected(number=NUMBER, step=STEP, reason=WHY), "own_order"),
    (ApprovalRestarted(number=NUMBER, changed=("terms",), round=2, voided_voters=(1, 2)), "revote"),
    (ApprovalRestarted(number=NUMBER, changed=("terms",), round=2), "own_order"),
    (ApprovalCompleteBlocked(number=NUMBER, missing=("contract", "payment_terms")), "action_needed"),
    (InviteUsed(invite_id=1, role="planner", created_by_id=1, person_id=2, person_name=NAME), "invite"),
    (PersonUnreachable(person_id=2, person_name=NAME), "staff"),
    (
        ApprovalsDelegated(delegate_id=2, principal_name=NAME, until="2026-12-31", waiting=999, by_name=NAME),
        "delegation",
    ),
    (ApprovalsDelegated(delegate_id=2, principal_name=NAME, until="2026-12-31"), "delegation"),
    (ApprovalsTakenBack(delegate_id=2, principal_name=NAME), "delegation"),
    (UnknownEvent(number=NUMBER, stored_kind="payment.overdue", payload={}), "own_order"),
]


def kind_of(fact: Event) -> str:
    return fact.stored_kind if isinstance(fact, UnknownEvent) else fact.kind


NOTICES_CONTEXTS: dict[str, list[dict[str, Any]]] = {
    "bot/notices/event.html.j2": [
        {"fact": fact, "kind": kind_of(fact), "purpose": purpose, "actor": NAME} for fact, purpose in FACTS
    ]
    + [{"fact": OrderRegistered(number=NUMBER), "kind": "order.registered", "purpose": "own_order", "actor": None}],
    "bot/notices/order_notice.html.j2": [{"number": NUMBER, "lines": ["✏️ " + WHY] * 5}, {"lines": ["🤝 " + WHY]}],
    "bot/notices/decide_note.html.j2": [{"lines": ["🔔 " + STEP] * 3}],
    "bot/notices/digest.html.j2": [
        {"groups": [(NUMBER, ["✏️ " + STEP] * 2)] * 10, "more": 12},
        {"groups": [(None, ["👋 " + NAME])], "more": 0},
    ],
    "bot/notices/decided.html.j2": [
        {"fact": fact, "kind": kind_of(fact), "actor": NAME, "at": AT}
        for fact in (
            VoteCast(number=NUMBER, decision="approve", step=STEP),
            VoteCast(number=NUMBER, decision="reject", step=STEP),
            OrderReturned(number=NUMBER, step=STEP, reason=WHY),
            OrderRejected(number=NUMBER, step=STEP, reason=WHY),
            ApprovalRestarted(number=NUMBER),
            StageMoved(number=NUMBER, source="approval", target="request"),
        )
    ],
    "bot/notices/open_button.html.j2": [{}],
}


def notice(n: int, fact: Event) -> DueNotice:
    event = StoredEvent(id=n, at=AT, order_id=n // 3 + 1, actor_id=2, fact=fact)
    return DueNotice(
        id=n,
        person=READER,
        chat_id=1001,
        event=event,
        actor_name=NAME,
        order_id=event.order_id,
        purpose="own_order",
        urgent=False,
        in_digest=True,
        attempts=1,
    )


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_digest_of_a_busy_day_is_one_message_that_counts_what_did_not_fit(lang: str) -> None:
    facts = [OrderReturned(number=f"ЗС-{n // 3 + 1:06d}", step=STEP, reason=WHY) for n in range(300)]
    text = digest_text(Recipient(replace(READER, language=lang)), [notice(n, fact) for n, fact in enumerate(facts)])
    assert fits(text)
    assert ("/orders" in text) and "ЗС-000001" in text


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_notice_about_no_order_has_no_order_heading(lang: str) -> None:
    text = render("bot/notices/order_notice.html.j2", lang=lang, number=None, lines=["🤝 " + WHY])
    assert text.startswith("🤝") and "—" not in text.split("\n")[0]
