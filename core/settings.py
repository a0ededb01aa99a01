"""Settings from the environment (and an optional .env file); each is listed in the README."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.overdue import parse_overdue_days
from core.working_time import WorkingCalendar, parse_days, parse_holidays, parse_hours


def default_database_url() -> str:
    return f"sqlite+aiosqlite:///{Path('data/orderbot.sqlite3').resolve()}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(default_factory=default_database_url, alias="ORDERBOT_DATABASE_URL")
    order_number_prefix: str = Field(default="ЗС-", alias="ORDERBOT_ORDER_PREFIX")
    order_number_digits: int = Field(default=6, ge=3, le=12, alias="ORDERBOT_ORDER_DIGITS")
    default_currency: str = Field(default="RUB", alias="ORDERBOT_CURRENCY")
    default_language: str = Field(default="ru", alias="ORDERBOT_LANGUAGE")
    default_time_zone: str = Field(default="Europe/Moscow", alias="ORDERBOT_TIME_ZONE")
    # At most what fits one Telegram message at the worst (long names): about 19 rows.
    page_size: int = Field(default=10, ge=1, le=15, alias="ORDERBOT_PAGE_SIZE")
    echo_sql: bool = Field(default=False, alias="ORDERBOT_ECHO_SQL")
    # Approval reminders (`jobs.approval_reminders`): counted in working hours of the calendar below,
    # in ORDERBOT_TIME_ZONE.
    remind_after_hours: int = Field(default=4, ge=1, le=1000, alias="ORDERBOT_REMIND_AFTER_HOURS")
    escalate_after_hours: int = Field(default=8, ge=1, le=1000, alias="ORDERBOT_ESCALATE_AFTER_HOURS")
    working_hours: str = Field(default="09:00-18:00", alias="ORDERBOT_WORKING_HOURS")
    working_days: str = Field(default="Mon-Fri", alias="ORDERBOT_WORKING_DAYS")
    holidays: str = Field(default="", alias="ORDERBOT_HOLIDAYS")
    # Overdue payments (`jobs.overdue_reminders`): the days overdue on which the manager is told, and the
    # one of them from which the heads of sales and the accountants hear as well; in working hours only.
    overdue_days: str = Field(default="1,3,7,14", alias="ORDERBOT_OVERDUE_DAYS")
    overdue_escalate_day: int = Field(default=14, ge=1, le=1000, alias="ORDERBOT_OVERDUE_ESCALATE_DAY")

    @field_validator("working_hours")
    @classmethod
    def _hours_readable(cls, value: str) -> str:
        parse_hours(value)
        return value

    @field_validator("working_days")
    @classmethod
    def _days_readable(cls, value: str) -> str:
        parse_days(value)
        return value

    @field_validator("holidays")
    @classmethod
    def _holidays_readable(cls, value: str) -> str:
        parse_holidays(value)
        return value

    @field_validator("overdue_days")
    @classmethod
    def _overdue_days_readable(cls, value: str) -> str:
        parse_overdue_days(value)
        return value

    @model_validator(mode="after")
    def _escalation_after_reminder(self) -> Settings:
        if self.escalate_after_hours <= self.remind_after_hours:
            raise ValueError(
                f"ORDERBOT_ESCALATE_AFTER_HOURS ({self.escalate_after_hours}) must be more than "
                f"ORDERBOT_REMIND_AFTER_HOURS ({self.remind_after_hours}): the head of sales hears after the approvers"
            )
        return self

    def overdue_cadence(self) -> tuple[int, ...]:
        """The days overdue a reminder goes on (`ORDERBOT_OVERDUE_DAYS`), ascending."""
        return parse_overdue_days(self.overdue_days)

    def working_calendar(self) -> WorkingCalendar:
        """The company's working hours, days and holidays, in its time zone."""
        opens, closes = parse_hours(self.working_hours)
        return WorkingCalendar(
            opens=opens,
            closes=closes,
            days=parse_days(self.working_days),
            holidays=parse_holidays(self.holidays),
            time_zone=self.default_time_zone,
        )
