"""Typed text that is not a command: the next step of the conversation under way, or a quick entry.

Conversations are plain data in the person's draft (`bot.drafts`), so this one handler
routes every typed text: to the flow named in the draft, or, with no flow, to whoever
claims text of that shape (a quick entry, an order number).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.drafts import flow
from bot.staff import Staff, for_staff

FlowStep = Callable[[Staff, str, dict[str, Any]], Awaitable[None]]
TextClaim = Callable[[Staff, str], Awaitable[bool]]

FLOW_STEPS: dict[str, FlowStep] = {}
CLAIMS: list[TextClaim] = []


def on_flow(kind: str) -> Callable[[FlowStep], FlowStep]:
    """Register the step function of a flow kind: it gets the person, the text and the flow's state."""

    def register(step: FlowStep) -> FlowStep:
        FLOW_STEPS[kind] = step
        return step

    return register


def claims_text(claim: TextClaim) -> TextClaim:
    """Register a claim on free text; it returns True when it handled the text."""
    CLAIMS.append(claim)
    return claim


@for_staff
async def typed_text(staff: Staff) -> None:
    """Route a typed text to the flow under way, else to the first claim that takes it."""
    message = staff.update.effective_message
    text = message.text if message is not None and message.text else ""
    state = await flow(staff)
    step = FLOW_STEPS.get(str(state.get("kind", "")))
    if step is not None:
        await step(staff, text, state)
        return
    for claim in CLAIMS:
        if await claim(staff, text):
            return
    await staff.send(staff.text("bot/not_understood.html.j2"))


@for_staff
async def anything_else(staff: Staff) -> None:
    """A command or a button nobody here knows (an old menu, a forged tap): say so, change nothing."""
    if staff.query is not None:
        await staff.answer(staff.text("bot/button_unknown.html.j2"), alert=True)
        return
    await staff.send(staff.text("bot/not_understood.html.j2"))


def handlers() -> list[BaseHandler[Update, Any, Any]]:
    """Kept last among the modules: what no other handler took ends here."""
    return [
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, typed_text),
        MessageHandler(filters.ALL, anything_else),
        CallbackQueryHandler(anything_else),
    ]
