"""The bot's own settings, beside the core's; every one is listed in the README."""

from __future__ import annotations

import re

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# What Telegram accepts as a webhook's secret token.
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
MAKE_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


class UnsafeSettings(ValueError):
    """The settings would start the bot unsafely; the message says which setting to change and how."""


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
    webchat_port: int = Field(default=8080, ge=0, le=65535, alias="ORDERBOT_WEBCHAT_PORT")  # the sandbox's web chat
    # The notification dispatcher (bot.notices) and the scheduler, in every process.
    notify: bool = Field(default=True, alias="ORDERBOT_NOTIFY")
    notify_poll: float = Field(default=0.5, gt=0, alias="ORDERBOT_NOTIFY_POLL_SECONDS")
    notify_send_timeout: float = Field(default=10.0, gt=0, alias="ORDERBOT_NOTIFY_SEND_TIMEOUT")
    notify_max_tries: int = Field(default=8, ge=1, alias="ORDERBOT_NOTIFY_MAX_TRIES")
    notify_backoff: float = Field(default=2.0, gt=0, alias="ORDERBOT_NOTIFY_BACKOFF_SECONDS")
    notify_rate: float = Field(default=28.0, gt=0, le=30, alias="ORDERBOT_NOTIFY_RATE")

    @property
    def file_url(self) -> str:
        """Where files are downloaded from: the same server as the API unless told otherwise."""
        if self.api_file_url:
            return self.api_file_url
        return self.api_base_url.replace("/bot", "/file/bot", 1) if self.api_base_url.endswith("/bot") else ""

    def check_webhook(self) -> None:
        """A webhook only with a secret: without one, anyone who reaches the port can forge updates."""
        if not self.webhook_url:
            return
        if not self.webhook_secret:
            raise UnsafeSettings(
                "TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not: without a secret, anyone who "
                f"reaches port {self.webhook_port} could send the bot forged updates. Set TELEGRAM_WEBHOOK_SECRET "
                "to 1-256 characters of A-Z, a-z, 0-9, _ and -, the same on every replica, for example "
                f"TELEGRAM_WEBHOOK_SECRET=$({MAKE_SECRET})"
            )
        if not SECRET_TOKEN.fullmatch(self.webhook_secret):
            raise UnsafeSettings(
                "TELEGRAM_WEBHOOK_SECRET may hold only 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram "
                f"refuses any other); make one with: {MAKE_SECRET}"
            )
