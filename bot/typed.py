"""A value typed after a button asked for it: the one way every such conversation starts and takes its answer.

The question opens the phone's keyboard (`send_prompt`); the conversation's kind and state go into
the person's draft (`bot.drafts`), so the answer may reach another replica. An answer the core
refuses for its shape (`retype`) is said and asked again; any other refusal ends the conversation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Any

from bot.drafts import end_flow, flow, start_flow
from bot.handlers.card.prompts import send_prompt
from bot.staff import Reply
from core.errors import DomainError, ErrorCode
from templates import error_message

DATE_RETYPE = frozenset({ErrorCode.DATE_UNREADABLE, ErrorCode.DATE_IN_PAST, ErrorCode.DATE_TOO_FAR})


async def ask_typed(reply: Reply, kind: str, prompt: str, placeholder: str, **state: Any) -> None:
    """Ask for a value typed, unless another conversation is under way (it would be lost)."""
    current = (await flow(reply)).get("kind")
    if current is not None and current != kind:
        await reply.answer(reply.text("bot/settings/flow_busy.html.j2"), alert=True)
        return
    await start_flow(reply, kind, **state)
    await reply.answer()
    await send_prompt(reply, prompt, placeholder)


async def take_typed(
    reply: Reply, act: Callable[[], Awaitable[None]], *, retype: Collection[ErrorCode], placeholder: str
) -> None:
    """Do what the typed value asks (`act`); a refusal of its shape asks again, anything else ends the flow."""
    try:
        await act()
    except DomainError as refusal:
        if refusal.code not in retype:
            await end_flow(reply)
            raise
        await send_prompt(reply, error_message(refusal, lang=reply.lang), placeholder)
        return
    await end_flow(reply)
