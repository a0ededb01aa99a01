"""The daily digest: what people who chose a digest were not told at once, released when their hour comes."""

from __future__ import annotations

from datetime import datetime

from core import use_cases as uc
from core.db import Database
from jobs.report import JobReport


async def daily_digest(db: Database, *, now: datetime) -> JobReport:
    """Notices waiting for a digest due by `now` go to the dispatcher, which sends each person's as one message.

    A second run for the same moment finds nothing left to release.
    """
    return JobReport(counts={"released": await uc.release_digests(db, now=now)})
