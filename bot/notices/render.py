"""A notice as the person reads it: rendered for them, with the same renderers the handlers use.

Notices go out in groups: what one person is told about one order at one moment is one message;
a daily digest is one message for all its orders. A group holding a decision that waits for the
person (or a vote of theirs that a change voided) is the order's card, with the buttons they may
use now, so one tap from the notice decides; any other group is a short text with a button that
opens the card.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Prefix, pack
from bot.handlers.card.screen import card_keyboard, card_text, fits
from bot.recipient import Recipient
from core import use_cases as uc
from core.db import Database
from core.errors import DomainError
from core.notify_rules import Purpose
from core.use_cases.notifications import DueEdit, DueNotice
from core.views import OrderCard

# Notices that put the card itself in front of the person.
CARD_PURPOSES = frozenset({Purpose.DECIDE, Purpose.REVOTE})
DIGEST_ORDERS = 30  # orders shown in one digest message; the rest are counted


@dataclass(frozen=True)
class Message:
    text: str
    markup: InlineKeyboardMarkup | None = None


def event_line(reader: Recipient, notice: DueNotice) -> str:
    fact = notice.event.fact
    return reader.text(
        "bot/notices/event.html.j2", fact=fact, kind=notice.event.kind, purpose=notice.purpose, actor=notice.actor_name
    )


async def notice_message(db: Database, group: Sequence[DueNotice], *, now: datetime) -> Message:
    """The one message that tells `group` (same person; one order, or a digest)."""
    first = group[0]
    reader = Recipient(first.person)
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
