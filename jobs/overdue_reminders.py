"""Remind managers of their customers' overdue payments, and escalate to the heads and accountants; in working hours."""

from __future__ import annotations

from datetime import datetime

from core.db import Database
from core.settings import Settings
from core.use_cases.overdue import OverdueRules, remind_overdue
from jobs.report import JobReport


async def overdue_reminders(db: Database, *, now: datetime, settings: Settings | None = None) -> JobReport:
    """One message per customer with overdue rows, on each day of ORDERBOT_OVERDUE_DAYS (from
    ORDERBOT_OVERDUE_ESCALATE_DAY the heads of sales and accountants too); each step once, so the next
    minute's run announces nothing again."""
    settings = settings or Settings()
    rules = OverdueRules(
        calendar=settings.working_calendar(),
        cadence=settings.overdue_cadence(),
        escalate_day=settings.overdue_escalate_day,
    )
    done = await remind_overdue(db, now=now, rules=rules)
    return JobReport(counts={"reminded": done.reminded, "escalated": done.escalated})
