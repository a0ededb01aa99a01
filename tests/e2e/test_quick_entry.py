"""A request typed in one message: a preview to check, then [Создать] registers it with all its lines."""

from __future__ import annotations

from core import use_cases as uc
from core.use_cases import OrderFilter
from tests.e2e.conftest import MANAGER, PLANNER, RunningBot
from tests.e2e.test_new_request import button_with, number_in, plain

ENTRY = "Ромашка; ВК-12 x50 до 15.12; ВК-100 x10 до 20.12"


async def orders_of_romashka(running_bot: RunningBot) -> int:
    """How many orders the manager 1001 has for ООО «Ромашка» (read through the core)."""
    manager = await uc.identify(running_bot.db, telegram_id=MANAGER)
    assert manager is not None
    page = await uc.list_orders(running_bot.db, viewer_id=manager.id, filters=OrderFilter(text="Ромашка"), limit=100)
    return page.total_count


async def test_a_quick_entry_is_previewed_and_created_as_a_card_with_the_right_totals(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send(ENTRY)
    preview = plain(manager.last_message.text)
    assert "Контрагент: ООО «Ромашка»" in preview
    assert "50 шт × 61 200,00 ₽ = 3 060 000,00 ₽, к 15.12.2026" in preview
    assert "10 шт × 4 900,00 ₽ = 49 000,00 ₽, к 20.12.2026" in preview
    assert "В наличии: 22 шт свободно" in preview  # 42 on hand, 20 held by the demo's orders in execution
    assert "Итого: 3 109 000,00 ₽" in preview
    assert manager.last_message.button_texts[-1] == ["Создать", "Исправить"]
    await manager.tap("Создать")
    card = plain(manager.last_message.text)
    assert number_in(card) and "ВК-12" in card and "ВК-100" in card
    assert "(0.75 кВт, У1)" in card  # options not named are the base ones, as the preview said
    assert "Итого: 3 109 000,00 ₽" in card
    assert manager.last_answer and "создана" in manager.last_answer


async def test_options_named_after_the_code_are_taken_and_priced(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("Ромашка; ВК-12 1.1 кВт УХЛ1 x2 до 15.12")
    preview = plain(manager.last_message.text)
    assert "(1.1 кВт, УХЛ1)" in preview and "2 шт × 69 100,00 ₽ = 138 200,00 ₽" in preview
    await manager.send("Ромашка; ВК-12 2 кВт x2 до 15.12")
    assert "«2 кВт» — такой конфигурации у ВК-12 нет" in manager.last_message.text
    assert ["Создать", "Исправить"] not in manager.last_message.button_texts


async def test_an_unknown_item_and_a_bad_date_are_each_pointed_at(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    text = "Ромашка; ЖЖЖ-777 x5 до 15.12; ВК-100 x10 до 32.13; ВК-160 x1; просто текст"
    await manager.send(text)
    preview = manager.last_message.text
    assert "Номенклатуры «ЖЖЖ-777» в каталоге нет" in preview
    assert "Не получается прочитать дату «32.13»" in preview
    assert "Нет даты потребности" in preview
    assert "«просто текст» — не похоже на строку" in preview
    assert manager.last_message.button_texts == [["Исправить"]]
    await manager.tap("Исправить")
    assert text in manager.last_message.text  # to copy and correct
    await manager.send("Ромашка; ВК-100 x10 до 20.12")
    assert "Итого: 49 000,00 ₽" in plain(manager.last_message.text)
    await manager.tap("Создать")
    assert "Итого: 49 000,00 ₽" in plain(manager.last_message.text)


async def test_a_double_tap_on_create_creates_one_order(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    before = await orders_of_romashka(running_bot)
    await manager.send(ENTRY)
    preview = manager.last_message
    create = preview.button("Создать").value
    await manager.tap_nowait("Создать")
    await manager.tap_data(create, message_id=preview.message_id, forge=True)
    # one person's updates are handled in order: the second tap comes after the order exists
    assert await orders_of_romashka(running_bot) == before + 1
    assert manager.last_answer and "уже создана" in manager.last_answer


async def test_an_ambiguous_customer_is_picked_from_the_candidates(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("ООО; ВК-100 x1 до 15.12")
    assert "найдено несколько контрагентов" in manager.last_message.text
    assert manager.last_message.button_texts[-1] == ["Исправить"]
    await manager.tap(button_with(manager.last_message, "АэроКлимат"))
    assert "Контрагент: ООО «АэроКлимат»" in manager.last_message.text
    await manager.tap("Создать")
    assert "ООО «АэроКлимат»" in manager.last_message.text and number_in(manager.last_message.text)


async def test_markup_typed_as_a_customer_is_shown_escaped(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("<script>alert(1)</script> & Co; ВК-100 x1 до 15.12")
    assert "Контрагент «<script>alert(1)</script> & Co» не найден" in manager.last_message.text


async def test_a_message_too_long_for_a_preview_is_refused_with_what_to_do(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("Ромашка; " + "ВК-100 x1 до 15.12; " * 200)
    assert "Сообщение слишком длинное" in manager.last_message.text
    assert manager.last_message.button_texts == [["Исправить"]]
    await manager.tap("Исправить")
    assert len(manager.last_message.text) <= 4096


async def test_other_text_while_a_preview_waits_gets_a_hint_and_keeps_it(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send(ENTRY)
    await manager.send("а когда отгрузка?")
    assert "ждёт проверки" in manager.last_message.text
    created = await manager.tap("Создать")
    assert created.last is not None and "Итого: 3 109 000,00 ₽" in plain(created.last.text)


async def test_a_planner_typing_a_quick_entry_gets_no_preview(running_bot: RunningBot) -> None:
    planner = running_bot.user(PLANNER)
    await planner.send(ENTRY)
    assert "Создать" not in str(planner.last_message.button_texts)
    assert "проверьте" not in planner.last_message.text
