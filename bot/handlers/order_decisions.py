"""Decisions that need words: cancelling an order, rejecting it, returning it for rework.

The tap asks why (common reasons for a cancel are buttons; any reason can be typed), and the
decision is made against the version of the card the person tapped: if the order changed
meanwhile, nothing is decided and the card, refreshed, says what changed.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from bot.drafts import FLOW, end_flow, put_section
from bot.handlers.cards import act_and_show, on_action, order_button, show_card, show_fresh
from bot.handlers.moves import CONFIRMED, confirm_first, needs_confirmation
from bot.handlers.order_prompts import ask, back_button, column, drop_message, leave_flow, send_prompt
from bot.handlers.text import on_flow
from bot.staff import Staff
from core import use_cases as uc
from core.errors import DomainError, ErrorCode
from core.models import Decision
from core.policy import Action
from core.views import OrderCard
from templates import error_message, render_plain

REASON = "reason"
QUICK_REASONS = ("other_supplier", "price", "dates")  # offered for a cancel
VOTES = {Action.REJECT: Decision.REJECT, Action.RETURN: Decision.RETURN}
TYPED = (Action.CANCEL, Action.NOTE)
CLEAR_NOTE = frozenset({"-", "—", "–"})  # the other typed answers of this flow, besides the votes
# Refusals of what was typed: the person types again and the conversation goes on.
RETYPE = frozenset({ErrorCode.REASON_REQUIRED, ErrorCode.TEXT_EMPTY, ErrorCode.TEXT_TOO_LONG})


@on_action(Action.NOTE)
async def note(staff: Staff, card: OrderCard, action: str, _args: tuple[str, ...]) -> None:
    """Ask for the order's note (what the customer said that the lines do not); typed, like a reason."""
    await ask_reason(staff, card, action)


@on_action(Action.CANCEL, Action.REJECT, Action.RETURN)
async def decide(staff: Staff, card: OrderCard, action: str, args: tuple[str, ...]) -> None:
    """Ask why (a cancel from execution first asks whether to cancel at all); a common reason's button decides."""
    confirmed = args[:1] == (CONFIRMED,)
    if needs_confirmation(card, action) and not confirmed:
        await confirm_first(staff, card, action)
        return
    args = args[1:] if confirmed else args
    if not args:
        await ask_reason(staff, card, action, confirmed=confirmed)
        return
    if action != Action.CANCEL or args[0] not in QUICK_REASONS:
        await staff.answer(staff.text("bot/button_unknown.html.j2"), alert=True)
        return
    reason = quick_reason(staff, args[0])
    await act_and_show(staff, card, decision(staff, card.id, action, reason, version=card.version), action)
    await leave_flow(staff, card.id, REASON)


async def ask_reason(staff: Staff, card: OrderCard, action: str, *, confirmed: bool = False) -> None:
    """The question in place of the card, with the common reasons of a cancel, and the keyboard open."""
    offered = QUICK_REASONS if action == Action.CANCEL else ()
    said = (CONFIRMED,) if confirmed else ()  # a reason's button keeps the confirmation given before it
    quick = [order_button(staff, card, action, *said, which, label=quick_reason(staff, which)) for which in offered]
    await ask(
        staff,
        REASON,
        card,
        question=staff.text("bot/details/reason_question.html.j2", card=card, action=action),
        markup=column(quick, back_button(staff, card)),
        prompt=staff.text("bot/details/reason_prompt.html.j2", number=card.number, action=action),
        placeholder=render_plain("bot/details/placeholder.html.j2", lang=staff.lang, which=action),
        action=action,
        number=card.number,
    )


@on_flow(REASON)
async def reason_typed(staff: Staff, text: str, state: dict[str, Any]) -> None:
    """The typed reason: decide with it, or say what to type and keep asking."""
    order_id, version, action = state.get("order_id"), state.get("version"), str(state.get("action"))
    if not isinstance(order_id, int) or not isinstance(version, int) or action not in (*TYPED, *VOTES):
        await end_flow(staff)
        await staff.send(staff.text("bot/not_understood.html.j2"))
        return
    try:
        updated = await decision(staff, order_id, action, text, version=version)
    except DomainError as refusal:
        if refusal.code in RETYPE:
            await ask_again(staff, state, refusal)
            return
        await end_flow(staff)
        if refusal.code is not ErrorCode.STALE_ORDER:
            raise
        await drop_message(staff, state.get("question_id"))
        await show_fresh(staff, order_id, since=version, new=True)
        return
    await end_flow(staff)
    await drop_message(staff, state.get("question_id"))
    await show_card(staff, updated, new=True)


async def ask_again(staff: Staff, state: dict[str, Any], refusal: DomainError) -> None:
    """What was wrong and what to type, with the keyboard open again."""
    action = str(state.get("action"))
    prompt = staff.text("bot/details/reason_prompt.html.j2", number=state.get("number"), action=action)
    placeholder = render_plain("bot/details/placeholder.html.j2", lang=staff.lang, which=action)
    sent = await send_prompt(staff, f"{error_message(refusal, lang=staff.lang)}\n\n{prompt}", placeholder)
    await put_section(staff, FLOW, {**state, "prompt_id": sent.message_id})


def decision(staff: Staff, order_id: int, action: str, reason: str, *, version: int) -> Awaitable[OrderCard]:
    """The core's verb for the decision: a cancel, or an approver's vote."""
    db, now = staff.services.db, staff.services.now()
    if action == Action.NOTE:
        cleared = reason.strip() in CLEAR_NOTE  # Telegram sends no empty message: a dash says "nothing"
        return uc.set_note(
            db,
            actor_id=staff.person.id,
            order_id=order_id,
            note="" if cleared else reason,
            now=now,
            expected_version=version,
        )
    if action == Action.CANCEL:
        return uc.cancel(
            db, actor_id=staff.person.id, order_id=order_id, reason=reason, now=now, expected_version=version
        )
    return uc.vote(
        db,
        actor_id=staff.person.id,
        order_id=order_id,
        decision=VOTES[Action(action)],
        comment=reason,
        now=now,
        expected_version=version,
    )


def quick_reason(staff: Staff, which: str) -> str:
    """A common reason, as its button reads and as it is written down."""
    return render_plain("bot/details/quick_reason.html.j2", lang=staff.lang, which=which)
