"""Quiet hours typed after «✏️ Other hours»: read by the core; what it cannot take is said, and the flow goes on.

The flow's state is the person's draft (`bot.drafts`), like every conversation's, so the next
message may reach another replica; `bot.routes.FLOWS` sends typed text here while it is under way.
"""

from __future__ import annotations

from typing import Any

from bot.handlers.settings.screen import QUIET_FLOW, show
from bot.staff import Reply
from bot.typed import ask_typed, take_typed
from core import use_cases as uc
from core.errors import ErrorCode
from core.parsing import parse_quiet_hours

PLACEHOLDER = "22:00-07:00"
# Refusals of what was typed: the person types again and the flow goes on.
RETYPE = frozenset({ErrorCode.QUIET_HOURS_UNREADABLE, ErrorCode.QUIET_HOURS_EMPTY})


async def type_quiet_tap(reply: Reply) -> None:
    """«✏️ Other hours»: ask for them typed, unless another conversation is under way (it would be lost)."""
    await ask_typed(reply, QUIET_FLOW, reply.text("bot/settings/quiet_prompt.html.j2"), PLACEHOLDER)


async def quiet_typed(reply: Reply, text: str, _state: dict[str, Any]) -> None:
    """Typed quiet hours: saved and the settings shown, or what was wrong and what to type."""

    async def set_typed_hours() -> None:
        db, person_id = reply.services.db, reply.person.id
        settings = await uc.set_quiet_hours(db, person_id=person_id, hours=parse_quiet_hours(text))
        await show(reply, settings, new=True, changed="quiet")

    await take_typed(reply, set_typed_hours, retype=RETYPE, placeholder=PLACEHOLDER)
