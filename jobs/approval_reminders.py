"""Remind approvers of steps that wait too long, and escalate to the head of sales; by the company's calendar."""

from __future__ import annotations

from datetime import datetime, timedelta

from core import use_cases as uc
from core.db import Database
from core.settings import Settings
from jobs.report import JobReport


async def approval_reminders(db: Database, *, now: datetime, settings: Settings | None = None) -> JobReport:
    """Steps past ORDERBOT_REMIND_AFTER_HOURS working hours remind their approvers, past
    ORDERBOT_ESCALATE_AFTER_HOURS the head of sales as well; each once, so a second run for the same
    moment (or the next minute's run) announces nothing again."""
    settings = settings or Settings()
    rules = uc.ReminderRules(
        calendar=settings.working_calendar(),
        remind_after=timedelta(hours=settings.remind_after_hours),
        escalate_after=timedelta(hours=settings.escalate_after_hours),
    )
    done = await uc.remind_approvers(db, now=now, rules=rules)
    return JobReport(counts={"reminded": done.reminded, "escalated": done.escalated})
