"""The inbox's screens and what they showed: the list, the confirmation, the outcome, and their buttons.

What the list showed (each order's id, the version seen, its number, customer and total) is kept in
the person's draft under `inbox`, outside any conversation: «Yes» approves exactly those versions,
and a button of an older list (its `key` no longer the draft's) approves nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from markupsafe import Markup
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Prefix, pack
from bot.drafts import put_section, section
from bot.handlers.card.screen import fits
from bot.recipient import Recipient
from bot.staff import Reply
from core import use_cases as uc
from core.money import Money
from templates import error_message, render_plain

SECTION = "inbox"
MOST_SHOWN = 10  # the oldest ten: with the longest names and every refusal explained, one message still holds them
# What the second part of an `i:` button says.
OPEN, ALL, YES, BACK = "o", "a", "y", "b"


@dataclass(frozen=True, slots=True)
class ShownRow:
    """An order as the list showed it: the version seen is the one approved."""

    order_id: int
    version: int
    number: str
    customer: str
    total: Money

    def to_json(self) -> dict[str, Any]:
        amount, currency = str(self.total.amount), self.total.currency
        return {"id": self.order_id, "version": self.version, "number": self.number, "customer": self.customer,
                "total": amount, "currency": currency}  # fmt: skip

    @classmethod
    def from_json(cls, data: Any) -> ShownRow | None:
        """The row kept in the draft; None when it is not one (a draft of an older bot, say)."""
        try:
            total = Money(Decimal(str(data["total"])), str(data["currency"]))
            return cls(int(data["id"]), int(data["version"]), str(data["number"]), str(data["customer"]), total)
        except (KeyError, TypeError, ValueError, InvalidOperation):
            return None


def shown_rows(found: uc.Inbox) -> tuple[ShownRow, ...]:
    return tuple(
        ShownRow(row.order_id, row.version, row.number, row.counterparty_name, row.total)
        for row in found.rows[:MOST_SHOWN]
    )


def key_of(rows: Sequence[ShownRow]) -> str:
    """A short name for exactly these versions of these orders, carried by the list's buttons."""
    seen = ",".join(f"{row.order_id}.{row.version}" for row in rows)
    return hashlib.sha256(seen.encode()).hexdigest()[:10]


async def remember(reply: Reply, rows: Sequence[ShownRow]) -> str:
    key = key_of(rows)
    await put_section(reply, SECTION, {"key": key, "orders": [row.to_json() for row in rows]})
    return key


async def remembered(reply: Reply, key: str) -> tuple[ShownRow, ...] | None:
    """The rows the list with this key showed, or None when the last list shown was another."""
    kept = await section(reply, SECTION)
    if not key or kept.get("key") != key or not isinstance(kept.get("orders"), list):
        return None
    rows = tuple(row for row in (ShownRow.from_json(data) for data in kept["orders"]) if row is not None)
    return rows if rows and key_of(rows) == key else None


async def forget(reply: Reply) -> None:
    await put_section(reply, SECTION, None)


def label(reader: Recipient, name: str, **context: Any) -> str:
    """A button's text: plain, since Telegram shows a button's text as it is."""
    return render_plain("bot/inbox/label.html.j2", lang=reader.lang, name=name, **context)


def button(text: str, *args: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=pack(Prefix.INBOX, *args))


def list_screen(
    reader: Recipient, found: uc.Inbox, rows: Sequence[ShownRow], key: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The list and its buttons: one per order (two to a row), then «Approve all»."""
    text = reader.text("bot/inbox/list.html.j2", rows=found.rows[: len(rows)], more=len(found.rows) - len(rows))
    opens = [button(label(reader, "open", row=row), OPEN, row.order_id) for row in rows]
    markup = [opens[i : i + 2] for i in range(0, len(opens), 2)]
    markup.append([button(label(reader, "all", count=len(rows)), ALL, key)])
    return text, InlineKeyboardMarkup(markup)


def confirm_screen(reader: Recipient, rows: Sequence[ShownRow], key: str) -> tuple[str, InlineKeyboardMarkup]:
    text = reader.text("bot/inbox/confirm.html.j2", orders=rows)
    yes = button(label(reader, "yes", count=len(rows)), YES, key)
    return text, InlineKeyboardMarkup([[yes], [button(label(reader, "back"), BACK)]])


def result_texts(reader: Recipient, rows: Sequence[ShownRow], outcomes: Sequence[uc.BulkOutcome]) -> list[str]:
    """What was approved, and what was not and why (each refusal in the core's words), in as many messages
    as that takes: each refusal explained in full (what changed and who changed it) can be long."""
    by_id = {row.order_id: row for row in rows}
    approved = [by_id[o.order_id] for o in outcomes if o.approved]
    refused = [
        (by_id[o.order_id], Markup(error_message(o.refusal, lang=reader.lang)))  # rendered and escaped already
        for o in outcomes
        if o.refusal is not None
    ]

    def text(chunk: Sequence[tuple[ShownRow, Markup]], *, continued: bool) -> str:
        return reader.text(
            "bot/inbox/result.html.j2",
            approved=[] if continued else approved,
            refused=chunk,
            refused_count=len(refused),
            continued=continued,
        )

    texts: list[str] = []
    chunk: list[tuple[ShownRow, Markup]] = []
    for refusal in refused:
        if chunk and not fits(text([*chunk, refusal], continued=bool(texts))):
            texts.append(text(chunk, continued=bool(texts)))
            chunk = []
        chunk.append(refusal)
    texts.append(text(chunk, continued=bool(texts)))
    return texts
