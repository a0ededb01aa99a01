"""The new request's conversation: its steps, its state in the person's draft, its buttons.

The state is a `NewRequest`, kept as plain data in the database (core drafts) under the `flow`
section while the conversation runs and, once the request is registered, also under
`new_request`, which outlives /cancel: /new then offers to go on with it. Data that cannot be
read back (an older bot's, or damaged) is not trusted: the conversation starts over (`lost`).
Buttons say which conversation they belong to (`n:<flow id>:<what>…`), so a button of an ended
conversation changes nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton

from bot.callbacks import Prefix, pack
from bot.drafts import FLOW
from bot.staff import Reply
from core import stored
from core import use_cases as uc
from core.quick_entry import QuickPreview, preview_from_data, preview_to_data
from core.use_cases.catalogue import CounterpartyChoice, ItemOffer, OptionChoice
from core.validation import local_today
from templates import render_plain

NEW = "new"  # the flow kind of registering a request (by conversation or by quick entry)
LINE = "line"  # the flow kind of typing a new quantity or date for a line
SECTION = "new_request"
MAX_SEARCH = 100  # a search longer than this is not a search
MAX_CHOICES = 6


class Step(StrEnum):
    COUNTERPARTY = "counterparty"
    RESPONSIBLE = "responsible"
    ITEM = "item"
    OPTION = "option"
    QUANTITY = "quantity"
    DATE = "date"
    PREVIEW = "preview"  # a quick entry shown for checking
    FIX = "fix"  # waiting for the corrected quick entry


LINE_STEPS = frozenset({Step.ITEM, Step.OPTION, Step.QUANTITY, Step.DATE})


@dataclass(slots=True)
class LineDraft:
    """The line being entered, until its date completes it."""

    item_id: int
    options: dict[str, str] = field(default_factory=dict)
    quantity: str | None = None


@dataclass(slots=True)
class NewRequest:
    """The state of the `new` flow: where the person is, what they chose, the order once registered.

    Before the first line there is no order: the customer and the responsible manager wait here,
    and the first complete line registers the order with it (so /cancel before leaves nothing).
    """

    fid: str
    step: Step
    currency: str = "RUB"
    counterparty_id: int | None = None  # chosen, while the order is not registered yet
    counterparty_name: str = ""
    responsible_id: int | None = None  # named by a head of sales; None: the author
    responsible_name: str = ""
    choices: list[CounterpartyChoice] = field(default_factory=list)  # the customers offered as buttons
    typed: str = ""  # what the choices were found for
    order_id: int | None = None
    number: str = ""
    lines: int = 0
    total: Decimal = Decimal(0)
    line: LineDraft | None = None
    text: str = ""  # a quick entry as typed
    quick: QuickPreview | None = None  # and as read

    @property
    def registered(self) -> bool:
        return self.order_id is not None

    def to_data(self) -> dict[str, object]:
        line = self.line
        return {
            "kind": NEW,
            "fid": self.fid,
            "step": self.step.value,
            "currency": self.currency,
            "counterparty_id": self.counterparty_id,
            "counterparty_name": self.counterparty_name,
            "responsible_id": self.responsible_id,
            "responsible_name": self.responsible_name,
            "choices": [{"id": c.id, "name": c.name, "tax_id": c.tax_id} for c in self.choices],
            "typed": self.typed,
            "order_id": self.order_id,
            "number": self.number,
            "lines": self.lines,
            "total": str(self.total),
            "line": None
            if line is None
            else {"item_id": line.item_id, "options": line.options, "quantity": line.quantity},
            "text": self.text,
            "quick": None if self.quick is None else preview_to_data(self.quick),
        }

    @classmethod
    def from_data(cls, data: object) -> NewRequest | None:
        """The state kept by `to_data`; None when it cannot be read (an older bot's, or garbled)."""
        try:
            found = stored.mapping(data)
            if found.get("kind") != NEW:
                return None
            quick = None
            if found.get("quick") is not None:
                quick = preview_from_data(found["quick"])
                if quick is None:
                    return None
            state = cls(
                fid=stored.str_(found["fid"]),
                step=Step(stored.str_(found["step"])),
                currency=stored.str_(found.get("currency", "RUB")),
                counterparty_id=stored.optional_int(found.get("counterparty_id")),
                counterparty_name=stored.str_(found.get("counterparty_name") or ""),
                responsible_id=stored.optional_int(found.get("responsible_id")),
                responsible_name=stored.str_(found.get("responsible_name") or ""),
                choices=[read_choice(choice) for choice in stored.list_(found.get("choices") or [])],
                typed=stored.str_(found.get("typed") or ""),
                order_id=stored.optional_int(found.get("order_id")),
                number=stored.str_(found.get("number") or ""),
                lines=stored.int_(found.get("lines") or 0),
                total=Decimal(stored.str_(found.get("total") or "0")),
                line=read_line(found.get("line")),
                text=stored.str_(found.get("text") or ""),
                quick=quick,
            )
        except (KeyError, TypeError, ValueError, ArithmeticError):
            return None
        return state if state.consistent else None

    @property
    def consistent(self) -> bool:
        """Each step has what it works on: a line at the line steps, a customer or an order once chosen…"""
        if self.step in LINE_STEPS - {Step.ITEM} and self.line is None:
            return False
        if self.step in LINE_STEPS and not self.registered and self.counterparty_id is None:
            return False
        if self.step == Step.RESPONSIBLE and self.counterparty_id is None:
            return False
        return self.step not in (Step.PREVIEW, Step.FIX) or self.quick is not None


def read_choice(data: object) -> CounterpartyChoice:
    found = stored.mapping(data)
    return CounterpartyChoice(
        id=stored.int_(found["id"]), name=stored.str_(found["name"]), tax_id=stored.optional_str(found.get("tax_id"))
    )


def read_line(data: object) -> LineDraft | None:
    if data is None:
        return None
    found = stored.mapping(data)
    options = {name: stored.str_(value) for name, value in stored.mapping(found.get("options") or {}).items()}
    return LineDraft(
        item_id=stored.int_(found["item_id"]), options=options, quantity=stored.optional_str(found.get("quantity"))
    )


def new_state(reply: Reply, step: Step, **values: Any) -> NewRequest:
    return NewRequest(fid=secrets.token_hex(3), step=step, currency=reply.services.settings.default_currency, **values)


async def save(reply: Reply, state: NewRequest, *, forget: bool = False) -> None:
    """Write the conversation; a registered request is also kept to be continued after /cancel.

    `forget` drops the request kept from before (the person chose to start a new one).
    """
    data = await uc.load_draft(reply.services.db, person_id=reply.person.id)
    data[FLOW] = state.to_data()
    mine = await remembered(reply, data)
    if state.registered:
        mine["resume"] = state.to_data()
    elif forget:
        mine.pop("resume", None)
    data[SECTION] = mine
    await uc.save_draft(reply.services.db, person_id=reply.person.id, data=data, now=reply.services.now())


async def finish(reply: Reply, *, created: Created | None = None) -> None:
    """End the conversation: nothing waits to be continued; remember a quick entry's order."""
    data = await uc.load_draft(reply.services.db, person_id=reply.person.id)
    data.pop(FLOW, None)
    mine = await remembered(reply, data)
    mine.pop("resume", None)
    if created is not None:
        mine["created"] = {"fid": created.fid, "order_id": created.order_id, "number": created.number}
    data[SECTION] = mine
    await uc.save_draft(reply.services.db, person_id=reply.person.id, data=data, now=reply.services.now())


@dataclass(frozen=True, slots=True)
class Created:
    """The order a quick entry's preview became, so a second [Create] can say which."""

    fid: str
    order_id: int
    number: str


async def remembered(reply: Reply, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """What outlives the conversation: the request to resume, the order a preview created."""
    if data is None:
        data = await uc.load_draft(reply.services.db, person_id=reply.person.id)
    found = data.get(SECTION)
    return dict(found) if isinstance(found, dict) else {}


async def to_resume(reply: Reply) -> NewRequest | None:
    state = NewRequest.from_data((await remembered(reply)).get("resume"))
    return state if state is not None and state.registered else None


async def created_from(reply: Reply, fid: str) -> Created | None:
    try:
        found = stored.mapping((await remembered(reply)).get("created"))
        created = Created(stored.str_(found["fid"]), stored.int_(found["order_id"]), stored.str_(found["number"]))
    except (KeyError, TypeError):
        return None
    return created if created.fid == fid else None


async def lost(reply: Reply) -> None:
    """A kept state that cannot be read (an older bot's, or damaged): say so and start over, never fail."""
    data = await uc.load_draft(reply.services.db, person_id=reply.person.id)
    data.pop(FLOW, None)
    mine = await remembered(reply, data)
    mine.pop("resume", None)
    data[SECTION] = mine
    await uc.save_draft(reply.services.db, person_id=reply.person.id, data=data, now=reply.services.now())
    text = reply.text("bot/new_request/state_lost.html.j2")
    if reply.query is not None:
        await reply.answer(text, alert=True)
    else:
        await reply.send(text)


def nothing_registered(data: dict[str, Any]) -> bool:
    """Whether the flow under way is a new request that no order has come of yet (so /cancel leaves nothing)."""
    state = NewRequest.from_data(data)
    return state is not None and not state.registered


def label(reply: Reply, what: str, **context: Any) -> str:
    """A button's text: plain, in the person's language."""
    return render_plain("bot/new_request/button.html.j2", lang=reply.lang, what=what, **context)


def button(
    reply: Reply, state: NewRequest, what: str, *args: object, shows: str | None = None, **context: Any
) -> InlineKeyboardButton:
    """A button of this conversation that does `what`; its label is `shows` (else `what`) rendered."""
    text = label(reply, shows or what, **context)
    return InlineKeyboardButton(text, callback_data=pack(Prefix.NEW, state.fid, what, *args))


def today(reply: Reply) -> date:
    return local_today(reply.services.now(), reply.person.time_zone)


async def offer(reply: Reply, item_id: int) -> ItemOffer:
    return await uc.item_offer(reply.services.db, item_id=item_id, on=today(reply))


def chosen(offer: ItemOffer, options: dict[str, str]) -> list[tuple[str, str, Decimal]]:
    """(option, value, price delta) of the values chosen so far, in the item's order of options."""
    rows = []
    for choice in offer.options:
        for value, delta in choice.values:
            if options.get(choice.option) == value:
                rows.append((choice.option, value, delta))
    return rows


def next_option(item: ItemOffer, options: dict[str, str]) -> tuple[int, OptionChoice]:
    for index, choice in enumerate(item.options):
        if choice.option not in options:
            return index, choice
    raise LookupError("every option is chosen")


def option_value(item: ItemOffer, option: int | None, value: int | None) -> tuple[str, str] | None:
    """The (option, value) a button names by their positions in the item's options; None when there is none."""
    if option is None or value is None or option >= len(item.options):
        return None
    choice = item.options[option]
    return (choice.option, choice.values[value][0]) if value < len(choice.values) else None
