"""The issue's scenario in a browser, with the real bot and the demo company: a manager registers a
request and submits it, the approver approves it from the notice, the manager sees the new stage.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.async_api import expect

from bot.runner import staff_have_started
from core.db import Database
from core.use_cases import list_people
from sandbox.server import open_webchat
from sandbox.testing import SandboxClient, running_sandbox
from tests.e2e.conftest import BOT_NOW, HEAD, MANAGER, demo_template, sqlite_demo, start_bot, stop_bot
from tests.webchat.chat_page import ChatPane
from tests.webchat.conftest import PHONE, WIDE, screenshot_path

__all__ = ["demo_template", "sqlite_demo"]  # the e2e fixtures this module uses


@dataclass
class WebChat:
    url: str
    sandbox: SandboxClient


@pytest.fixture
async def webchat(sqlite_demo: Database) -> AsyncIterator[WebChat]:
    """What `make run` starts: the sandbox with its page, the staff known with their roles, the notifying bot."""
    async with running_sandbox() as sandbox:
        assert sandbox.running is not None
        url = await open_webchat(sandbox.running)
        await staff_have_started(sandbox.base_url, await list_people(sqlite_demo))
        application = await start_bot(sandbox, sqlite_demo, lambda: BOT_NOW, notify=True)
        try:
            yield WebChat(url, sandbox)
        finally:
            await stop_bot(application)


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
async def test_a_manager_submits_a_request_the_approver_approves_it_from_the_notice_and_the_manager_sees_the_stage(
    webchat: WebChat, open_page: Any, viewport: dict[str, int]
) -> None:
    page = await open_page(webchat.url, viewport=viewport)
    shot = f"scenario-{'phone' if viewport == PHONE else 'wide'}"
    people = page.locator("#people-list")
    await expect(people.locator(f'button[data-user-id="{MANAGER}"]')).to_contain_text("Анна Иванова")
    await expect(people.locator(f'button[data-user-id="{MANAGER}"]')).to_contain_text("manager")
    await expect(people.locator(f'button[data-user-id="{HEAD}"]')).to_contain_text("approver, head")
    await page.screenshot(path=screenshot_path(f"{shot}-1-people"))
    manager, approver = ChatPane(page, MANAGER), ChatPane(page, HEAD)

    await manager.open()
    await manager.say("/new", then="Кто заказчик")
    await manager.say("Ромашка", then="выберите контрагента")
    await manager.tap("ООО «Ромашка»", then="Новая заявка: ООО «Ромашка»")
    await manager.say("ВК-100", then="Сколько?")
    await manager.say("3", then="К какой дате нужно?")
    await manager.say("15.12", then="Строка 1 добавлена")
    number = re.search(r"ЗС-\d{6}", await manager.bot_messages().last.inner_text())
    assert number is not None
    await manager.tap("Готово", then=f"Заказ {number.group(0)} · Заявка")
    await manager.tap("Договор и оплата", then="Выберите договор")
    await manager.tap("ДП-012/25", then="Выберите условия оплаты")
    await manager.tap("100% предоплата", then="Оплата: 100% предоплата")
    await manager.tap("На согласование", then=f"Заказ {number.group(0)} · Согласование")
    await page.screenshot(path=screenshot_path(f"{shot}-2-submitted"))

    await approver.open()
    await approver.sees(number.group(0), "Ждёт вашего решения")
    await page.screenshot(path=screenshot_path(f"{shot}-3-notice"))
    await approver.tap("Согласовать", then=f"Заказ {number.group(0)} · Исполнение")

    await manager.open()
    await manager.sees(number.group(0), "Согласовано")
    await manager.tap("Открыть заказ", then=f"Заказ {number.group(0)} · Исполнение")
    await page.screenshot(path=screenshot_path(f"{shot}-4-approved"))
