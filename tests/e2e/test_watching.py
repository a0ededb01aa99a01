"""Watching an order: /watch and /unwatch by its number in any form people type it, and the card's
🔔 / 🔕 button; one's own orders need no watching, and an order one may not see is not found."""

from __future__ import annotations

from sqlalchemy import func, select

from core.models import Watch
from sandbox.testing import ChatMessage, SandboxUser
from tests.e2e.conftest import MANAGER, OTHER_MANAGER, PLANNER, RunningBot
from tests.e2e.test_order_card import new_request, person_id

ANSWERED = 0.02


async def watches(bot: RunningBot, telegram_id: int, order_id: int) -> int:
    """How many times the person is stored as watching the order (0 or 1)."""
    async with bot.db.reading() as session:
        count = await session.scalar(
            select(func.count(Watch.id)).where(
                Watch.person_id == await person_id(bot, telegram_id), Watch.order_id == order_id
            )
        )
    return int(count or 0)


# Notices (`bot.notices`) may reach the chat at any moment: replies and cards are found by what they say.


def newest(user: SandboxUser, *parts: str) -> ChatMessage:
    """The newest message of the bot that says all of `parts`."""
    for message in reversed(user.bot_messages):
        if all(part in (message.text or "") for part in parts):
            return message
    raise AssertionError(f"no message says {parts}: {[m.text for m in user.bot_messages[-4:]]}")


def labels(message: ChatMessage) -> list[str]:
    return [label for row in message.button_texts for label in row]


def digits(number: str) -> str:
    """ЗС-000031 → 31, as people type a number without its prefix."""
    return str(int(number.split("-")[1]))


# --- by number ---


async def test_watch_takes_the_number_in_any_form_and_unwatch_stops_it(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    planner = running_bot.user(PLANNER)
    await planner.send(f"/watch zs{digits(card.number)}")
    newest(planner, f"Вы следите за заказом {card.number}", "обо всём")
    assert await watches(running_bot, PLANNER, card.id) == 1
    await planner.send(f"/watch {digits(card.number)}")
    newest(planner, f"Вы уже следите за заказом {card.number}")
    assert await watches(running_bot, PLANNER, card.id) == 1, "watched once"
    await planner.send(f"/unwatch зс-{digits(card.number)}")
    newest(planner, f"Вы больше не следите за заказом {card.number}")
    assert await watches(running_bot, PLANNER, card.id) == 0
    await planner.send(f"/unwatch {card.number}")
    newest(planner, f"Вы не следили за заказом {card.number}: ничего не изменилось")


async def test_ones_own_order_needs_no_watching(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/watch {card.number}")
    newest(manager, f"Заказ {card.number} — ваш: вы и так узнаёте обо всём")
    assert await watches(running_bot, MANAGER, card.id) == 0
    await manager.send(f"/order {card.number}")
    shown = newest(manager, card.number, "Итого")
    assert not {"🔔 Следить", "🔕 Не следить"} & set(labels(shown))


async def test_watch_or_unwatch_without_a_number_says_what_to_type(running_bot: RunningBot) -> None:
    planner = running_bot.user(PLANNER)
    await planner.send("/watch")
    newest(planner, "Напишите после команды номер заказа", "/watch ЗС-000012")
    await planner.send("/unwatch   ")
    newest(planner, "за которым больше не хотите следить", "/unwatch ЗС-000012")


async def test_an_unknown_number_or_an_order_one_may_not_see_is_not_found(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)  # the manager's: another manager may not see it
    colleague = running_bot.user(OTHER_MANAGER)
    await colleague.send(f"/watch {card.number}")
    newest(colleague, card.number, "не найден")
    assert await watches(running_bot, OTHER_MANAGER, card.id) == 0
    await colleague.send(f"/unwatch {card.number}")
    newest(colleague, card.number, "не найден")
    planner = running_bot.user(PLANNER)
    for typed in ("/watch 999999", "/watch абракадабра", "/unwatch ЗС-²"):
        reaction = await planner.send(typed)
        assert any("не найден" in (m.text or "") for m in reaction.messages), typed


# --- the card's button ---


async def test_the_cards_button_watches_and_stops_watching_and_the_card_says_which(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    planner = running_bot.user(PLANNER)
    await planner.send(f"/order {card.number}")
    shown = newest(planner, card.number, "Итого")
    assert labels(shown) == ["🔔 Следить", "История"]
    reaction = await planner.tap("🔔 Следить", message_id=shown.message_id)
    assert reaction.answer is not None and f"Вы следите за заказом {card.number}" in (reaction.answer.text or "")
    assert await watches(running_bot, PLANNER, card.id) == 1
    shown = next(m for m in planner.bot_messages if m.message_id == shown.message_id)
    assert labels(shown) == ["🔕 Не следить", "История"], "the same card, refreshed"
    reaction = await planner.tap("🔕 Не следить", message_id=shown.message_id)
    assert reaction.answer is not None and f"больше не следите за заказом {card.number}" in (reaction.answer.text or "")
    assert await watches(running_bot, PLANNER, card.id) == 0
    shown = next(m for m in planner.bot_messages if m.message_id == shown.message_id)
    assert labels(shown) == ["🔔 Следить", "История"]


async def test_a_second_tap_on_an_old_watch_button_changes_nothing_twice(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    planner = running_bot.user(PLANNER)
    await planner.send(f"/order {card.number}")
    shown = newest(planner, card.number, "Итого")
    data = shown.button("🔔 Следить").value
    await planner.tap_data(data, message_id=shown.message_id)
    reaction = await planner.tap_data(data, message_id=shown.message_id, forge=True, quiet=ANSWERED)
    assert reaction.answer is not None and "сейчас так нельзя" in (reaction.answer.text or "")
    assert await watches(running_bot, PLANNER, card.id) == 1


async def test_a_watch_button_for_an_order_one_may_not_see_is_refused(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    colleague = running_bot.user(OTHER_MANAGER)
    await colleague.send("/help")
    message_id = colleague.last_message.message_id
    reaction = await colleague.tap_data(
        f"o:{card.id}:{card.version}:watch", message_id=message_id, forge=True, quiet=ANSWERED
    )
    assert reaction.answer is not None and "не найден" in (reaction.answer.text or "")
    assert await watches(running_bot, OTHER_MANAGER, card.id) == 0
