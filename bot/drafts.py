"""A person's place in a conversation, kept in the database (core drafts) under named sections.

`flow` is the conversation under way (a new request, a reason being typed…); other
sections (the registry's filters, say) outlive it. Every step reads and writes the
database, so a restarted bot, or another replica, carries on where the person was.
"""

from __future__ import annotations

from typing import Any

from bot.staff import Reply
from core.use_cases import load_draft, save_draft

FLOW = "flow"


async def section(reply: Reply, name: str) -> dict[str, Any]:
    data = await load_draft(reply.services.db, person_id=reply.person.id)
    found = data.get(name)
    return dict(found) if isinstance(found, dict) else {}


async def put_section(reply: Reply, name: str, value: dict[str, Any] | None) -> None:
    data = await load_draft(reply.services.db, person_id=reply.person.id)
    if value is None:
        data.pop(name, None)
    else:
        data[name] = value
    await save_draft(reply.services.db, person_id=reply.person.id, data=data, now=reply.services.now())


async def flow(reply: Reply) -> dict[str, Any]:
    return await section(reply, FLOW)


async def start_flow(reply: Reply, kind: str, **state: Any) -> dict[str, Any]:
    value = {"kind": kind, **state}
    await put_section(reply, FLOW, value)
    return value


async def end_flow(reply: Reply) -> None:
    await put_section(reply, FLOW, None)
