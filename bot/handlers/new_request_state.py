"""The new request's conversation: its steps, its state in the person's draft, its buttons.

The state is plain data in the database (core drafts), under the `flow` section while the
conversation runs and, once the request is registered, also under `new_request`, which
outlives /cancel: /new then offers to go on with it. Buttons say which conversation they
belong to (`n:<flow id>:<what>…`), so a button of an ended conversation changes nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton

from bot.callbacks import pack
from bot.drafts import FLOW
from bot.staff import Staff
from core import use_cases as uc
from core.use_cases.catalogue import ItemOffer, OptionChoice
from core.validation import local_today
from templates import render_plain

NEW = "new"  # the flow kind of registering a request (by conversation or by quick entry)
LINE = "line"  # the flow kind of typing a new quantity or date for a line
TAP = "n"  # callback kind of the new request's buttons
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

TypedStep = Callable[[Staff, str, dict[str, Any]], Awaitable[None]]
TapStep = Callable[[Staff, dict[str, Any], tuple[str, ...]], Awaitable[None]]
TYPED: dict[str, TypedStep] = {}
TAPS: dict[str, tuple[frozenset[str], TapStep]] = {}


def on_typed(*steps: Step) -> Callable[[TypedStep], TypedStep]:
    """Register what typed text does at these steps."""

    def register(handler: TypedStep) -> TypedStep:
        for step in steps:
            TYPED[step] = handler
        return handler

    return register


def on_tap(what: str, *steps: Step) -> Callable[[TapStep], TapStep]:
    """Register what a button does; it is honoured only at these steps of its own conversation."""

    def register(handler: TapStep) -> TapStep:
        TAPS[what] = (frozenset(steps), handler)
        return handler

    return register


def new_state(**values: Any) -> dict[str, Any]:
    return {"kind": NEW, "fid": secrets.token_hex(3), **values}


async def save(staff: Staff, state: dict[str, Any], *, forget: bool = False) -> None:
    """Write the conversation; a registered request is also kept to be continued after /cancel.

    `forget` drops the request kept from before (the person chose to start a new one).
    """
    data = await uc.load_draft(staff.services.db, person_id=staff.person.id)
    data[FLOW] = state
    mine = dict(data.get(SECTION) or {})
    if state.get("order_id"):
        mine["resume"] = state
    elif forget:
        mine.pop("resume", None)
    data[SECTION] = mine
    await uc.save_draft(staff.services.db, person_id=staff.person.id, data=data, now=staff.services.now())


async def finish(staff: Staff, *, created: dict[str, Any] | None = None) -> None:
    """End the conversation: nothing waits to be continued; remember a quick entry's order."""
    data = await uc.load_draft(staff.services.db, person_id=staff.person.id)
    data.pop(FLOW, None)
    mine = dict(data.get(SECTION) or {})
    mine.pop("resume", None)
    if created is not None:
        mine["created"] = created
    data[SECTION] = mine
    await uc.save_draft(staff.services.db, person_id=staff.person.id, data=data, now=staff.services.now())


async def remembered(staff: Staff) -> dict[str, Any]:
    data = await uc.load_draft(staff.services.db, person_id=staff.person.id)
    found = data.get(SECTION)
    return dict(found) if isinstance(found, dict) else {}


def label(staff: Staff, what: str, **context: Any) -> str:
    """A button's text: plain, in the person's language."""
    return render_plain("bot/new_request/button.html.j2", lang=staff.lang, what=what, **context)


def button(
    staff: Staff, state: dict[str, Any], what: str, *args: object, shows: str | None = None, **context: Any
) -> InlineKeyboardButton:
    """A button of this conversation that does `what`; its label is `shows` (else `what`) rendered."""
    text = label(staff, shows or what, **context)
    return InlineKeyboardButton(text, callback_data=pack(TAP, state["fid"], what, *args))


def today(staff: Staff) -> date:
    return local_today(staff.services.now(), staff.person.time_zone)


async def offer(staff: Staff, item_id: int) -> ItemOffer:
    return await uc.item_offer(staff.services.db, item_id=item_id, on=today(staff))


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
