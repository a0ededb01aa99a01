"""The bot's own settings, beside the core's; every one is listed in the README."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class BotSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    token: str = Field(default="", alias="TELEGRAM_BOT_TOKEN")
    # python-telegram-bot's base_url form: the token is appended, e.g. http://127.0.0.1:8081/bot
    api_base_url: str = Field(default="https://api.telegram.org/bot", alias="TELEGRAM_API_BASE_URL")
    api_file_url: str = Field(default="", alias="TELEGRAM_API_FILE_URL")
    webhook_url: str = Field(default="", alias="TELEGRAM_WEBHOOK_URL")
    webhook_secret: str = Field(default="", alias="TELEGRAM_WEBHOOK_SECRET")
    webhook_listen: str = Field(default="0.0.0.0", alias="TELEGRAM_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, alias="TELEGRAM_WEBHOOK_PORT")
    webhook_path: str = Field(default="telegram", alias="TELEGRAM_WEBHOOK_PATH")
    sandbox_port: int = Field(default=8081, alias="ORDERBOT_SANDBOX_PORT")

    @property
    def file_url(self) -> str:
        """Where files are downloaded from: the same server as the API unless told otherwise."""
        if self.api_file_url:
            return self.api_file_url
        return self.api_base_url.replace("/bot", "/file/bot", 1) if self.api_base_url.endswith("/bot") else ""
