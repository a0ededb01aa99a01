"""Quiet hours typed after «✏️ Other hours»: read by the core; what it cannot take is said, and the flow goes on.

The flow's state is the person's draft (`bot.drafts`), like every conversation's, so the next
message may reach another replica; `bot.routes.FLOWS` sends typed text here while it is under way.
"""

from __future__ import annotations

from typing import Any

from bot.drafts import end_flow, flow, start_flow
from bot.handlers.card.prompts import send_prompt
from bot.handlers.settings.screen import QUIET_FLOW, show
from bot.staff import Reply
from core import use_cases as uc
from core.errors import DomainError, ErrorCode
from core.parsing import parse_quiet_hours
from templates import error_message

PLACEHOLDER = "22:00-07:00"
# Refusals of what was typed: the person types again and the flow goes on.
RETYPE = frozenset({ErrorCode.QUIET_HOURS_UNREADABLE, ErrorCode.QUIET_HOURS_EMPTY})


async def type_quiet_tap(reply: Reply) -> None:
    """«✏️ Other hours»: ask for them typed, unless another conversation is under way (it would be lost)."""
    kind = (await flow(reply)).get("kind")
    if kind is not None and kind != QUIET_FLOW:
        await reply.answer(reply.text("bot/settings/flow_busy.html.j2"), alert=True)
        return
    await start_flow(reply, QUIET_FLOW)
    await reply.answer()
    await send_prompt(reply, reply.text("bot/settings/quiet_prompt.html.j2"), PLACEHOLDER)


async def quiet_typed(reply: Reply, text: str, _state: dict[str, Any]) -> None:
    """Typed quiet hours: saved and the settings shown, or what was wrong and what to type."""
    try:
        settings = await uc.set_quiet_hours(reply.services.db, person_id=reply.person.id, hours=parse_quiet_hours(text))
    except DomainError as refusal:
        if refusal.code not in RETYPE:
            await end_flow(reply)
            raise
        await send_prompt(reply, error_message(refusal, lang=reply.lang), PLACEHOLDER)
        return
    await end_flow(reply)
    await show(reply, settings, new=True, changed="quiet")
