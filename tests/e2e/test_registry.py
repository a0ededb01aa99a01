"""The registry: /orders with pages, counts, totals and filters, /find, and an order opened by its number."""

from __future__ import annotations

import re
from datetime import date

import pytest

from core import use_cases as uc
from core.policy import Action
from core.stages import Stage
from core.use_cases import OrderFilter
from core.views import OrderPage
from templates import render
from templates.formats import money
from tests.e2e.conftest import ACCOUNTANT, HEAD, MANAGER, OTHER_MANAGER, PLANNER, RunningBot

NUMBER = re.compile(r"ЗС-\d{6}")
SALES_ACTIONS = (Action.ADD_LINE, Action.EDIT_LINES, Action.SUBMIT, Action.WITHDRAW, Action.SET_TERMS, Action.CANCEL)
SALES_BUTTONS = {render("bot/action_label.html.j2", lang="ru", action=action) for action in SALES_ACTIONS}


async def person_id(running_bot: RunningBot, telegram_id: int) -> int:
    person = await uc.identify(running_bot.db, telegram_id=telegram_id)
    assert person is not None
    return person.id


async def core_page(
    running_bot: RunningBot, telegram_id: int, filters: OrderFilter | None = None, *, offset: int = 0
) -> OrderPage:
    """What the core lists for the same viewer and filter: the registry must say the same."""
    viewer = await person_id(running_bot, telegram_id)
    return await uc.list_orders(running_bot.db, viewer_id=viewer, filters=filters, offset=offset, limit=10)


def numbers(text: str | None) -> list[str]:
    return NUMBER.findall(text or "")


def total_of(page: OrderPage) -> str:
    return " + ".join(money(total.amount, total.currency, locale="ru") for total in page.totals)


def sums_of(page: OrderPage) -> str:
    """The registry's line of sums as the core counts them: the open orders, then the cancelled apart."""
    said = f" · Итого по открытым: {total_of(page)}" if page.totals else ""
    if page.cancelled_count:
        cancelled = " + ".join(money(total.amount, total.currency, locale="ru") for total in page.cancelled_totals)
        said += f" · отменено {page.cancelled_count} на {cancelled}"
    return said


def button_texts(user_message: object) -> set[str]:
    return {text for row in user_message.button_texts for text in row}  # type: ignore[attr-defined]


async def test_the_registry_pages_with_arrows_counts_and_totals_as_the_core_counts_them(
    running_bot: RunningBot,
) -> None:
    head = running_bot.user(HEAD)
    await head.send("/orders")
    listing = head.last_message
    expected = await core_page(running_bot, HEAD)
    assert expected.total_count == 24
    assert f"1–10 из {expected.total_count}" in listing.text
    assert f"Итого по открытым: {total_of(expected)}" in listing.text
    assert numbers(listing.text) == [row.number for row in expected.rows]
    assert "◀" not in button_texts(listing)

    await head.tap("▶")
    second = await core_page(running_bot, HEAD, offset=10)
    assert head.last_message.message_id == listing.message_id, "the page is turned in place"
    assert "11–20 из 24" in head.last_message.text
    assert numbers(head.last_message.text) == [row.number for row in second.rows]
    assert f"Итого по открытым: {total_of(expected)}" in head.last_message.text, (
        "the totals are of everything, not the page"
    )

    await head.tap("▶")
    last = await core_page(running_bot, HEAD, offset=20)
    assert "21–24 из 24" in head.last_message.text
    assert numbers(head.last_message.text) == [row.number for row in last.rows]
    assert "▶" not in button_texts(head.last_message)

    await head.tap("◀")
    assert "11–20 из 24" in head.last_message.text


async def test_a_number_under_the_list_opens_that_orders_card(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    await head.send("/orders")
    await head.tap("▶")
    await head.tap("12")
    twelfth = (await core_page(running_bot, HEAD, offset=10)).rows[1]
    assert head.last_message.text.startswith(f"Заказ {twelfth.number}")
    assert "11–20 из 24" in head.bot_messages[-2].text, "the list stays above the card"


async def test_a_manager_sees_only_their_own_orders_and_no_choice_of_whose(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/orders")
    own = await core_page(running_bot, MANAGER)
    assert own.total_count == 12
    assert f"1–10 из 12 · Итого по открытым: {total_of(own)}" in manager.last_message.text
    assert numbers(manager.last_message.text) == [row.number for row in own.rows]
    assert {row.responsible_name for row in own.rows} == {"Иванова Анна Сергеевна"}
    assert not {"👤 Только мои", "👥 Все менеджеры"} & button_texts(manager.last_message)


async def test_the_head_of_sales_sees_every_managers_orders_and_may_keep_to_their_own(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    await head.send("/orders")
    assert "Заказы всех менеджеров" in head.last_message.text
    assert "из 24" in head.last_message.text

    await head.tap("👤 Только мои")
    own = await core_page(running_bot, HEAD, OrderFilter(responsible_id=await person_id(running_bot, HEAD)))
    assert "Только мои заказы" in head.last_message.text
    assert numbers(head.last_message.text) == [row.number for row in own.rows]
    assert own.total_count < 24

    await head.tap("👥 Все менеджеры")
    assert "из 24" in head.last_message.text


@pytest.mark.parametrize(
    ("stage", "label"),
    [(Stage.EXECUTION, "Исполнение"), (Stage.CANCELLED, "Отмена заказа"), (Stage.ARCHIVED, "Архив")],
)
async def test_a_stage_narrows_the_registry_to_that_stage(running_bot: RunningBot, stage: Stage, label: str) -> None:
    head = running_bot.user(HEAD)
    await head.send("/orders")
    await head.tap("🗂 Все, кроме архива")
    assert "✓ Все, кроме архива" in button_texts(head.last_message)
    await head.tap(label)
    expected = await core_page(running_bot, HEAD, OrderFilter(stages=(stage,)))
    text = head.last_message.text
    assert f"Стадия: {label}" in text
    assert f"1–{len(expected.rows)} из {expected.total_count}{sums_of(expected)}\n" in text
    assert numbers(text) == [row.number for row in expected.rows]
    assert text.count(f" · {label} · ") == len(expected.rows)


@pytest.mark.parametrize(
    ("label", "since"),
    [("Сегодня", date(2026, 11, 30)), ("Эта неделя", date(2026, 11, 30)), ("Этот месяц", date(2026, 11, 1))],
)
async def test_a_period_narrows_the_registry_to_orders_registered_since_its_first_day(
    running_bot: RunningBot, label: str, since: date
) -> None:
    head = running_bot.user(HEAD)
    await head.send("/orders")
    await head.tap("📅 За всё время")
    await head.tap(label)
    expected = await core_page(running_bot, HEAD, OrderFilter(created_from=since))
    text = head.last_message.text
    assert f"период: {label.lower()}" in text
    assert f"из {expected.total_count} · Итого по открытым: {total_of(expected)}" in text
    assert numbers(text) == [row.number for row in expected.rows]
    assert 0 < expected.total_count < 24


async def test_a_customer_is_chosen_by_typing_part_of_the_name(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    await head.send("/orders")
    await head.tap("🏢 Контрагент")
    assert "Введите часть названия контрагента" in head.last_message.text
    await head.send("р")
    assert "хотя бы две буквы" in head.last_message.text
    await head.send("Фантазия")
    assert "«Фантазия» не найден" in head.last_message.text
    await head.send("ромаш")
    await head.tap("ООО «Ромашка»")
    choices = await uc.find_counterparties(running_bot.db, text="ромаш")
    expected = await core_page(running_bot, HEAD, OrderFilter(counterparty_id=choices[0].id))
    text = head.last_message.text
    assert "Контрагент: ООО «Ромашка»" in text
    assert f"из {expected.total_count} · Итого по открытым: {total_of(expected)}" in text
    assert numbers(text) == [row.number for row in expected.rows]
    assert text.count("ООО «Ромашка»") == len(expected.rows) + 1
    await head.send("привет")
    assert "не понял" in head.last_message.text.lower(), "the customer's conversation ended with the choice"

    await head.tap("🏢 ООО «Ромашка»")
    shown = (await head.tap("Любой контрагент")).last
    assert shown is not None and "из 24" in (shown.text or "")


async def test_a_customer_waits_while_another_conversation_is_under_way(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    await head.send("/orders")
    viewer = await person_id(running_bot, HEAD)
    typing = {"flow": {"kind": "new_request", "counterparty": "Ромашка"}}
    await uc.save_draft(running_bot.db, person_id=viewer, data=typing, now=running_bot.clock())
    listing = head.last_message
    await head.tap("🏢 Контрагент")
    assert "/cancel" in (head.last_answer or "")
    assert head.last_message.text == listing.text
    assert (await uc.load_draft(running_bot.db, person_id=viewer))["flow"] == typing["flow"], "nothing typed is lost"


async def test_the_filters_outlive_a_restart_and_reset_brings_the_whole_registry_back(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    await head.send("/orders")
    await head.tap("🗂 Все, кроме архива")
    await head.tap("Исполнение")
    await running_bot.restart()
    await head.send("/orders")
    assert "Стадия: Исполнение" in head.last_message.text
    assert "из 5 ·" in head.last_message.text
    await head.tap("✖ Сбросить фильтры")
    assert "Стадия: все, кроме архива · период: за всё время" in head.last_message.text
    assert "из 24" in head.last_message.text
    assert "✖ Сбросить фильтры" not in button_texts(head.last_message)


async def test_find_looks_for_part_of_a_customers_name_in_every_stage(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/find ромаш")
    expected = await core_page(running_bot, MANAGER, OrderFilter(stages=tuple(Stage), text="ромаш"))
    text = manager.last_message.text
    assert "Заказы по запросу «ромаш»" in text
    assert numbers(text) == [row.number for row in expected.rows]
    assert "ЗС-000003" in text, "an archived order is found too"
    assert "ЗС-000014" not in text, "another manager's order is not"
    await manager.tap("« К реестру")
    assert "из 12" in manager.last_message.text


async def test_find_looks_for_a_number_and_says_what_to_type(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    await head.send("/find 000012")
    assert numbers(head.last_message.text) == ["ЗС-000012"]
    await head.send("/find")
    assert "/find Ромашка" in head.last_message.text
    await head.send("/find Фантазия")
    assert "ничего не найдено" in head.last_message.text and "/orders" in head.last_message.text


@pytest.mark.parametrize("typed", ["ЗС-000012", "зс-12", "12", " 12 "])
async def test_a_typed_order_number_opens_its_card(running_bot: RunningBot, typed: str) -> None:
    head = running_bot.user(HEAD)
    await head.send(typed)
    assert head.last_message.text.startswith("Заказ ЗС-000012")


async def test_a_typed_number_of_someone_elses_order_is_not_shown_and_other_text_is_not_understood(
    running_bot: RunningBot,
) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("12")
    assert "ЗС-000012" in manager.last_message.text and "Заказ ЗС-000012 ·" not in manager.last_message.text
    await manager.send("12 штук")
    assert "не понял" in manager.last_message.text.lower()


async def test_an_orders_deep_link_opens_its_card(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/start o_000005")
    assert manager.last_message.text.startswith("Заказ ЗС-000005")
    await manager.send("/start o_5")
    assert manager.last_message.text.startswith("Заказ ЗС-000005")


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ("r:p:99", "Такой страницы нет"),
        ("r:p:-1", "не от меня"),
        ("r:zzz", "не от меня"),
        ("r:s:paid", "не от меня"),
        ("r:d:year", "не от меня"),
        ("r:w:1", "не от меня"),
        ("r:m:x", "не от меня"),
        ("r:c:1", "уже закрыт"),
    ],
)
async def test_a_forged_registry_button_changes_nothing_and_says_so(
    running_bot: RunningBot, data: str, said: str
) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/orders")
    listing = manager.last_message
    await manager.tap_data(data, message_id=listing.message_id, forge=True)
    assert said in (manager.last_answer or "")
    assert manager.last_message.text == listing.text and not manager.last_message.edited
    viewer = await person_id(running_bot, MANAGER)
    assert "stage" not in (await uc.load_draft(running_bot.db, person_id=viewer)).get("registry", {})


async def test_a_forged_button_cannot_open_another_managers_order(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/orders")
    theirs = (await core_page(running_bot, OTHER_MANAGER)).rows[0]
    await manager.tap_data(f"r:o:{theirs.id}", message_id=manager.last_message.message_id, forge=True)
    assert "не найден" in (manager.last_answer or "")
    assert not any(message.text.startswith("Заказ") for message in manager.bot_messages)


@pytest.mark.parametrize("who", [PLANNER, ACCOUNTANT])
async def test_a_planner_or_accountant_sees_every_order_but_no_sales_buttons(running_bot: RunningBot, who: int) -> None:
    colleague = running_bot.user(who)
    await colleague.send("/orders")
    assert "1–10 из 24" in colleague.last_message.text
    assert not {"👤 Только мои", "👥 Все менеджеры"} & button_texts(colleague.last_message)
    await colleague.tap("1")
    assert colleague.last_message.text.startswith("Заказ ЗС-000026 · Заявка")
    assert not SALES_BUTTONS & button_texts(colleague.last_message)
    head = running_bot.user(HEAD)
    await head.send("/orders")
    await head.tap("1")
    assert SALES_BUTTONS & button_texts(head.last_message), "the same card has them for the head of sales"


async def test_the_registry_command_ends_the_typing_of_a_customer(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    await head.send("/orders")
    await head.tap("🏢 Контрагент")
    await head.send("/orders")
    await head.send("12")
    assert head.last_message.text.startswith("Заказ ЗС-000012"), "a number is a number again, not a customer's name"


async def test_a_customer_whose_name_looks_like_markup_is_shown_as_it_is(running_bot: RunningBot) -> None:
    await uc.add_counterparty(running_bot.db, name="ООО <Смит & Сыновья>")
    head = running_bot.user(HEAD)
    await head.send("/orders")
    await head.tap("🏢 Контрагент")
    await head.send("Смит")
    await head.tap("ООО <Смит & Сыновья>")
    assert "Контрагент: ООО <Смит & Сыновья>" in head.last_message.text
    assert "🏢 ООО <Смит & Сыновья>" in button_texts(head.last_message)
