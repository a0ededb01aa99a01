"""Typed text that is not a command: the next step of the conversation under way, or a quick entry.

Conversations are plain data in the person's draft (`bot.drafts`), so one handler routes every
typed text: to the step function of the flow named in the draft, or, with no flow, to the first
claim that takes text of that shape (a quick entry, an order number). Both tables are in `bot.routes`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from bot.drafts import flow
from bot.staff import Reply, ReplyHandler

# A flow's step: it gets the person, the text and the flow's state.
FlowStep = Callable[[Reply, str, dict[str, Any]], Awaitable[None]]
# A claim on free text: it returns True when it handled the text.
TextClaim = Callable[[Reply, str], Awaitable[bool]]


def typed_texts(flows: Mapping[str, FlowStep], claims: Sequence[TextClaim]) -> ReplyHandler:
    """The handler of typed text, routing through `flows` and then `claims`."""

    async def typed_text(reply: Reply) -> None:
        """Route a typed text to the flow under way, else to the first claim that takes it."""
        message = reply.update.effective_message
        text = message.text if message is not None and message.text else ""
        state = await flow(reply)
        step = flows.get(str(state.get("kind", "")))
        if step is not None:
            await step(reply, text, state)
            return
        for claim in claims:
            if await claim(reply, text):
                return
        await reply.send(reply.text("bot/not_understood.html.j2"))

    return typed_text


async def anything_else(reply: Reply) -> None:
    """A command or a button nobody here knows (an old menu, a forged tap): say so, change nothing."""
    if reply.query is not None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    await reply.send(reply.text("bot/not_understood.html.j2"))
