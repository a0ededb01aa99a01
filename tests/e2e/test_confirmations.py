"""Moves that cannot be undone (ship, close, cancel from execution) ask first, saying what they mean."""

from __future__ import annotations

from core import use_cases as uc
from core.stages import Stage
from core.views import OrderCard
from tests.e2e.conftest import BOT_NOW, HEAD, MANAGER, RunningBot
from tests.e2e.test_money import made
from tests.e2e.test_order_card import SOON, in_execution, journal, labels, order


async def shipped_in_full(bot: RunningBot, card: OrderCard) -> OrderCard:
    """Everything made, then shipped (as the shipment screen ships it): the order is «Отгружен»."""
    for line in card.lines:
        await made(bot, line.id, str(line.quantity))
    quantities = {line.id: line.quantity for line in card.lines}
    done = await uc.ship(bot.db, actor_id=card.responsible_id, order_id=card.id, quantities=quantities, now=BOT_NOW)
    return done.card


async def test_shipping_opens_the_shipment_screen_and_ships_nothing_yet(running_bot: RunningBot) -> None:
    card = await in_execution(running_bot, SOON)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Отгружен")
    assert f"Отгрузка заказа {card.number}" in (manager.last_message.text or "")
    assert (await order(running_bot, card.id)).stage is Stage.EXECUTION, "the screen only asks how much"


async def test_back_from_a_confirmation_leaves_the_order_as_it_was(running_bot: RunningBot) -> None:
    card = await in_execution(running_bot, SOON)
    shipped = await shipped_in_full(running_bot, card)
    head = running_bot.user(HEAD)  # closing an order not paid in full is for the head of sales
    await head.send(f"/order {card.number}")
    await head.tap("Закрыть")
    assert f"Закрыть {card.number}?" in head.last_message.text and "нельзя отменить" in head.last_message.text
    await head.tap("Назад")
    assert "Закрыть" in labels(head.last_message), "the card is back with its buttons"
    now = await order(running_bot, card.id)
    assert now.stage is Stage.SHIPPED and now.version == shipped.version


async def test_a_confirmation_left_on_screen_while_the_order_changed_changes_nothing(running_bot: RunningBot) -> None:
    card = await in_execution(running_bot, SOON)
    head = running_bot.user(HEAD)
    await head.send(f"/order {card.number}")
    await head.tap("Отменить")
    assert f"Отменить {card.number}, который уже в исполнении?" in head.last_message.text
    shipped = await shipped_in_full(running_bot, card)
    await head.tap("Да, отменить")
    assert "изменился" in (head.last_answer or "")
    now = await order(running_bot, card.id)
    assert now.stage is Stage.SHIPPED and now.version == shipped.version
    assert await journal(running_bot, card.id, "cancelled") == 0


async def test_cancelling_an_order_in_execution_asks_first_then_for_the_reason(running_bot: RunningBot) -> None:
    card = await in_execution(running_bot, SOON)
    head = running_bot.user(HEAD)
    await head.send(f"/order {card.number}")
    await head.tap("Отменить")
    assert "Это нельзя отменить" in head.last_message.text and "укажите причину" in head.last_message.text
    assert (await order(running_bot, card.id)).stage is Stage.EXECUTION
    await head.tap("Да, отменить")
    assert any("Причина отмены" in (message.text or "") for message in head.bot_messages)
    await head.tap("Ушли к конкуренту")
    cancelled = await order(running_bot, card.id)
    assert cancelled.stage is Stage.CANCELLED and cancelled.cancel_reason == "Ушли к конкуренту"


async def test_a_typed_reason_after_the_confirmation_cancels_an_order_in_execution(running_bot: RunningBot) -> None:
    card = await in_execution(running_bot, SOON)
    head = running_bot.user(HEAD)
    await head.send(f"/order {card.number}")
    await head.tap("Отменить")
    await head.tap("Да, отменить")
    await head.send("Заказчик закрыл объект")
    cancelled = await order(running_bot, card.id)
    assert cancelled.stage is Stage.CANCELLED and cancelled.cancel_reason == "Заказчик закрыл объект"


async def test_a_request_is_cancelled_without_a_confirmation_since_nothing_is_being_made(
    running_bot: RunningBot,
) -> None:
    card = await in_execution(running_bot, SOON)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    assert "Отменить" not in labels(manager.last_message), "only a head of sales cancels from execution"
