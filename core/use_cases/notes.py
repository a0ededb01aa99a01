"""The note on an order: what the customer said that the lines do not (delivery, packing, a contact)."""

from __future__ import annotations

from datetime import datetime

from core import validation
from core.access import acting_person, ensure_may_edit, order_for_change, wrong_stage
from core.db import Database
from core.events import OrderChanged
from core.journal import ActivityKind, announce, record
from core.policy import TERMS_STAGES
from core.stages import Stage
from core.views import OrderCard, order_card

MAX_NOTE = 2000


async def set_note(
    db: Database, *, actor_id: int, order_id: int, note: str, now: datetime, expected_version: int | None = None
) -> OrderCard:
    """Write or clear the order's note.

    Rules:
    - while the order is a request or in approval, by its responsible manager or a head of sales;
    - at most 2,000 characters; an empty note clears it; the journal keeps the old text.
    """
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        order = await order_for_change(session, order_id, actor, expected_version=expected_version)
        ensure_may_edit(actor, order)
        if Stage(order.stage) not in TERMS_STAGES:
            raise wrong_stage(order, "note")
        text = validation.text(note, field="comment", max_length=MAX_NOTE, required=False)
        if text == order.comment:
            return await order_card(session, order, actor, now=now)
        record(
            session,
            order,
            kind=ActivityKind.NOTE_SET,
            actor_id=actor.id,
            now=now,
            details={"from": order.comment, "to": text},
        )
        order.comment = text
        note_set = OrderChanged(change=ActivityKind.NOTE_SET.value, total=order.total_amount, currency=order.currency)
        announce(session, note_set, order=order, actor_id=actor.id, now=now)
        return await order_card(session, order, actor, now=now)
