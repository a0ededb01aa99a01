"""Turn the outbox's events into notices for the people who must hear of them."""

from __future__ import annotations

from datetime import datetime

from core import use_cases as uc
from core.db import Database
from jobs.report import JobReport

BATCH = 500


async def fan_out(db: Database, *, now: datetime) -> JobReport:
    """Every unprocessed event, in batches, until none is left; safe to run twice (nothing is written twice)."""
    events = notices = held = 0
    while True:
        done = await uc.fan_out(db, now=now, limit=BATCH)
        events, notices, held = events + done.events, notices + done.notices, held + done.held
        if done.events < BATCH:
            return JobReport(counts={"events": events, "notices": notices, "held": held})
