"""Decisions that need words (cancel, reject, return) and the contract with its payment terms, from the card."""

from __future__ import annotations

from core import use_cases as uc
from core.stages import Stage
from tests.e2e.conftest import BOT_NOW, HEAD, MANAGER, RunningBot
from tests.e2e.test_order_card import history_text, in_approval, journal, new_request, order


async def test_a_manager_cancels_a_request_with_a_common_reason_in_two_taps(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Отменить")
    question = manager.last_message
    assert "Причина отмены" in (question.text or "")  # the prompt that opens the keyboard
    await manager.tap("Ушли к конкуренту")
    shown = manager.last_message.text or ""
    assert "Отмена заказа" in shown and "Причина: Ушли к конкуренту" in shown
    assert "Причина отмены" not in " ".join(m.text or "" for m in manager.bot_messages)  # the prompt is gone
    cancelled = await order(running_bot, card.id)
    assert cancelled.stage is Stage.CANCELLED and cancelled.cancel_reason == "Ушли к конкуренту"
    assert "Ушли к конкуренту" in await history_text(running_bot, card.id)


async def test_an_empty_reason_is_refused_with_what_to_type_and_the_cancel_goes_on(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Отменить")
    await manager.send("-")
    refusal = manager.last_message.text or ""
    assert "Укажите причину" in refusal and f"Причина отмены заказа {card.number}" in refusal
    assert (await order(running_bot, card.id)).stage is Stage.REQUEST
    await manager.send("Заказчик перенёс стройку на следующий год")
    shown = manager.last_message.text or ""
    assert "Отмена заказа" in shown and "Заказчик перенёс стройку на следующий год" in shown
    assert "Заказчик перенёс стройку" in await history_text(running_bot, card.id)


async def test_back_leaves_the_order_as_it_was_and_ends_the_question(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Отменить")
    await manager.tap("Назад")
    assert "Отменить" in [label for row in manager.last_message.button_texts for label in row]
    await manager.send("просто текст")
    assert (await order(running_bot, card.id)).stage is Stage.REQUEST  # the text was no reason


async def test_an_approver_rejects_with_a_reason_and_the_order_is_cancelled(running_bot: RunningBot) -> None:
    card = await in_approval(running_bot)
    head = running_bot.user(HEAD)
    await head.send(f"/order {card.number}")
    await head.tap("Отклонить")
    assert "Отклонение заказа" in (head.bot_messages[-2].text or "")
    await head.send("Цена ниже себестоимости")
    shown = head.last_message.text or ""
    assert "Отмена заказа" in shown and "Цена ниже себестоимости" in shown
    rejected = await order(running_bot, card.id)
    assert rejected.stage is Stage.CANCELLED and rejected.cancel_reason == "Цена ниже себестоимости"
    assert await journal(running_bot, card.id, "rejected") == 1
    assert "Цена ниже себестоимости" in await history_text(running_bot, card.id)


async def test_an_approver_returns_for_rework_with_what_to_fix_and_the_manager_sees_it(
    running_bot: RunningBot,
) -> None:
    card = await in_approval(running_bot)
    head = running_bot.user(HEAD)
    await head.send(f"/order {card.number}")
    await head.tap("Вернуть на доработку")
    await head.send("Уточните сроки с заказчиком")
    assert "Заявка" in (head.last_message.text or "")
    returned = await order(running_bot, card.id)
    assert returned.stage is Stage.REQUEST and returned.cancel_reason is None
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    assert "Уточните сроки с заказчиком" in (manager.last_message.text or "")
    assert "Уточните сроки с заказчиком" in await history_text(running_bot, card.id)


async def test_a_reason_typed_after_someone_else_changed_the_order_decides_nothing(running_bot: RunningBot) -> None:
    card = await in_approval(running_bot)
    head = running_bot.user(HEAD)
    await head.send(f"/order {card.number}")
    await head.tap("Отклонить")
    await uc.move_stage(
        running_bot.db, actor_id=card.responsible_id, order_id=card.id, target=Stage.REQUEST, now=BOT_NOW
    )
    await head.send("Дорого")
    shown = head.last_message.text or ""
    assert "изменился" in shown and "Изменена стадия → Заявка (Иванова Анна Сергеевна" in shown
    assert (await order(running_bot, card.id)).stage is Stage.REQUEST
    assert await journal(running_bot, card.id, "rejected") == 0


async def test_contract_and_terms_chosen_by_buttons_send_an_approved_order_to_execution(
    running_bot: RunningBot,
) -> None:
    card = await in_approval(running_bot)
    head = running_bot.user(HEAD)
    await head.send(f"/order {card.number}")
    await head.tap("Согласовать")
    assert "ещё раз уходят на согласование" in (head.last_message.text or "")
    assert (await order(running_bot, card.id)).stage is Stage.APPROVAL  # waiting for the contract and terms
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Договор и оплата")
    contract = next(label for row in manager.last_message.button_texts for label in row if label.startswith("ДП-012"))
    await manager.tap(contract)
    assert "Договор: ДП-012" in (manager.last_message.text or "")
    await manager.tap("100% предоплата")
    shown = manager.last_message.text or ""
    assert "Договор: ДП-012" in shown and "Оплата: 100% предоплата" in shown
    # Issue 7: nobody approved these terms yet, so the route starts over before execution.
    assert "Согласование: ⏳ Коммерческое согласование" in shown
    assert (await order(running_bot, card.id)).stage is Stage.APPROVAL
    await head.send(f"/order {card.number}")
    await head.tap("Согласовать")
    assert "передан в исполнение" in (head.last_message.text or "")
    assert (await order(running_bot, card.id)).stage is Stage.EXECUTION


async def test_a_new_contract_is_typed_by_its_number_then_the_terms_are_tapped(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Договор и оплата")
    await manager.tap("Новый договор")
    assert f"Номер договора для заказа {card.number}" in (manager.last_message.text or "")
    await manager.send("ДП-777/2026")
    assert "Договор: ДП-777/2026 (новый" in (manager.last_message.text or "")
    await manager.tap("Отсрочка 30 дней")
    shown = manager.last_message.text or ""
    assert "Договор: ДП-777/2026" in shown and "Оплата: Отсрочка 30 дней" in shown and "Заявка" in shown
    updated = await order(running_bot, card.id)
    assert updated.contract_number == "ДП-777/2026" and updated.payment_terms_name == "Отсрочка 30 дней"


async def test_a_reason_typed_after_the_bot_restarted_still_decides(running_bot: RunningBot) -> None:
    card = await in_approval(running_bot)
    head = running_bot.user(HEAD)
    await head.send(f"/order {card.number}")
    await head.tap("Отклонить")
    await running_bot.restart()
    await head.send("Заказчик не прошёл проверку службы безопасности")
    assert "Заказчик не прошёл проверку" in (head.last_message.text or "")
    assert (await order(running_bot, card.id)).stage is Stage.CANCELLED


async def test_a_contract_number_too_long_is_refused_and_can_be_typed_again(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Договор и оплата")
    await manager.tap("Новый договор")
    await manager.send("Д" * 150)
    refusal = manager.last_message.text or ""
    assert "100" in refusal and f"Номер договора для заказа {card.number}" in refusal
    await manager.send("ДП-101")
    await manager.tap("50% предоплата, 50% по отгрузке")
    assert (await order(running_bot, card.id)).contract_number == "ДП-101"


async def test_a_note_with_markup_characters_is_kept_shown_escaped_and_cleared_with_a_dash(
    running_bot: RunningBot,
) -> None:
    card = await new_request(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Примечание")
    await manager.send("Доставка до 10:00 <script>alert(1)</script> & пропуск на КПП")
    shown = manager.last_message.text or ""
    assert "Примечание: Доставка до 10:00 <script>alert(1)</script> & пропуск на КПП" in shown
    assert (await order(running_bot, card.id)).comment.endswith("& пропуск на КПП")
    await manager.tap("Примечание")
    assert any("Сейчас: Доставка до 10:00" in (m.text or "") for m in manager.bot_messages)  # the question
    await manager.send("-")
    assert (await order(running_bot, card.id)).comment == ""
    assert await journal(running_bot, card.id, "note_set") == 2
