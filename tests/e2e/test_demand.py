"""Cancelling with the catalogue's reasons and /demand, through the real bot and the sandbox, as the demo people."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from core.models import Order
from core.stages import Stage
from core.use_cases.cancel_reasons import retire_reason
from sandbox.testing import ChatMessage, SandboxUser
from tests.e2e.conftest import HEAD, MANAGER, PLANNER, RunningBot
from tests.e2e.test_mps_notices import png_size
from tests.e2e.test_order_card import history_text, new_request, order


async def cancel_code(bot: RunningBot, order_id: int) -> str | None:
    async with bot.db.reading() as session:
        found = await session.get(Order, order_id)
        assert found is not None
        return found.cancel_reason_code


def question(user: SandboxUser) -> ChatMessage:
    """The newest message with buttons: the question in place of the card."""
    return next(m for m in reversed(user.bot_messages) if m.buttons)


async def test_a_request_is_cancelled_with_one_tap_on_a_reason_of_the_catalogue(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Отменить")
    buttons = [b.text for row in question(manager).buttons for b in row]
    assert buttons[:6] == [
        "Не устроила цена",
        "Не устроили сроки",
        "Ушли к конкуренту",
        "Нет на складе",
        "Клиент отложил закупку",
        "Другое",
    ]
    await manager.tap("Не устроили сроки")
    shown = manager.last_message.text or ""
    assert "Отмена заказа" in shown and "Причина: Не устроили сроки" in shown
    cancelled = await order(running_bot, card.id)
    assert cancelled.stage is Stage.CANCELLED and cancelled.cancel_reason == "Не устроили сроки"
    assert await cancel_code(running_bot, card.id) == "lead_time"


async def test_other_asks_for_the_words_and_cancels_with_them(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Отменить")
    await manager.tap("Другое")
    assert f"Причина отмены заказа {card.number}" in (manager.last_message.text or "")
    assert (await order(running_bot, card.id)).stage is Stage.REQUEST
    await manager.send("-")
    assert "Укажите причину" in (manager.last_message.text or "")  # no words: asked again, nothing lost
    await manager.send("Объект заморожен до весны")
    cancelled = await order(running_bot, card.id)
    assert cancelled.stage is Stage.CANCELLED and cancelled.cancel_reason == "Объект заморожен до весны"
    assert await cancel_code(running_bot, card.id) == "other"
    assert "Объект заморожен до весны" in await history_text(running_bot, card.id)


async def test_a_retired_reason_on_an_old_question_cancels_nothing_and_says_why(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Отменить")
    asked = question(manager)
    await retire_reason(running_bot.db, code="no_stock")
    await manager.tap("Нет на складе", message_id=asked.message_id)
    assert "Причины «no_stock» среди предлагаемых нет" in " ".join(
        [manager.last_answer or "", *(m.text or "" for m in manager.bot_messages[-2:])]
    )
    assert (await order(running_bot, card.id)).stage is Stage.REQUEST


async def test_demand_shows_the_month_with_its_chart_then_the_quarter_as_an_excel_file(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    await head.send("/demand")
    photos = [m for m in head.bot_messages if m.photo is not None]
    assert len(photos) == 1 and photos[0].photo is not None
    assert png_size(await running_bot.sandbox.download(photos[0].photo)) == (1000, 450)
    month = head.last_message.text or ""
    assert "Спрос" in month and "01.11.2026 – 30.11.2026" in month and "Зарегистрировано заявок" in month
    assert "По менеджерам" in month and "По неделям" in month
    await head.tap("Этот квартал")
    quarter = head.last_message.text or ""
    assert "01.10.2026 – 31.12.2026" in quarter
    await head.tap("📥 Файлом Excel")
    sent = head.last_message
    assert sent.documents and sent.documents[0].file_name == "demand-2026-10-01-2026-12-31.xlsx"
    book = load_workbook(BytesIO(await running_bot.sandbox.download(sent.documents[0])))
    assert book.sheetnames == ["Итоги", "Отмены", "Номенклатура", "Клиенты", "Менеджеры", "Недели"]
    registered = book["Итоги"]["B4"].value
    assert isinstance(registered, int) and f"Зарегистрировано заявок: {registered}" in quarter


async def test_a_typed_range_is_read_or_refused_with_what_to_type(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    await head.send("/demand")
    await head.tap("✏️ Другие даты")
    assert "01.11-30.11" in (head.last_message.text or "")
    await head.send("с первого по пятое")
    assert "Не удалось прочитать «с первого по пятое» как период" in (head.last_message.text or "")
    await head.send("01.11-30.11")
    assert "01.11.2026 – 30.11.2026" in (head.last_message.text or "")
    await head.send("/demand 31.11-01.12")
    assert "Не удалось прочитать" in (head.last_message.text or "")


async def test_a_manager_sees_their_own_demand_and_a_planner_is_refused(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/demand")
    own = manager.last_message.text or ""
    assert "Спрос по вашим заявкам" in own and "По менеджерам" not in own
    planner = running_bot.user(PLANNER)
    await planner.send("/demand")
    assert "Спрос видят руководители отдела продаж и менеджеры" in (planner.last_message.text or "")
