"""The weekly ageing of receivables for accountants and heads of sales: Monday morning, once a week each."""

from __future__ import annotations

from datetime import datetime

from core.db import Database
from core.use_cases.debts import announce_ageing_digests
from jobs.report import JobReport


async def ageing_digest(db: Database, *, now: datetime) -> JobReport:
    """Leave this week's ageing digest for every accountant and head of sales past Monday 09:00 local who has
    not had it; the bot's dispatcher composes and sends it. A second run in the same week leaves nothing."""
    return JobReport(counts={"readers": await announce_ageing_digests(db, now=now)})
