"""Registering a customer's request: /new (a conversation), a quick entry (one message), and lines.

The conversation's steps are in `new_request_steps`, the quick entry in `new_request_quick`,
the editing of lines from a card in `new_request_lines`; this module routes to them: the
/new command, the card's [Add line], typed text of the `new` flow, and taps on `n` buttons.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.callbacks import unpack
from bot.drafts import flow
from bot.handlers import new_request_items, new_request_lines, new_request_quick, new_request_steps
from bot.handlers.cards import on_action
from bot.handlers.new_request_state import (
    NEW,
    TAP,
    TAPS,
    TYPED,
    NewRequest,
    Step,
    button,
    lost,
    new_state,
    save,
    to_resume,
)
from bot.handlers.new_request_steps import ask, registered_as
from bot.handlers.text import on_flow
from bot.staff import Staff, for_staff
from core import use_cases as uc
from core.errors import DomainError, ErrorCode, Forbidden
from core.policy import Action
from core.stages import SALES
from core.views import OrderCard

T = "bot/new_request/"
# The modules whose steps, buttons and card actions are routed from here (they register themselves).
PARTS = (new_request_steps, new_request_items, new_request_quick, new_request_lines)


@for_staff
async def new_command(staff: Staff) -> None:
    """/new: register a request step by step, or go on with the one left unfinished."""
    if not staff.person.roles & SALES:
        raise Forbidden(ErrorCode.NOT_ALLOWED, action="register")
    unfinished = await resumable(staff)
    if unfinished is None:
        await begin(staff)
        return
    markup = InlineKeyboardMarkup(
        [[button(staff, unfinished, "k", number=unfinished.number)], [button(staff, unfinished, "a")]]
    )
    await staff.send(staff.text(T + "resume.html.j2", request=unfinished), markup)


async def resumable(staff: Staff) -> NewRequest | None:
    """The registered request whose entry is under way or was stopped, if lines can still be added to it."""
    state = NewRequest.from_data(await flow(staff))
    if state is None or not state.registered:
        state = await to_resume(staff)
    if state is None or state.order_id is None:
        return None
    try:
        card = await uc.get_order(staff.services.db, viewer_id=staff.person.id, order_id=state.order_id)
    except DomainError:
        return None
    return state if Action.ADD_LINE in card.actions else None


async def begin(staff: Staff, *, edit: bool = False) -> None:
    """A new conversation from its first question, forgetting the unfinished one (it stays registered)."""
    state = new_state(staff, Step.COUNTERPARTY)
    await save(staff, state, forget=True)
    await ask(staff, state, edit=edit)


@on_action(Action.ADD_LINE)
async def add_line_action(staff: Staff, card: OrderCard, _action: str, _args: tuple[str, ...]) -> None:
    """[Add line] on a card: the line steps of the conversation, for this order."""
    state = new_state(staff, Step.ITEM)
    registered_as(state, card)
    await save(staff, state)
    await ask(staff, state, edit=True)


@on_flow(NEW)
async def typed(staff: Staff, text: str, data: dict[str, Any]) -> None:
    """Typed text goes to the step the conversation is at; a state that cannot be read starts over."""
    state = NewRequest.from_data(data)
    if state is None:
        await lost(staff)
        return
    step = TYPED.get(state.step)
    if step is None:
        await staff.send(staff.text("bot/not_understood.html.j2"))
        return
    await step(staff, text, state)


@for_staff
async def tapped(staff: Staff) -> None:
    """A button of the new request: honoured only in its own conversation, at the step it was shown for."""
    assert staff.query is not None
    tap = unpack(staff.query.data)
    fid, what = tap.arg(0), tap.arg(1)
    if what in ("k", "a"):
        await resume_tapped(staff, fid, what)
        return
    data = await flow(staff)
    if data.get("kind") != NEW or data.get("fid") != fid:
        if what != "qc" or not await new_request_quick.already_created(staff, fid):
            await staff.answer(staff.text(T + "flow_over.html.j2"), alert=True)
        return
    state = NewRequest.from_data(data)
    if state is None:
        await lost(staff)
        return
    steps, handler = TAPS.get(what, (frozenset(), None))
    if handler is None or state.step not in steps:
        await staff.answer(staff.text(T + "stale_button.html.j2"), alert=True)
        return
    await handler(staff, state, tap.args[2:])


async def resume_tapped(staff: Staff, fid: str, what: str) -> None:
    """[Continue] the unfinished request where it was, or [Start a new request]."""
    if what == "a":
        await begin(staff, edit=True)
        return
    unfinished = await resumable(staff)
    if unfinished is None or unfinished.fid != fid:
        await staff.answer(staff.text(T + "flow_over.html.j2"), alert=True)
        return
    await save(staff, unfinished)
    await ask(staff, unfinished, edit=True)


def handlers() -> list[BaseHandler[Update, Any, Any]]:
    return [
        CommandHandler("new", new_command),
        CallbackQueryHandler(tapped, pattern=rf"^{TAP}:"),
        CallbackQueryHandler(new_request_lines.line_tap, pattern=rf"^{new_request_lines.LINES}:"),
    ]
