"""Lines at risk of missing their required-by date: the manager and the planners hear once per change of risk."""

from __future__ import annotations

from datetime import datetime

from core import use_cases as uc
from core.db import Database
from core.settings import Settings
from jobs.report import JobReport


async def production_risk(db: Database, *, now: datetime, settings: Settings | None = None) -> JobReport:
    """Judge the lines of the orders in execution as of today in ORDERBOT_TIME_ZONE; a second run for the same
    day announces nothing again."""
    settings = settings or Settings()
    changes = await uc.announce_production_risks(db, now=now, time_zone=settings.default_time_zone)
    return JobReport(counts={"at_risk": changes.at_risk, "overdue": changes.overdue, "cleared": changes.cleared})
