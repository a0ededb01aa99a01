"""Registering a customer's request: /new (a conversation) and a quick entry (one message).

The conversation's steps are in `customer` (the customer and the responsible manager) and `lines`
(the lines), the quick entry in `quick`, its state in `state`; this module routes to them: the /new command, the
card's [Add line], typed text of the `new` flow, and taps on `n` buttons, through `TYPED` and `TAPS`.

Why not PTB's ConversationHandler: it keeps each person's state in the process (or in a persistence
file of its own), while the bot runs as several replicas behind one webhook and a person's next
message may reach any of them. So the state is a `NewRequest` in the database (core drafts), and
these two tables play the role of ConversationHandler's `states`: what typed text does at each step,
and which button is honoured at which steps.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.callbacks import Tap
from bot.drafts import flow
from bot.handlers.registering import customer, lines, quick
from bot.handlers.registering.customer import ask, registered_as
from bot.handlers.registering.state import (
    NEW,
    NewRequest,
    Step,
    button,
    lost,
    new_state,
    save,
    to_resume,
)
from bot.staff import Reply
from core import use_cases as uc
from core.errors import DomainError, ErrorCode, Forbidden
from core.policy import Action
from core.stages import SALES
from core.views import OrderCard

T = "bot/new_request/"
TypedStep = Callable[[Reply, str, NewRequest], Awaitable[None]]
TapStep = Callable[[Reply, NewRequest, Tap], Awaitable[None]]

# What typed text does at each step of the conversation.
TYPED: dict[Step, TypedStep] = {
    Step.COUNTERPARTY: customer.counterparty_typed,
    Step.RESPONSIBLE: customer.responsible_typed,
    Step.ITEM: lines.item_typed,
    Step.OPTION: lines.option_typed,
    Step.QUANTITY: lines.quantity_typed,
    Step.DATE: lines.date_typed,
    Step.PREVIEW: quick.corrected,
    Step.FIX: quick.corrected,
}
LINE_STEPS = (Step.ITEM, Step.OPTION, Step.QUANTITY, Step.DATE)
PREVIEW_STEPS = (Step.PREVIEW, Step.FIX)
# What a button (`n:<flow id>:<what>…`) does, and the steps at which it is honoured.
TAPS: dict[str, tuple[frozenset[Step], TapStep]] = {
    "c": (frozenset({Step.COUNTERPARTY}), customer.counterparty_tapped),
    "r": (frozenset({Step.RESPONSIBLE}), customer.responsible_tapped),
    "i": (frozenset(LINE_STEPS), lines.item_tapped),
    "o": (frozenset({Step.OPTION}), lines.option_tapped),
    "m": (frozenset({Step.ITEM}), lines.more_tapped),
    "d": (frozenset({Step.ITEM}), lines.done_tapped),
    "qc": (frozenset(PREVIEW_STEPS), quick.create_tapped),
    "qe": (frozenset(PREVIEW_STEPS), quick.fix_tapped),
    "qp": (frozenset(PREVIEW_STEPS), quick.counterparty_tapped),
}


async def new_command(reply: Reply) -> None:
    """/new: register a request step by step, or go on with the one left unfinished."""
    if not reply.person.roles & SALES:
        raise Forbidden(ErrorCode.NOT_ALLOWED, action="register")
    unfinished = await resumable(reply)
    if unfinished is None:
        await begin(reply)
        return
    markup = InlineKeyboardMarkup(
        [[button(reply, unfinished, "k", number=unfinished.number)], [button(reply, unfinished, "a")]]
    )
    await reply.send(reply.text(T + "resume.html.j2", request=unfinished), markup)


async def resumable(reply: Reply) -> NewRequest | None:
    """The registered request whose entry is under way or was stopped, if lines can still be added to it."""
    state = NewRequest.from_data(await flow(reply))
    if state is None or not state.registered:
        state = await to_resume(reply)
    if state is None or state.order_id is None:
        return None
    try:
        card = await uc.get_order(reply.services.db, viewer_id=reply.person.id, order_id=state.order_id)
    except DomainError:
        return None
    return state if Action.ADD_LINE in card.actions else None


async def begin(reply: Reply, *, edit: bool = False) -> None:
    """A new conversation from its first question, forgetting the unfinished one (it stays registered)."""
    state = new_state(reply, Step.COUNTERPARTY)
    await save(reply, state, forget=True)
    await ask(reply, state, edit=edit)


async def add_line_action(reply: Reply, card: OrderCard, _action: str, _tap: Tap) -> None:
    """[Add line] on a card: the line steps of the conversation, for this order."""
    state = new_state(reply, Step.ITEM)
    registered_as(state, card)
    await save(reply, state)
    await ask(reply, state, edit=True)


async def typed(reply: Reply, text: str, data: dict[str, Any]) -> None:
    """Typed text goes to the step the conversation is at; a state that cannot be read starts over."""
    state = NewRequest.from_data(data)
    if state is None:
        await lost(reply)
        return
    step = TYPED.get(state.step)
    if step is None:
        await reply.send(reply.text("bot/not_understood.html.j2"))
        return
    await step(reply, text, state)


async def tapped(reply: Reply) -> None:
    """A button of the new request: honoured only in its own conversation, at the step it was shown for."""
    tap = reply.tap
    fid, what = tap.arg(0), tap.arg(1)
    if what in ("k", "a"):
        await resume_tapped(reply, fid, what)
        return
    data = await flow(reply)
    if data.get("kind") != NEW or data.get("fid") != fid:
        if what != "qc" or not await quick.already_created(reply, fid):
            await reply.answer(reply.text(T + "flow_over.html.j2"), alert=True)
        return
    state = NewRequest.from_data(data)
    if state is None:
        await lost(reply)
        return
    steps, handler = TAPS.get(what, (frozenset(), None))
    if handler is None or state.step not in steps:
        await reply.answer(reply.text(T + "stale_button.html.j2"), alert=True)
        return
    await handler(reply, state, tap.after(2))


async def resume_tapped(reply: Reply, fid: str, what: str) -> None:
    """[Continue] the unfinished request where it was, or [Start a new request]."""
    if what == "a":
        await begin(reply, edit=True)
        return
    unfinished = await resumable(reply)
    if unfinished is None or unfinished.fid != fid:
        await reply.answer(reply.text(T + "flow_over.html.j2"), alert=True)
        return
    await save(reply, unfinished)
    await ask(reply, unfinished, edit=True)
