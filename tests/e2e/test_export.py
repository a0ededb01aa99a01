"""/export: the registry with its current filters as an XLSX file whose rows and totals match the registry."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.handlers.registry import export as registry_export
from core import use_cases as uc
from core.models import Counterparty
from core.stages import Stage
from core.use_cases import OrderFilter
from core.views import OrderRow
from sandbox.testing import SandboxUser
from templates.formats import money
from tests.e2e.conftest import HEAD, MANAGER, RunningBot

HEADER = [
    "Номер",
    "Дата",
    "Стадия",
    "Контрагент",
    "ИНН",
    "Ответственный",
    "Договор",
    "Условия оплаты",
    "Итого",
    "Валюта",
]


async def registry_rows(
    running_bot: RunningBot, telegram_id: int, filters: OrderFilter | None = None
) -> list[OrderRow]:
    person = await uc.identify(running_bot.db, telegram_id=telegram_id)
    assert person is not None
    page = await uc.list_orders(running_bot.db, viewer_id=person.id, filters=filters, limit=100)
    return list(page.rows)


async def no_card(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the export read an order's card")


async def exported(running_bot: RunningBot, user: SandboxUser) -> tuple[str, list[tuple[Any, ...]], Any]:
    """The caption, the rows (header first) and the sheet of the file the bot sent last."""
    sent = user.last_message
    assert sent.documents, f"no file was sent: {sent.text}"
    assert sent.documents[0].file_name == "orders-2026-11-30.xlsx"
    book = load_workbook(BytesIO(await running_bot.sandbox.download(sent.documents[0])))
    sheet = book.active
    assert sheet is not None
    return sent.text or "", list(sheet.iter_rows(values_only=True)), sheet


async def test_export_sends_every_order_of_the_registry_with_its_count_and_totals(
    running_bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry_export, "BATCH", 10)  # so the 24 orders come in three pages
    monkeypatch.setattr(uc, "get_order", no_card)  # the registry's rows carry everything: no card per row
    head = running_bot.user(HEAD)
    await head.send("/export")
    caption, rows, sheet = await exported(running_bot, head)
    expected = await registry_rows(running_bot, HEAD)
    assert len(expected) == 24
    assert list(rows[0]) == HEADER
    assert [row[0] for row in rows[1:]] == [row.number for row in expected]
    total = sum((row.total.amount for row in expected), Decimal(0))
    assert sum(Decimal(str(row[8])) for row in rows[1:]) == total
    cancelled = [row.total.amount for row in expected if row.stage is Stage.CANCELLED]
    open_total = money(total - sum(cancelled, Decimal(0)), "RUB", locale="ru")
    lost = money(sum(cancelled, Decimal(0)), "RUB", locale="ru")
    assert cancelled, "the demo has cancelled orders, which the totals must leave out"
    assert f"Заказов: 24 · Итого по открытым: {open_total} · отменено {len(cancelled)} на {lost}" in caption
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["J"].width


async def test_export_writes_numbers_as_numbers_and_dates_as_local_dates(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    await head.send("/export")
    _caption, rows, sheet = await exported(running_bot, head)
    first = rows[1]
    person = await uc.identify(running_bot.db, telegram_id=HEAD)
    assert person is not None
    card = await uc.get_order(running_bot.db, viewer_id=person.id, number=str(first[0]))
    assert isinstance(first[1], datetime) and first[1].date() == date(2026, 11, 30)
    assert sheet["B2"].number_format == "DD.MM.YYYY"
    assert isinstance(first[8], int | float) and sheet["I2"].number_format == "#,##0.00"
    assert Decimal(str(first[8])) == card.total.amount
    assert first[2] == "Заявка" and first[9] == "RUB"
    assert first[3] == card.counterparty_name and first[4] == card.counterparty_tax_id
    assert first[5] == card.responsible_name
    closed = next(row for row in rows[1:] if row[2] == "Закрыт")
    assert closed[6] and closed[7], "a closed order has its contract and payment terms"


async def test_export_keeps_to_the_filters_of_the_registry(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    await head.send("/orders")
    await head.tap("🗂 Все, кроме архива")
    await head.tap("Исполнение")
    await head.send("/export")
    caption, rows, _sheet = await exported(running_bot, head)
    expected = await registry_rows(running_bot, HEAD, OrderFilter(stages=(Stage.EXECUTION,)))
    assert [row[0] for row in rows[1:]] == [row.number for row in expected]
    assert {row[2] for row in rows[1:]} == {"Исполнение"}
    assert "Стадия: Исполнение" in caption and f"Заказов: {len(expected)}" in caption


async def test_a_manager_exports_only_their_own_orders(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/export")
    _caption, rows, _sheet = await exported(running_bot, manager)
    assert len(rows) == 1 + 12
    assert {row[5] for row in rows[1:]} == {"Иванова Анна Сергеевна"}


async def test_a_search_exports_what_it_found_with_its_own_button(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/find ромаш")
    await manager.tap("📥 Выгрузить найденное")
    caption, rows, _sheet = await exported(running_bot, manager)
    assert {row[3] for row in rows[1:]} == {"ООО «Ромашка»"}
    assert "«ромаш»" in caption


async def test_export_after_a_search_and_a_few_cards_exports_the_registry_not_the_old_search(
    running_bot: RunningBot,
) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/find ромаш")
    await manager.tap("1")
    await manager.send("/order 1")
    await manager.send("/export")
    caption, rows, _sheet = await exported(running_bot, manager)
    expected = await registry_rows(running_bot, MANAGER)
    assert [row[0] for row in rows[1:]] == [row.number for row in expected]
    assert len({row[3] for row in rows[1:]}) > 1 and "ромаш" not in caption
    assert "Реестр заказов" in caption


async def test_the_export_button_of_an_older_search_exports_nothing_and_says_why(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/find ромаш")
    old_search = manager.last_message
    await manager.send("/find урал")
    await manager.tap("📥 Выгрузить найденное", message_id=old_search.message_id)
    assert "уже не текущий" in (manager.last_answer or "")
    assert not manager.last_message.documents


async def test_export_with_nothing_to_export_says_so_and_sends_no_file(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    await head.send("/orders")
    await head.tap("👤 Только мои")
    await head.send("/export")
    assert not head.last_message.documents
    assert "выгружать нечего" in (head.last_message.text or "")


FORMULA_LIKE_NAMES = ('=HYPERLINK("http://example.com","click")', "=1+1", "+7 495 123-45-67", "-2+3", "@SUM(A1:A2)")


async def test_names_that_look_like_formulas_are_exported_as_text_never_as_formulas(running_bot: RunningBot) -> None:
    async with running_bot.db.unit_of_work() as session:
        customers = list(await session.scalars(select(Counterparty).order_by(Counterparty.id)))
        for customer, name in zip(customers, FORMULA_LIKE_NAMES, strict=False):
            customer.name = name
    head = running_bot.user(HEAD)
    await head.send("/export")
    _caption, rows, sheet = await exported(running_bot, head)
    names = {row[3] for row in rows[1:]}
    assert set(FORMULA_LIKE_NAMES) & names, names
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)]
    assert {cell.value for cell in cells} >= set(FORMULA_LIKE_NAMES) & names
    assert all(cell.data_type == "s" for cell in cells), [c.value for c in cells if c.data_type != "s"]
