"""A person's chat on the web chat page, as a test drives it: open it, type, tap, read."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import expect


class ChatPane:
    """The pane of one person's chat on the page (`.pane[data-user-id=...]`)."""

    def __init__(self, page: Any, user_id: int) -> None:
        self.page = page
        self.user_id = user_id
        self.root = page.locator(f'.pane[data-user-id="{user_id}"]')
        self.input = self.root.locator(".composer input")

    async def open(self) -> None:
        """Pick the person in the list (on a phone, going back to the list first)."""
        if not await self.page.locator("aside.people").is_visible():
            await self.page.locator(".pane.active .back").click()
        await self.page.locator("#people-list").locator(f'button[data-user-id="{self.user_id}"]').click()
        await expect(self.root).to_be_visible()

    def bot_messages(self) -> Any:
        return self.root.locator(".msg.from-bot .bubble")

    async def sees(self, *parts: str) -> Any:
        """The newest bot message with every part in its text, once the page shows it."""
        message = self.bot_messages()
        for part in parts:
            message = message.filter(has_text=part)
        await expect(message.last).to_be_visible()
        return message.last

    async def say(self, text: str, *, then: str) -> None:
        """Type and send `text`, then wait until the bot's newest message says `then`."""
        await self.input.fill(text)
        await self.input.press("Enter")
        await expect(self.bot_messages().last).to_contain_text(then)

    async def tap(self, button: str, *, then: str | re.Pattern[str]) -> None:
        """Tap the newest inline button labelled with `button`, then wait for `then` in the newest bot message."""
        await self.root.locator(".inline-keyboard .key").filter(has_text=button).last.click()
        await expect(self.bot_messages().last).to_contain_text(then)
