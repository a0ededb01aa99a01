"""/delegate through the real bot: an approver away hands their approvals to a colleague with two taps,
the colleague decides in their stead from /inbox, the card says on whose behalf; a typed day that
cannot be is refused with what to type, and the approvals are taken back with one tap."""

from __future__ import annotations

from sandbox.testing import ChatMessage, SandboxUser
from tests.e2e.conftest import ACCOUNTANT, HEAD, MANAGER, RunningBot
from tests.e2e.test_order_card import in_approval, order

HEAD_NAME, ACCOUNTANT_NAME = "Петров Сергей Николаевич", "Морозова Ольга Владимировна"


def labels(message: ChatMessage) -> list[str]:
    return [label for row in message.button_texts for label in row]


async def pick_accountant(head: SandboxUser) -> ChatMessage:
    await head.send("/delegate")
    screen = head.last_message
    assert "Замещение на время отсутствия" in (screen.text or "")
    assert "★ Фёдоров Михаил Александрович" in labels(screen)  # an approver too: first, and starred
    assert "Иванова Анна Сергеевна" not in labels(screen)  # a manager sees only her own orders
    await head.tap(ACCOUNTANT_NAME, message_id=screen.message_id)
    return head.last_message


async def test_an_approver_hands_approvals_over_in_two_taps_and_the_colleague_decides_in_their_stead(
    running_bot: RunningBot,
) -> None:
    card = await in_approval(running_bot)
    head = running_bot.user(HEAD)
    days = await pick_accountant(head)
    assert "По какой день включительно" in (days.text or "")
    assert labels(days)[:3] == ["по 04.12.2026", "по 07.12.2026", "по 14.12.2026"]  # Friday, a week, two
    await head.tap("по 04.12.2026", message_id=days.message_id)
    assert head.last_answer == f"Передано: {ACCOUNTANT_NAME}, по 04.12.2026"
    done = head.last_message
    assert f"Ваши согласования у сотрудника {ACCOUNTANT_NAME} по 04.12.2026 включительно" in (done.text or "")
    assert labels(done) == ["↩️ Вернуть согласования себе"]

    accountant = running_bot.user(ACCOUNTANT)
    await accountant.send("/inbox")
    waiting = accountant.last_message.text or ""
    assert card.number in waiting and f"вместо: {HEAD_NAME}" in waiting
    await accountant.send(f"/order {card.number}")
    opened = accountant.last_message
    assert f"Вы замещаете: {HEAD_NAME}" in (opened.text or "")
    await accountant.tap("Согласовать", message_id=opened.message_id)
    decided = await order(running_bot, card.id)
    assert [(step.state, step.decided_by, step.on_behalf_of) for step in decided.steps] == [
        ("approved", ACCOUNTANT_NAME, HEAD_NAME)
    ]
    assert f"{ACCOUNTANT_NAME}, вместо: {HEAD_NAME}" in (accountant.last_message.text or "")


async def test_a_typed_day_that_cannot_be_is_refused_and_the_next_one_taken(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    days = await pick_accountant(head)
    await head.tap("✏️ Другой день", message_id=days.message_id)
    assert "Напишите последний день отсутствия" in (head.last_message.text or "")
    await head.send("29.11.2026")
    assert "уже прошла" in (head.last_message.text or "")
    await head.send("тридцать второе")
    assert "15.12" in (head.last_message.text or "")  # says what to type
    await head.send("10.12")
    assert any("по 10.12.2026 включительно" in (message.text or "") for message in head.bot_messages[-2:]), [
        message.text for message in head.bot_messages[-3:]
    ]
    accountant = running_bot.user(ACCOUNTANT)
    await accountant.send("/delegate")
    assert f"Вы замещаете: {HEAD_NAME}, по 10.12.2026 включительно" in (accountant.last_message.text or "")


async def test_approvals_are_taken_back_with_one_tap(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    days = await pick_accountant(head)
    await head.tap("по 07.12.2026", message_id=days.message_id)
    await head.tap("↩️ Вернуть согласования себе", message_id=head.last_message.message_id)
    back = head.last_message.text or ""
    assert "Согласования снова у вас" in back and "Кто решает вместо вас" in back
    accountant = running_bot.user(ACCOUNTANT)
    await accountant.send("/inbox")
    assert "а вы заказы не согласуете" in (accountant.last_message.text or "")


async def test_a_manager_is_told_there_is_nothing_to_hand_over(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/delegate")
    assert "Вы не согласуете заказы, передавать нечего." in (manager.last_message.text or "")
    assert manager.last_message.button_texts == []
