"""A notice as the person reads it: rendered for them, with the same renderers the handlers use.

Notices go out in groups: what one person is told about one order at one moment is one message;
a daily digest is one message for all its orders. A group holding a decision that waits for the
person (or a vote of theirs that a change voided) is the order's card, with the buttons they may
use now, so one tap from the notice decides; any other group is a short text with a button that
opens the card.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Prefix, pack
from bot.charts import chart_words, weekly_chart
from bot.handlers.accounting.debts import PROMISE, overdue_text, report_text
from bot.handlers.accounting.debts import button as promise_button
from bot.handlers.card.screen import card_keyboard, card_text, fits
from bot.recipient import Recipient
from core import use_cases as uc
from core import validation
from core.db import Database
from core.errors import DomainError
from core.events import AGEING_DIGEST, MPS_DIGEST, PAYMENT_OVERDUE, PaymentOverdue
from core.notify_rules import Purpose
from core.use_cases.debts import debts
from core.use_cases.mps_digest import MpsDigest, mps_digest_data
from core.use_cases.notifications import DueEdit, DueNotice
from core.views import OrderCard

# Notices that put the card itself in front of the person.
CARD_PURPOSES = frozenset({Purpose.DECIDE, Purpose.REVOTE})
DIGEST_ORDERS = 30  # orders shown in one digest message; the rest are counted


@dataclass(frozen=True)
class Message:
    text: str
    markup: InlineKeyboardMarkup | None = None
    photo: bytes | None = None  # sent first, the text after it (a caption holds only 1024 characters)


def event_line(reader: Recipient, notice: DueNotice) -> str:
    fact = notice.event.fact
    return reader.text(
        "bot/notices/event.html.j2", fact=fact, kind=notice.event.kind, purpose=notice.purpose, actor=notice.actor_name
    )


async def notice_message(db: Database, group: Sequence[DueNotice], *, now: datetime) -> Message:
    """The one message that tells `group` (same person; one order, or a digest)."""
    first = group[0]
    reader = Recipient(first.person)
    if first.event.kind == MPS_DIGEST:
        return await mps_digest_message(db, reader, now=now)
    if first.event.kind == AGEING_DIGEST:
        report = await debts(db, viewer_id=reader.person.id, now=now)
        return Message(report_text(reader.text, report, weekly=True))
    if first.event.kind == PAYMENT_OVERDUE and not first.in_digest:
        return overdue_message(reader, group)
    lines = [event_line(reader, notice) for notice in group]
    if first.in_digest:
        return Message(digest_text(reader, group))
    if first.order_id is not None and any(n.purpose in CARD_PURPOSES for n in group):
        card = await _card(db, reader, first.order_id, now=now)
        if card is not None:
            # Why it came, first: above the card, unless that would not fit; then below it, where the card keeps room.
            note = reader.text("bot/notices/decide_note.html.j2", lines=lines)
            text, _page, pages = card_text(reader, card)
            text = f"{note}\n\n{text}" if fits(f"{note}\n\n{text}") else card_text(reader, card, note=note)[0]
            return Message(text, card_keyboard(reader, card, pages=pages))
    number = first.event.fact.number
    text = reader.text("bot/notices/order_notice.html.j2", number=number, lines=lines)
    if first.order_id is None:
        return Message(text)
    card = await _card(db, reader, first.order_id, now=now)
    if card is None:
        return Message(text)
    label = reader.text("bot/notices/open_button.html.j2")
    button = InlineKeyboardButton(label, callback_data=pack(Prefix.ORDER, card.id, card.version, "card"))
    return Message(text, InlineKeyboardMarkup([[button]]))


def overdue_message(reader: Recipient, group: Sequence[DueNotice]) -> Message:
    """A customer's overdue rows; the manager's has «🤝 Promised to pay…» (`bot.handlers.accounting.debts`)."""
    texts, rows = [], []
    for notice in group:
        fact = notice.event.fact
        texts.append(overdue_text(reader.text, fact, notice.purpose))
        if notice.purpose == Purpose.OVERDUE and isinstance(fact, PaymentOverdue) and fact.counterparty_id:
            rows.append([promise_button(reader.lang, "promise", PROMISE, fact.counterparty_id)])
    return Message("\n\n".join(texts), InlineKeyboardMarkup(rows) if rows else None)


async def mps_digest_message(db: Database, reader: Recipient, *, now: datetime) -> Message:
    """The planner's MPS digest as it stands now: its text, and the chart of planned against produced by week."""
    digest, chart = await DIGESTS.composed(db, reader, now=now)
    return Message(reader.text("bot/mps/digest.html.j2", digest=digest), photo=chart)


class ComposedDigests:
    """The MPS digest and its chart, composed once per time zone, language and few minutes.

    At 08:00 every planner of a zone is told the same plan: reading the whole plan and drawing its
    chart once for all of them, not once each, is what lets fifty planners be told in a moment. A
    digest a few minutes old still tells what was true at 08:00; the cache holds a handful of entries.
    """

    def __init__(self, *, fresh_for: float = 300.0) -> None:
        self.fresh_for = fresh_for
        # By the database (kept alive with its entry, so its id is not reused), zone and language.
        self._kept: dict[tuple[int, str, str], tuple[float, Database, MpsDigest, bytes]] = {}

    async def composed(self, db: Database, reader: Recipient, *, now: datetime) -> tuple[MpsDigest, bytes]:
        key, clock = (id(db), reader.person.time_zone, reader.lang), time.monotonic()
        self._kept = {k: v for k, v in self._kept.items() if clock - v[0] < self.fresh_for}
        kept = self._kept.get(key)
        if kept is not None and kept[2].today == validation.local_today(now, reader.person.time_zone):
            return kept[2], kept[3]
        digest = await mps_digest_data(db, planner_id=None, now=now, time_zone=reader.person.time_zone)
        chart = await asyncio.to_thread(weekly_chart, digest.by_week, chart_words(reader))
        self._kept[key] = (clock, db, digest, chart)
        return digest, chart


DIGESTS = ComposedDigests()


async def decided_message(db: Database, edit: DueEdit, *, now: datetime) -> Message:
    """An approver's card once someone else settled its step: the card as it is now, saying who and when, no buttons."""
    reader = Recipient(edit.person)
    fact = edit.closing.fact
    note = reader.text(
        "bot/notices/decided.html.j2", fact=fact, kind=edit.closing.kind, actor=edit.actor_name, at=edit.closing.at
    )
    card = await _card(db, reader, edit.order_id, now=now)
    if card is None:
        return Message(note)
    text, _page, _pages = card_text(reader, card, note=note)
    return Message(text)


async def _card(db: Database, reader: Recipient, order_id: int, *, now: datetime) -> OrderCard | None:
    try:
        return await uc.get_order(db, viewer_id=reader.person.id, order_id=order_id, now=now)
    except DomainError:
        return None  # gone, or no longer theirs to see: the notice's own lines still tell them


def digest_text(reader: Recipient, group: Sequence[DueNotice]) -> str:
    by_order: dict[str, list[str]] = {}
    for notice in group:
        by_order.setdefault(notice.event.fact.number or "", []).append(event_line(reader, notice))
    groups = list(by_order.items())
    shown = DIGEST_ORDERS
    while True:
        text = reader.text("bot/notices/digest.html.j2", groups=groups[:shown], more=max(0, len(groups) - shown))
        if fits(text) or shown <= 1:
            return text
        shown = max(1, shown // 2)
