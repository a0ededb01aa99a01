"""Release the notices held for quiet hours once those hours are over."""

from __future__ import annotations

from datetime import datetime

from core import use_cases as uc
from core.db import Database
from jobs.report import JobReport


async def release_held(db: Database, *, now: datetime) -> JobReport:
    """Held notices due by `now` become pending; a second run finds none left to release."""
    return JobReport(counts={"released": await uc.release_held(db, now=now)})
