"""Telegram failing after the core made a change: the person still hears it was done, and the card catches up."""

from __future__ import annotations

from core.stages import Stage
from tests.e2e.conftest import MANAGER, RunningBot
from tests.e2e.test_order_card import journal, new_request, order

# A timed-out call costs python-telegram-bot's read timeout (5 s) before the bot tries again.
AFTER_A_TIMEOUT = 20.0


async def test_a_502_on_the_card_edit_after_a_change_still_says_done_and_sends_the_card_anew(
    running_bot: RunningBot,
) -> None:
    card = await new_request(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    tapped = manager.last_message
    await running_bot.sandbox.add_fault("html", method="editMessageText", chat_id=MANAGER, status=502)
    await manager.tap("На согласование")
    assert (await order(running_bot, card.id)).stage is Stage.APPROVAL
    assert "Готово: На согласование" in (manager.last_answer or ""), "the tap says the change was made"
    fresh = manager.last_message
    assert fresh.message_id != tapped.message_id and f"Заказ {card.number} · Согласование" in (fresh.text or "")
    assert "На согласование" not in [label for row in fresh.button_texts for label in row]


async def test_a_single_502_on_the_edit_is_retried_in_place(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    tapped = manager.last_message
    await running_bot.sandbox.add_fault("html", method="editMessageText", chat_id=MANAGER, status=502, count=1)
    await manager.tap("На согласование")
    assert manager.last_message.message_id == tapped.message_id
    assert f"Заказ {card.number} · Согласование" in (manager.last_message.text or "")
    assert len([m for m in manager.bot_messages if not m.deleted]) == 1
    assert await journal(running_bot, card.id, "submitted") == 1


async def test_a_send_that_times_out_during_a_conversation_is_sent_again(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Отменить")
    await running_bot.sandbox.add_fault("hang", method="sendMessage", chat_id=MANAGER, count=1, seconds=8)
    await manager.send("Заказчик перенёс стройку", within=AFTER_A_TIMEOUT)
    assert (await order(running_bot, card.id)).stage is Stage.CANCELLED
    shown = manager.last_message.text or ""
    assert f"Заказ {card.number} · Отмена заказа" in shown and "Заказчик перенёс стройку" in shown, shown
