"""Webhook delivery: updates POSTed one at a time to the bot's URL, retried with backoff until accepted.

Delivery is sequential (one update in flight) so a bot sees updates in the order people made them,
which keeps end-to-end tests deterministic; Telegram only promises that with max_connections=1.
"""

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sandbox.clock import Clock
from sandbox.signals import Signal
from sandbox.update_queue import Update, UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


@dataclass
class Webhook:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    has_custom_certificate: bool = False
    last_error_date: int | None = None
    last_error_message: str | None = None
    delivered: int = 0  # updates the bot's endpoint accepted
    failed: int = 0  # deliveries that failed, each retry counted
    attempted: Signal = field(default_factory=Signal, repr=False)  # fired once each delivery's outcome is recorded
    task: "asyncio.Task[None] | None" = field(default=None, repr=False)

    def info(self, pending: int, allowed: frozenset[str] | None) -> dict[str, Any]:
        """getWebhookInfo's WebhookInfo object."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": self.has_custom_certificate,
            "pending_update_count": pending,
        }
        if self.url:
            info["max_connections"] = self.max_connections
            if self.ip_address:
                info["ip_address"] = self.ip_address
            if allowed:
                info["allowed_updates"] = sorted(allowed)
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None


def secret_token_is_valid(token: str) -> bool:
    return 1 <= len(token) <= 256 and all(c in SECRET_ALPHABET for c in token)


@dataclass
class Delivery:
    """How one webhook's updates are sent: where from, with what session, and how patiently."""

    webhook: Webhook
    queue: UpdateQueue
    session: aiohttp.ClientSession
    clock: Clock
    check_update: Callable[[Update], None]
    retry_delay: float = 0.1
    max_retry_delay: float = 2.0
    timeout: float = 10.0

    async def run(self) -> None:
        failures = 0
        while True:
            update = self.queue.first()
            if update is None:
                await self.queue.wait(30)
                if self.queue.closed:
                    return
                continue
            error = await self._post(update)
            if error is None:
                self.queue.remove(update["update_id"])
                self.webhook.delivered += 1
                self.webhook.attempted.fire()
                failures = 0
                continue
            self.webhook.last_error_date = self.clock.today()
            self.webhook.last_error_message = error
            self.webhook.failed += 1
            self.webhook.attempted.fire()
            failures += 1
            await asyncio.sleep(min(self.max_retry_delay, self.retry_delay * 2 ** (failures - 1)))

    async def _post(self, update: Update) -> str | None:
        """None when the bot accepted the update, else Telegram's wording of what went wrong."""
        self.check_update(update)
        headers = {"Content-Type": "application/json"}
        if self.webhook.secret_token:
            headers[SECRET_HEADER] = self.webhook.secret_token
        try:
            async with self.session.post(
                self.webhook.url,
                data=json.dumps(update, ensure_ascii=False).encode(),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason or ''}".strip()
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientConnectorError:
            return "Connection refused"
        except aiohttp.ClientError as failure:
            return f"Connection error: {failure.__class__.__name__}"


async def stop_and_wait(webhook: Webhook) -> None:
    task = webhook.task
    webhook.stop()
    if task is not None:
        with contextlib.suppress(asyncio.CancelledError):
            await task
