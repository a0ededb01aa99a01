"""A person's unfinished conversation, kept in the database rather than in one process's memory."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.db import Database
from core.models import Draft


async def load_draft(db: Database, *, person_id: int) -> dict[str, Any]:
    """The saved state, or an empty one; data that is not a mapping (garbled, hand-edited) reads as empty."""
    async with db.reading() as session:
        draft = await session.get(Draft, person_id)
        return dict(draft.data) if draft is not None and isinstance(draft.data, dict) else {}


async def save_draft(db: Database, *, person_id: int, data: dict[str, Any], now: datetime) -> None:
    async with db.unit_of_work() as session:
        draft = await session.get(Draft, person_id)
        if draft is None:
            session.add(Draft(person_id=person_id, data=data, updated_at=now))
        else:
            draft.data, draft.updated_at = data, now


async def clear_draft(db: Database, *, person_id: int) -> None:
    async with db.unit_of_work() as session:
        draft = await session.get(Draft, person_id)
        if draft is not None:
            await session.delete(draft)
