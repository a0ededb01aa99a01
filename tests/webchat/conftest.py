"""The web chat in headless Chromium: Debian's `chromium` driven by Playwright for Python.

`make test` installs chromium when /usr/bin/chromium is missing; a missing browser fails these tests,
saying what to install, rather than letting them pass unrun. Screenshots go to test-artifacts/webchat/.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("ORDERBOT_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "webchat"
WIDE = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# How long the page may take to show what the bot did; the bot answers in well under a second.
SHOWN_WITHIN_MS = 10_000


def _no_browser(reason: str) -> None:
    pytest.fail(f"{reason}: `make test` installs it (apt-get install -y chromium, pip install -e '.[dev]')")


def _installed(program: Path) -> bool:
    """Outside the async fixture: a file check once per run, not worth a thread."""
    return program.exists()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    """One headless Chromium for the whole run."""
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _no_browser("Playwright for Python is not installed (pip install -e '.[dev]')")
    if not _installed(CHROMIUM):
        _no_browser(f"no Chromium at {CHROMIUM}")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        await launched.close()


@pytest.fixture
async def open_page(browser: Any, request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """open_page(url, viewport=WIDE, dark=False): a fresh page; JavaScript errors fail the test."""
    contexts: list[Any] = []
    errors: list[str] = []

    async def open_(url: str, *, viewport: dict[str, int] = WIDE, dark: bool = False) -> Any:
        context = await browser.new_context(viewport=viewport, color_scheme="dark" if dark else "light")
        contexts.append(context)
        context.set_default_timeout(SHOWN_WITHIN_MS)
        page = await context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(url)
        return page

    yield open_
    for context in contexts:
        await context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def screenshot_path(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
