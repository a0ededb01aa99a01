"""What was made of a line: `/made ЗС-000012 2 +10 [COST]`, or a line's button on the progress screen
(`m:t:<order>:<line>`) and the quantity typed (the flow `mps_made`, its state in the person's draft).

The core checks everything (planner, stage, planned, not more than planned, the numbers); a typed
amount it refuses is said and asked again, and the flow goes on.
"""

from __future__ import annotations

from typing import Any

from bot.drafts import end_flow, flow, start_flow
from bot.handlers.card.prompts import send_prompt
from bot.handlers.card.screen import full_number
from bot.staff import Reply
from core import use_cases as uc
from core.errors import DomainError, ErrorCode
from core.parsing import parse_id
from templates import error_message

MADE_FLOW = "mps_made"
PLACEHOLDER = "10 15000"
# Refusals of the typed amount: the planner types again and the flow goes on.
RETYPE = frozenset(
    {
        ErrorCode.QUANTITY_NOT_A_NUMBER,
        ErrorCode.QUANTITY_NOT_WHOLE,
        ErrorCode.QUANTITY_TOO_LARGE,
        ErrorCode.QUANTITY_TOO_PRECISE,
        ErrorCode.PRODUCED_NEGATIVE,
        ErrorCode.PRODUCED_OVER_PLANNED,
        ErrorCode.COST_INVALID,
        ErrorCode.PROGRESS_EMPTY,
    }
)


def amounts(words: list[str]) -> tuple[str, str] | None:
    """`+10` or `10 15000`: what was made (a leading + allowed) and its cost (0 when left out); None if neither."""
    if not 1 <= len(words) <= 2:
        return None
    return words[0].removeprefix("+"), words[1] if len(words) == 2 else "0"


async def made_command(reply: Reply) -> None:
    """/made NUMBER LINE +QUANTITY [COST]: recorded, or what to type."""
    message = reply.update.effective_message
    words = (message.text or "").split()[1:] if message is not None else []
    line, typed = (parse_id(words[1]) if len(words) > 1 else None), amounts(words[2:])
    if line is None or typed is None:
        await reply.send(reply.text("bot/mps/made_usage.html.j2"))
        return
    await record(reply, number=full_number(reply, words[0]), line=line, made=typed[0], cost=typed[1])


async def made_tap(reply: Reply) -> None:
    """A line's «✏️» on the progress screen: ask for the quantity made, unless another conversation is under way."""
    order_id, line = reply.tap.id(1), reply.tap.id(2)
    if order_id is None or line is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    kind = (await flow(reply)).get("kind")
    if kind is not None and kind != MADE_FLOW:
        await reply.answer(reply.text("bot/settings/flow_busy.html.j2"), alert=True)
        return
    card = await uc.get_order(reply.services.db, viewer_id=reply.person.id, order_id=order_id)
    await start_flow(reply, MADE_FLOW, order_id=card.id, number=card.number, line=line)
    await reply.answer()
    await send_prompt(reply, reply.text("bot/mps/made_prompt.html.j2", number=card.number, line=line), PLACEHOLDER)


async def made_typed(reply: Reply, text: str, state: dict[str, Any]) -> None:
    """The quantity (and cost) typed for the line: recorded, or what was wrong, asked again."""
    typed = amounts(text.split())
    line = state.get("line")
    if typed is None or not isinstance(line, int):
        await send_prompt(
            reply, reply.text("bot/mps/made_prompt.html.j2", number=state.get("number"), line=line), PLACEHOLDER
        )
        return
    try:
        await record(reply, number=str(state.get("number", "")), line=line, made=typed[0], cost=typed[1])
    except DomainError as refusal:
        if refusal.code not in RETYPE:
            await end_flow(reply)
            raise
        await send_prompt(reply, error_message(refusal, lang=reply.lang), PLACEHOLDER)
        return
    await end_flow(reply)


async def record(reply: Reply, *, number: str, line: int, made: str, cost: str) -> None:
    done = await uc.record_progress(
        reply.services.db,
        actor_id=reply.person.id,
        number=number,
        line_no=line,
        produced=made,
        actual_cost=cost,
        now=reply.services.now(),
    )
    await reply.send(reply.text("bot/mps/made.html.j2", done=done))
