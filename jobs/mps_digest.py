"""The planners' daily MPS digest at 08:00 on each planner's clock: once a day each, however often it runs."""

from __future__ import annotations

from datetime import datetime

from core.db import Database
from core.use_cases.mps_digest_due import announce_mps_digests
from jobs.report import JobReport


async def mps_digest(db: Database, *, now: datetime) -> JobReport:
    """Leave today's digest for every planner past 08:00 local who has not had it; the bot's dispatcher sends
    it (text and chart). A second run for the same day leaves nothing again."""
    return JobReport(counts={"planners": await announce_mps_digests(db, now=now)})
