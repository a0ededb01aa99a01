"""/inbox through the real bot: what waits for an approver, a tap to its card, approving all of it at once."""

from __future__ import annotations

from telegram import BotCommandScopeChat

from core import use_cases as uc
from core.stages import Stage
from tests.e2e.conftest import BOT_NOW, HEAD, MANAGER, RunningBot
from tests.e2e.test_order_card import in_approval, order

YES = "✅ Да, согласовать"


def approve_all_label(labels: list[list[str]]) -> str:
    (found,) = [label for row in labels for label in row if label.startswith("✅ Согласовать все")]
    return found


def open_label(labels: list[list[str]], number: str) -> str:
    (found,) = [label for row in labels for label in row if label.startswith(f"{number} ·")]
    return found


async def test_an_approver_sees_what_waits_for_them_oldest_first_and_a_tap_opens_the_card(
    running_bot: RunningBot,
) -> None:
    older = await in_approval(running_bot)
    newer = await in_approval(running_bot)
    head = running_bot.user(HEAD)
    await head.send("/inbox")
    shown = head.last_message
    text = shown.text or ""
    assert "Ждут вашего решения" in text and "маржа" in text and "ждёт" in text
    assert older.number in text and newer.number in text
    assert text.index(older.number) < text.index(newer.number)  # the oldest first
    await head.tap(open_label(shown.button_texts, newer.number), message_id=shown.message_id)
    card = head.last_message
    assert card.message_id != shown.message_id  # the card comes below the list, which stays
    assert newer.number in (card.text or "") and "Согласовать" in [b for row in card.button_texts for b in row]


async def test_approving_all_refuses_only_the_order_changed_between_the_confirmation_and_yes(
    running_bot: RunningBot,
) -> None:
    first = await in_approval(running_bot)
    changed = await in_approval(running_bot)
    head = running_bot.user(HEAD)
    await head.send("/inbox")
    await head.tap(approve_all_label(head.last_message.button_texts))
    question = head.last_message.text or ""
    assert "Согласовать эти заказы" in question and first.number in question and changed.number in question
    await uc.set_note(
        running_bot.db, actor_id=changed.responsible_id, order_id=changed.id, note="Скидка 5 %", now=BOT_NOW
    )
    (yes,) = [label for row in head.last_message.button_texts for label in row if label.startswith(YES)]
    await head.tap(yes)
    result = " ".join(message.text or "" for message in head.bot_messages[-2:])
    assert "Согласовано:" in result and "Не согласовано: 1" in result
    assert f"{changed.number}: Заказ {changed.number} изменился" in result.replace("\n", " ")
    after_first, after_changed = await order(running_bot, first.id), await order(running_bot, changed.id)
    assert [step.state for step in after_first.steps] == ["approved"]
    assert after_changed.stage is Stage.APPROVAL and [step.state for step in after_changed.steps] == ["pending"]
    await head.send("/inbox")
    assert changed.number in (head.last_message.text or "")
    assert first.number not in (head.last_message.text or "")


async def test_back_shows_the_list_again_a_second_yes_approves_nothing_and_then_nothing_waits(
    running_bot: RunningBot,
) -> None:
    card = await in_approval(running_bot)
    head = running_bot.user(HEAD)
    await head.send("/inbox")
    await head.tap(approve_all_label(head.last_message.button_texts))
    await head.tap("« Назад")
    assert card.number in (head.last_message.text or "") and "Ждут вашего решения" in (head.last_message.text or "")
    await head.tap(approve_all_label(head.last_message.button_texts))
    confirmation = head.last_message
    (yes,) = [label for row in confirmation.button_texts for label in row if label.startswith(YES)]
    data = confirmation.button(yes).value
    await head.tap(yes)
    assert "Согласовано:" in (head.last_message.text or "")
    await head.tap_data(data, message_id=confirmation.message_id, forge=True)  # «Yes» once more, as a double tap
    assert "ничего не согласовано" in (head.last_answer or "")
    await head.send("/inbox")
    assert "Сейчас ничего не ждёт вашего решения" in (head.last_message.text or "")


async def test_approve_all_on_an_older_list_approves_nothing_and_shows_the_inbox_as_it_is_now(
    running_bot: RunningBot,
) -> None:
    await in_approval(running_bot)
    head = running_bot.user(HEAD)
    await head.send("/inbox")
    older = head.last_message
    later = await in_approval(running_bot)
    await head.send("/inbox")  # another list: the draft now remembers this one
    await head.tap(approve_all_label(older.button_texts), message_id=older.message_id)
    assert "Этот список устарел" in (head.last_answer or "")
    await head.refresh()
    (shown,) = [message for message in head.bot_messages if message.message_id == older.message_id]
    assert later.number in (shown.text or "")  # the older list, shown afresh in its place
    assert (await order(running_bot, later.id)).steps[0].state == "pending"


async def test_a_forged_inbox_button_changes_nothing_and_says_so(running_bot: RunningBot) -> None:
    await in_approval(running_bot)
    head = running_bot.user(HEAD)
    await head.send("/inbox")
    shown = head.last_message
    await head.tap_data("i:o:abc", message_id=shown.message_id, forge=True)
    assert "Эта кнопка не от меня" in (head.last_answer or "")
    await head.tap_data("i:y:0000000000", message_id=shown.message_id, forge=True)
    assert "ничего не согласовано" in (head.last_answer or "")


async def test_approvers_find_inbox_in_their_menu_and_help_and_managers_do_not(running_bot: RunningBot) -> None:
    for person in (MANAGER, HEAD):
        await running_bot.user(person).send("/start")
    bot = running_bot.application.bot
    head_menu = {c.command: c.description for c in await bot.get_my_commands(scope=BotCommandScopeChat(HEAD))}
    manager_menu = {c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(MANAGER))}
    assert head_menu["inbox"] == "Что ждёт моего решения" and "inbox" not in manager_menu
    head = running_bot.user(HEAD)
    await head.send("/help")
    assert "/inbox — что ждёт вашего решения" in (head.last_message.text or "")


async def test_someone_who_approves_nothing_is_told_what_inbox_is_for(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/inbox")
    assert "вы заказы не согласуете" in (manager.last_message.text or "")
