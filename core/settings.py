"""Settings from the environment (and an optional .env file); each is listed in the README."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
