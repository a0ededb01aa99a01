"""/mps_chart: the planner's MPS digest now, its chart as a photo and its text after it."""

from __future__ import annotations

import asyncio

from bot.charts import chart_words, weekly_chart
from bot.staff import Reply
from core.use_cases.mps_digest_due import planner_digest


async def mps_chart_command(reply: Reply) -> None:
    """/mps_chart: planned against produced by week, and the digest's text (planners only)."""
    digest = await planner_digest(reply.services.db, actor_id=reply.person.id, now=reply.services.now())
    chart = await asyncio.to_thread(weekly_chart, digest.by_week, chart_words(reply.recipient))
    chat = reply.update.effective_chat
    assert chat is not None
    await chat.send_photo(chart)
    await reply.send(reply.text("bot/mps/digest.html.j2", digest=digest))
