"""Decisions that need words: cancelling an order, rejecting it, returning it for rework.

The tap asks why (a cancel offers the catalogue's reasons as buttons, `core.use_cases.cancel_reasons`;
one that asks for words, «Другое», opens the keyboard again; any reason can be typed, as "other"), and the
decision is made against the version of the card the person tapped: if the order changed
meanwhile, nothing is decided and the card, refreshed, says what changed.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from bot.callbacks import Tap
from bot.drafts import FLOW, end_flow, flow, put_section
from bot.handlers.card.moves import CONFIRMED, confirm_first, needs_confirmation
from bot.handlers.card.prompts import ask, back_button, column, drop_message, leave_flow, send_prompt
from bot.handlers.card.screen import act_and_show, order_button, show_card, show_fresh
from bot.staff import Reply
from core import use_cases as uc
from core.errors import DomainError, ErrorCode
from core.models import Decision
from core.policy import Action
from core.use_cases.cancel_reasons import OTHER, cancel_reasons
from core.views import OrderCard
from templates import error_message, render_plain

REASON = "reason"
VOTES = {Action.REJECT: Decision.REJECT, Action.RETURN: Decision.RETURN}
TYPED = (Action.CANCEL, Action.NOTE, Action.CLOSE)
CLEAR_NOTE = frozenset({"-", "—", "–"})  # the other typed answers of this flow, besides the votes
# Refusals of what was typed: the person types again and the conversation goes on.
RETYPE = frozenset({ErrorCode.REASON_REQUIRED, ErrorCode.TEXT_EMPTY, ErrorCode.TEXT_TOO_LONG})


async def note(reply: Reply, card: OrderCard, action: str, _tap: Tap) -> None:
    """Ask for the order's note (what the customer said that the lines do not); typed, like a reason."""
    await ask_reason(reply, card, action)


async def decide(reply: Reply, card: OrderCard, action: str, tap: Tap) -> None:
    """Ask why (a cancel from execution first asks whether to cancel at all); a reason's button decides."""
    args = tap.args
    confirmed = args[:1] == (CONFIRMED,)
    if needs_confirmation(card, action) and not confirmed:
        await confirm_first(reply, card, action)
        return
    args = args[1:] if confirmed else args
    if not args:
        await ask_reason(reply, card, action, confirmed=confirmed)
        return
    if action != Action.CANCEL:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    code = args[0]
    if code in {reason.code for reason in await cancel_reasons(reply.services.db) if reason.needs_text}:
        await ask_words(reply, card, code, confirmed=confirmed)
        return
    await act_and_show(reply, card, decision(reply, card.id, action, "", version=card.version, code=code), action)
    await leave_flow(reply, card.id, REASON)


async def ask_words(reply: Reply, card: OrderCard, code: str, *, confirmed: bool) -> None:
    """A reason that asks for words («Другое»): the keyboard opens again, and the words typed go with it."""
    state = await flow(reply)
    if state.get("kind") != REASON or state.get("order_id") != card.id:  # the question was left since
        await ask_reason(reply, card, Action.CANCEL, confirmed=confirmed, code=code)
        return
    await reply.answer()
    await drop_message(reply, state.get("prompt_id"))
    prompt = reply.text("bot/details/reason_prompt.html.j2", number=card.number, action=Action.CANCEL)
    placeholder = render_plain("bot/details/placeholder.html.j2", lang=reply.lang, which=Action.CANCEL)
    sent = await send_prompt(reply, prompt, placeholder)
    await put_section(reply, FLOW, {**state, "prompt_id": sent.message_id, "code": code})


async def ask_reason(reply: Reply, card: OrderCard, action: str, *, confirmed: bool = False, code: str = OTHER) -> None:
    """The question in place of the card, with the catalogue's reasons of a cancel, and the keyboard open."""
    offered = await cancel_reasons(reply.services.db) if action == Action.CANCEL else ()
    said = (CONFIRMED,) if confirmed else ()  # a reason's button keeps the confirmation given before it
    quick = [order_button(reply.recipient, card, action, *said, reason.code, label=reason.name) for reason in offered]
    await ask(
        reply,
        REASON,
        card,
        question=reply.text("bot/details/reason_question.html.j2", card=card, action=action),
        markup=column(quick, back_button(reply, card)),
        prompt=reply.text("bot/details/reason_prompt.html.j2", number=card.number, action=action),
        placeholder=render_plain("bot/details/placeholder.html.j2", lang=reply.lang, which=action),
        action=action,
        number=card.number,
        code=code,
    )


async def reason_typed(reply: Reply, text: str, state: dict[str, Any]) -> None:
    """The typed reason: decide with it, or say what to type and keep asking."""
    order_id, version, action = state.get("order_id"), state.get("version"), str(state.get("action"))
    if not isinstance(order_id, int) or not isinstance(version, int) or action not in (*TYPED, *VOTES):
        await end_flow(reply)
        await reply.send(reply.text("bot/not_understood.html.j2"))
        return
    try:
        updated = await decision(reply, order_id, action, text, version=version, code=str(state.get("code") or OTHER))
    except DomainError as refusal:
        if refusal.code in RETYPE:
            await ask_again(reply, state, refusal)
            return
        await end_flow(reply)
        if refusal.code is not ErrorCode.STALE_ORDER:
            raise
        await drop_message(reply, state.get("question_id"))
        await show_fresh(reply, order_id, since=version, new=True)
        return
    await end_flow(reply)
    await drop_message(reply, state.get("question_id"))
    await show_card(reply, updated, new=True)


async def ask_again(reply: Reply, state: dict[str, Any], refusal: DomainError) -> None:
    """What was wrong and what to type, with the keyboard open again."""
    action = str(state.get("action"))
    prompt = reply.text("bot/details/reason_prompt.html.j2", number=state.get("number"), action=action)
    placeholder = render_plain("bot/details/placeholder.html.j2", lang=reply.lang, which=action)
    sent = await send_prompt(reply, f"{error_message(refusal, lang=reply.lang)}\n\n{prompt}", placeholder)
    await put_section(reply, FLOW, {**state, "prompt_id": sent.message_id})


def decision(
    reply: Reply, order_id: int, action: str, reason: str, *, version: int, code: str = OTHER
) -> Awaitable[OrderCard]:
    """The core's verb for the decision: a cancel (for the catalogue's reason `code`), or an approver's vote."""
    db, now = reply.services.db, reply.services.now()
    if action == Action.NOTE:
        cleared = reason.strip() in CLEAR_NOTE  # Telegram sends no empty message: a dash says "nothing"
        return uc.set_note(
            db,
            actor_id=reply.person.id,
            order_id=order_id,
            note="" if cleared else reason,
            now=now,
            expected_version=version,
        )
    if action == Action.CLOSE:
        return uc.close_order(
            db, actor_id=reply.person.id, order_id=order_id, reason=reason, now=now, expected_version=version
        )
    if action == Action.CANCEL:
        return uc.cancel(
            db,
            actor_id=reply.person.id,
            order_id=order_id,
            reason=reason,
            reason_code=code,
            now=now,
            expected_version=version,
        )
    return uc.vote(
        db,
        actor_id=reply.person.id,
        order_id=order_id,
        decision=VOTES[Action(action)],
        comment=reason,
        now=now,
        expected_version=version,
    )
