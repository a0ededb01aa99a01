"""Registering a request by conversation (/new), adding and editing its lines from the card."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from core import use_cases as uc
from core.models import Order
from sandbox.testing import ChatMessage, SandboxUser
from tests.e2e.conftest import HEAD, MANAGER, OTHER_MANAGER, PLANNER, RunningBot


def plain(text: str | None) -> str:
    """The text with no-break spaces (between digit groups) as ordinary ones."""
    return (text or "").replace("\u00a0", " ")


def button_with(message: ChatMessage, part: str) -> str:
    """The text of the button whose label contains `part`."""
    for row in message.buttons:
        for button in row:
            if part in button.text:
                return button.text
    raise AssertionError(f"no button with {part!r}: {message.button_texts}")


def number_in(text: str | None) -> str:
    found = re.search(r"ЗС-\d{6}", text or "")
    assert found is not None, text
    return found.group(0)


async def start_request(user: SandboxUser) -> None:
    """/new for ООО «Ромашка» by a plain manager: the customer is chosen; the first line will register the request."""
    await user.send("/new")
    await user.send("Ромашка")
    await user.tap(button_with(user.last_message, "Ромашка"))
    assert "Новая заявка: ООО «Ромашка»" in user.last_message.text


async def start_request_with_a_line(user: SandboxUser) -> str:
    """/new for ООО «Ромашка» and a line of 3 ВК-100 (14 700,00 ₽): the request is registered; its number."""
    await start_request(user)
    await add_plain_line(user, "ВК-100", "3", "15.12")
    assert "зарегистрирована" in user.last_message.text
    return number_in(user.last_message.text)


async def add_plain_line(user: SandboxUser, code: str, quantity: str, date: str) -> None:
    """A line of an item without options, typed step by step."""
    await user.send(code)
    await user.send(quantity)
    await user.send(date)
    assert "добавлена" in user.last_message.text, user.last_message.text


async def test_a_manager_registers_a_request_by_conversation_to_a_card_with_the_right_totals(
    running_bot: RunningBot,
) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/new")
    assert "Кто заказчик" in manager.last_message.text
    await manager.send("ромашка")
    await manager.tap(button_with(manager.last_message, "ООО «Ромашка»"))
    assert "Иванова" in manager.last_message.text
    await manager.send("ВК-12")  # an exact code is taken at once; its options are asked one by one
    assert "Двигатель" in manager.last_message.text
    await manager.tap("0.75 кВт")
    assert plain(button_with(manager.last_message, "УХЛ1")) == "УХЛ1 (+3 100,00 ₽)"
    await manager.tap("У1")
    offer = plain(manager.last_message.text)
    assert "Цена: 61 200,00 ₽ за шт" in offer and "В наличии: 0 шт" in offer
    await manager.send("50")
    await manager.send("15.12")
    added = plain(manager.last_message.text)
    assert "50 шт × 61 200,00 ₽ = 3 060 000,00 ₽" in added and "15.12.2026" in added
    assert "зарегистрирована" in added  # with its first line
    assert "🏭 На складе нет: в производство" in added
    number = number_in(added)
    await manager.tap("Добавить ещё строку")
    await add_plain_line(manager, "ВК-100", "20", "+14")
    assert "✅ В наличии: все 20 шт свободны на складе" in plain(manager.last_message.text)
    await manager.tap("Готово")
    card = plain(manager.last_message.text)
    assert number in card and "ВК-12" in card and "ВК-100" in card
    assert "20 шт × 4 900,00 ₽ = 98 000,00 ₽" in card and "к 14.12.2026" in card
    assert "Итого: 3 158 000,00 ₽" in card  # 3 060 000 + 98 000
    assert "На согласование" in str(manager.last_message.button_texts)


async def test_a_head_of_sales_names_another_manager_as_responsible(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    await head.send("/new")
    await head.send("Ромашка")
    await head.tap(button_with(head.last_message, "Ромашка"))
    assert "Кто будет ответственным" in head.last_message.text
    assert button_with(head.last_message, "Я:")
    await head.tap("Иванова Анна Сергеевна")
    assert "ответственный — Иванова Анна Сергеевна" in head.last_message.text


async def test_an_exact_tax_id_picks_the_customer_at_once(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/new")
    await manager.send("Ромашка")
    tax_id = button_with(manager.last_message, "Ромашка").split(" · ")[1]
    await manager.send(tax_id)
    assert "Новая заявка: ООО «Ромашка»" in manager.last_message.text


async def test_bad_searches_are_explained_shown_escaped_and_the_step_goes_on(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/new")
    await manager.send("<script>alert(1)</script> & Co")
    assert "<script>alert(1)</script> & Co" in manager.last_message.text
    assert "не найден" in manager.last_message.text and "ИНН" in manager.last_message.text
    # Telegram splits 5,000 characters into two messages; each is refused and the step stays.
    for part in ("щ" * 4096, "щ" * 904):
        await manager.send(part)
        assert "Слишком длинно для поиска" in manager.last_message.text
        assert len(manager.last_message.text) < 300
    await manager.send("Ромашка")
    await manager.tap(button_with(manager.last_message, "Ромашка"))
    await manager.send("ЖЖЖ-777")
    assert "не найдена" in manager.last_message.text and "ВК-12" in manager.last_message.text
    await manager.send("<b>&amp;")
    assert "«<b>&amp;»" in manager.last_message.text
    await manager.send("ВК-100")
    assert "Сколько?" in manager.last_message.text


async def test_bad_quantities_and_dates_are_refused_and_what_was_entered_is_kept(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await start_request(manager)
    await manager.send("ВК-100")
    for typed, said in (
        ("abc", "прочитать количество"),
        ("-5", "больше нуля"),
        ("0", "больше нуля"),
        ("2,5", "целое число"),
    ):
        await manager.send(typed)
        assert said in manager.last_message.text.lower(), (typed, manager.last_message.text)
    await manager.send("10")
    assert "Количество: 10 шт" in manager.last_message.text
    await manager.send("32.13")
    assert "32.13" in manager.last_message.text and "15.12" in manager.last_message.text
    await manager.send("01.11.2026")
    assert "уже прошла" in manager.last_message.text
    await manager.send("через 2 недели")
    added = plain(manager.last_message.text)
    assert "10 шт × 4 900,00 ₽ = 49 000,00 ₽" in added and "14.12.2026" in added and number_in(added)


async def test_the_conversation_goes_on_after_the_bot_restarts(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await start_request(manager)
    await manager.send("ВК-100")
    await manager.send("7")
    await running_bot.restart()
    await manager.send("2026-12-15")
    added = plain(manager.last_message.text)
    assert "7 шт × 4 900,00 ₽ = 34 300,00 ₽" in added and number_in(added)


async def test_cancel_keeps_the_request_with_its_lines_and_new_offers_to_continue_it(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    number = await start_request_with_a_line(manager)
    await manager.send("ВК-125")
    await manager.send("/cancel")
    await manager.send(f"/order {number}")
    card = plain(manager.last_message.text)
    assert "ВК-100" in card and "Итого: 14 700,00 ₽" in card
    await manager.send("/new")
    assert "незаконченная заявка" in manager.last_message.text and number in manager.last_message.text
    await manager.tap(f"Продолжить {number}")
    assert "ВК-125" in manager.last_message.text and "Сколько?" in manager.last_message.text  # the line begun
    await manager.send("2")
    await manager.send("15.12")
    assert "Строка 2 добавлена" in manager.last_message.text and "2 строки" in manager.last_message.text


async def test_starting_anew_leaves_the_unfinished_request_registered(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    first = await start_request_with_a_line(manager)
    await manager.send("/new")
    await manager.tap("Начать новую заявку")
    assert "Кто заказчик" in manager.last_message.text
    await manager.send("Уралмаш")
    await manager.tap(button_with(manager.last_message, "Уралмашзавод"))
    await add_plain_line(manager, "ВК-100", "1", "15.12")
    assert number_in(manager.last_message.text) != first
    await manager.send(f"/order {first}")
    assert first in manager.last_message.text


async def test_a_planner_may_not_register_requests(running_bot: RunningBot) -> None:
    planner = running_bot.user(PLANNER)
    await planner.send("/new")
    assert "недоступно действие «Новая заявка»" in planner.last_message.text and not planner.last_message.buttons
    await planner.send("Ромашка")
    assert "Кто заказчик" not in planner.last_message.text


async def test_add_line_on_the_card_goes_on_with_the_line_steps(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    number = await start_request_with_a_line(manager)
    await manager.send(f"/order {number}")
    await manager.tap("Добавить строку")
    assert "Строка 2" in manager.last_message.text
    await add_plain_line(manager, "ВК-160", "4", "20.12")
    await manager.tap("Готово")
    assert "Итого: 40 500,00 ₽" in plain(manager.last_message.text)  # 14 700 + 25 800


async def make_order_with_lines(user: SandboxUser) -> str:
    """ВК-100 ×10 and ВК-12 ×2 (base configuration) for ООО «Ромашка», typed in one message."""
    await user.send("Ромашка; ВК-100 x10 до 15.12; ВК-12 x2 до 20.12")
    await user.tap("Создать")
    assert "Итого: 171 400,00 ₽" in plain(user.last_message.text)  # 49 000 + 122 400
    return number_in(user.last_message.text)


async def test_a_line_quantity_and_date_are_changed_from_the_card(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await make_order_with_lines(manager)
    await manager.tap("Изменить строки")
    await manager.tap(button_with(manager.last_message, "1. "))
    await manager.tap("Количество")
    await manager.send("abc")
    assert "прочитать количество «abc»" in manager.last_message.text
    await manager.send("12")
    assert "Итого: 181 200,00 ₽" in plain(manager.last_message.text)
    await manager.tap("Изменить строки")
    await manager.tap(button_with(manager.last_message, "1. "))
    await manager.tap("Дата потребности")
    await manager.send("32.13")
    assert "32.13" in manager.last_message.text
    await manager.send("25.12")
    assert "к 25.12.2026" in manager.last_message.text


async def test_a_line_configuration_is_changed_and_repriced(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await make_order_with_lines(manager)
    await manager.tap("Изменить строки")
    await manager.tap(button_with(manager.last_message, "2. "))
    await manager.tap("Конфигурация")
    assert button_with(manager.last_message, "0.75 кВт").endswith("✓")
    await manager.tap(button_with(manager.last_message, "1.1 кВт"))
    card = plain(manager.last_message.text)
    assert "1.1 кВт" in card and "2 шт × 66 000,00 ₽ = 132 000,00 ₽" in card
    assert "Итого: 181 000,00 ₽" in card


async def test_a_line_is_removed_after_a_confirmation_and_a_double_tap_removes_nothing_more(
    running_bot: RunningBot,
) -> None:
    manager = running_bot.user(MANAGER)
    await make_order_with_lines(manager)
    await manager.tap("Изменить строки")
    await manager.tap(button_with(manager.last_message, "1. "))
    await manager.tap("Удалить строку")
    assert "Удалить эту строку" in manager.last_message.text
    confirm = manager.last_message
    await manager.tap("Нет, оставить")
    assert "Что изменить?" in manager.last_message.text
    await manager.tap("Удалить строку")
    yes = manager.last_message.button("Да, удалить").value
    await manager.tap("Да, удалить")
    card = plain(manager.last_message.text)
    assert "ВК-100" not in card and "Итого: 122 400,00 ₽" in card
    await manager.tap_data(yes, message_id=confirm.message_id, forge=True)
    assert "Итого: 122 400,00 ₽" in plain(manager.last_message.text)
    assert manager.last_answer and "изменился" in manager.last_answer


async def test_someone_elses_line_button_changes_nothing(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    number = await make_order_with_lines(manager)
    await manager.tap("Изменить строки")
    await manager.tap(button_with(manager.last_message, "1. "))
    remove = manager.last_message.button("Удалить строку").value + "x"
    other = running_bot.user(OTHER_MANAGER)
    await other.send("/help")
    await other.tap_data(remove, message_id=other.last_message.message_id, forge=True)
    assert other.last_answer and "не найден" in other.last_answer
    await manager.send(f"/order {number}")
    assert "ВК-100" in manager.last_message.text and "Итого: 171 400,00 ₽" in plain(manager.last_message.text)


async def test_a_forged_or_old_conversation_button_changes_nothing(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/new")
    await manager.send("Ромашка")
    choices = manager.last_message
    picked = choices.button(button_with(choices, "Ромашка")).value
    prefix = picked.rsplit(":", 1)[0]
    await manager.tap_data(f"{prefix}:999999", message_id=choices.message_id, forge=True)  # a customer not offered
    assert manager.last_answer and "не от меня" in manager.last_answer
    await manager.tap_data("n:000000:c:1", message_id=choices.message_id, forge=True)  # another conversation
    assert manager.last_answer and "завершённого диалога" in manager.last_answer
    await manager.send("/cancel")
    await manager.tap_data(picked, message_id=choices.message_id)  # the conversation has ended
    assert manager.last_answer and "завершённого диалога" in manager.last_answer
    assert not [message for message in manager.bot_messages if "зарегистрирована" in (message.text or "")]


async def orders_in_all(running_bot: RunningBot) -> int:
    """How many orders the database holds, whoever's."""
    async with running_bot.db.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(Order)) or 0)


async def test_cancel_right_after_choosing_a_customer_registers_nothing_and_says_so(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    before = await orders_in_all(running_bot)
    await start_request(manager)
    await manager.send("/cancel")
    assert "Ничего не зарегистрировано" in manager.last_message.text
    assert await orders_in_all(running_bot) == before
    await manager.send("/new")  # nothing was left to continue
    assert "Кто заказчик" in manager.last_message.text and "незаконченная" not in manager.last_message.text


async def test_cancel_after_a_head_names_the_responsible_registers_nothing(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    before = await orders_in_all(running_bot)
    await head.send("/new")
    await head.send("Ромашка")
    await head.tap(button_with(head.last_message, "Ромашка"))
    await head.tap("Иванова Анна Сергеевна")
    await head.send("ВК-100")
    await head.send("/cancel")
    assert "Ничего не зарегистрировано" in head.last_message.text
    assert await orders_in_all(running_bot) == before


async def test_the_first_line_registers_the_request_with_it_and_the_next_lines_join_it(
    running_bot: RunningBot,
) -> None:
    head = running_bot.user(HEAD)
    before = await orders_in_all(running_bot)
    await head.send("/new")
    await head.send("Ромашка")
    await head.tap(button_with(head.last_message, "Ромашка"))
    await head.tap("Иванова Анна Сергеевна")
    await add_plain_line(head, "ВК-100", "3", "15.12")
    number = number_in(head.last_message.text)
    assert "ответственный — Иванова Анна Сергеевна" in head.last_message.text
    assert await orders_in_all(running_bot) == before + 1
    await head.tap("Добавить ещё строку")
    await add_plain_line(head, "ВК-160", "4", "20.12")
    assert number_in(head.last_message.text) == number and "2 строки" in head.last_message.text
    await head.send("/cancel")
    assert "Ничего не зарегистрировано" not in head.last_message.text
    assert await orders_in_all(running_bot) == before + 1
    await head.send(f"/order {number}")
    assert "Итого: 40 500,00 ₽" in plain(head.last_message.text) and "Иванова" in head.last_message.text


GARBLED_DRAFTS: list[object] = [
    {"flow": {"kind": "new", "fid": "abc123", "step": "date"}},  # a line step with no line
    {"flow": {"kind": "new", "fid": 42, "step": "item", "order_id": "ЗС-000001"}},
    {"flow": {"kind": "new", "fid": "abc123", "step": "preview", "quick": {"lines": "много"}}},
    {"flow": {"kind": "new", "fid": "abc123", "step": "warp"}, "new_request": {"resume": ["?"]}},
    {"flow": {"kind": "line", "order_id": "1", "field": "quantity"}},
]


@pytest.mark.parametrize("garbled", GARBLED_DRAFTS)
async def test_a_kept_conversation_that_cannot_be_read_starts_over_politely(
    running_bot: RunningBot, garbled: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    manager = running_bot.user(MANAGER)
    person = await uc.identify(running_bot.db, telegram_id=MANAGER)
    assert person is not None
    await uc.save_draft(running_bot.db, person_id=person.id, data=garbled, now=running_bot.clock())
    with caplog.at_level(logging.ERROR):
        await manager.send("15.12")
    assert "начнём заново" in manager.last_message.text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    await manager.tap_data("n:abc123:d", message_id=manager.last_message.message_id, forge=True)
    assert manager.last_answer and "завершённого диалога" in manager.last_answer
    await start_request(manager)  # and a new request goes as usual
    await add_plain_line(manager, "ВК-100", "1", "15.12")


async def test_a_draft_that_is_no_mapping_at_all_reads_as_no_conversation(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    person = await uc.identify(running_bot.db, telegram_id=MANAGER)
    assert person is not None
    await uc.save_draft(running_bot.db, person_id=person.id, data=["not", "a", "draft"], now=running_bot.clock())  # type: ignore[arg-type]
    await manager.send("/new")
    assert "Кто заказчик" in manager.last_message.text
