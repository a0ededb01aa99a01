"""What the card's conversations share: asking for a typed answer, the way back, tidying up.

A question replaces the card the person tapped (with its quick choices and a way back), and a
short message with ForceReply opens the phone's keyboard for a typed answer. When the
conversation ends, the ForceReply message goes, so the chat keeps only what matters.
"""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.callbacks import Prefix, pack
from bot.drafts import end_flow, flow, start_flow
from bot.staff import Reply
from core.views import OrderCard
from templates import render_plain

BACK, HISTORY, PROGRESS = "b", "h", "p"  # the views of the card's own screens: d:<view>:<order_id>[:<where>]
PLACEHOLDER_LIMIT = 64  # Telegram's limit for the input field's placeholder


def label(reply: Reply, which: str, /, **context: Any) -> str:
    """A button's text: plain, since Telegram shows button texts as they are."""
    return render_plain("bot/details/label.html.j2", lang=reply.lang, which=which, **context)


def back_button(reply: Reply, card: OrderCard, which: str = "back") -> InlineKeyboardButton:
    """Back to the order's card as it is now, leaving whatever was being asked about it."""
    return InlineKeyboardButton(label(reply, which), callback_data=pack(Prefix.DETAIL, BACK, card.id))


def column(buttons: list[InlineKeyboardButton], *last: InlineKeyboardButton) -> InlineKeyboardMarkup:
    """Choices one to a row (their texts are long), then the way back on one row."""
    return InlineKeyboardMarkup([[button] for button in buttons] + ([list(last)] if last else []))


async def ask(
    reply: Reply,
    kind: str,
    card: OrderCard,
    *,
    question: str,
    markup: InlineKeyboardMarkup,
    prompt: str,
    placeholder: str,
    **state: Any,
) -> None:
    """Put the question in place of the card, open the keyboard for a typed answer, remember the flow."""
    await reply.show(question, markup)
    sent = await send_prompt(reply, prompt, placeholder)
    tapped = reply.query.message if reply.query is not None else None
    await start_flow(
        reply,
        kind,
        order_id=card.id,
        version=card.version,
        question_id=tapped.message_id if tapped is not None else None,
        prompt_id=sent.message_id,
        **state,
    )


async def send_prompt(reply: Reply, text: str, placeholder: str) -> Message:
    chat = reply.update.effective_chat
    assert chat is not None
    return await chat.send_message(
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=ForceReply(input_field_placeholder=placeholder[:PLACEHOLDER_LIMIT] or None),
    )


async def leave_flow(reply: Reply, order_id: int, *kinds: str) -> dict[str, Any]:
    """End the person's conversation about this order (of one of `kinds`, any if none), if one is under way."""
    state = await flow(reply)
    if state.get("order_id") != order_id or (kinds and state.get("kind") not in kinds):
        return {}
    await end_flow(reply)
    if not state.get("answered"):  # a prompt the person replied to stays, or their reply would quote nothing
        await drop_message(reply, state.get("prompt_id"))
    return state


async def drop_message(reply: Reply, message_id: object) -> None:
    """Delete a message of ours that has done its job; one already gone or too old is left alone."""
    chat = reply.update.effective_chat
    if chat is None or not isinstance(message_id, int):
        return
    with contextlib.suppress(TelegramError):
        await reply.update.get_bot().delete_message(chat.id, message_id)
