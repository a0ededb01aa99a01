"""The core's rules as the card shows them: what still keeps an order from execution, who may not
decide on it, and an approval round that is over."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from core import use_cases as uc
from core.stages import Stage
from tests.e2e.conftest import BOT_NOW, FINANCE, HEAD, MANAGER, RunningBot
from tests.e2e.test_order_card import in_approval, new_request, order


def buttons(message_buttons: list[list[str]]) -> list[str]:
    return [label for row in message_buttons for label in row]


async def test_the_managers_card_says_what_is_missing_once_the_last_approval_is_in(running_bot: RunningBot) -> None:
    card = await in_approval(running_bot)
    head = running_bot.user(HEAD)
    await head.send(f"/order {card.number}")
    assert "До исполнения: получены не все согласования; не выбран договор" in (head.last_message.text or "")
    await head.tap("Согласовать")
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    shown = manager.last_message.text or ""
    assert "Согласование: ✅ Коммерческое согласование" in shown
    assert "До исполнения: не выбран договор; не выбраны условия оплаты" in shown


async def test_a_withdrawn_order_does_not_show_its_approval_as_pending(running_bot: RunningBot) -> None:
    card = await in_approval(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    assert "Согласование: ⏳ Коммерческое согласование" in (manager.last_message.text or "")
    await manager.tap("Отозвать")
    shown = manager.last_message.text or ""
    assert "Заявка" in shown and "Коммерческое согласование" not in shown and "До исполнения" not in shown
    assert (await order(running_bot, card.id)).stage is Stage.REQUEST


async def test_the_head_of_sales_does_not_approve_an_order_they_registered_the_next_approver_does(
    running_bot: RunningBot,
) -> None:
    card = await new_request(running_bot, manager=HEAD)
    card = await uc.submit_for_approval(
        running_bot.db, actor_id=card.responsible_id, order_id=card.id, now=BOT_NOW - timedelta(minutes=20)
    )
    head = running_bot.user(HEAD)
    await head.send(f"/order {card.number}")
    assert "Согласовать" not in buttons(head.last_message.button_texts)
    finance = running_bot.user(FINANCE)
    await finance.send(f"/order {card.number}")
    await finance.tap("Согласовать")
    assert "Согласование: ✅ Коммерческое согласование" in (finance.last_message.text or "")


async def test_a_step_no_one_may_decide_says_so_on_the_card(running_bot: RunningBot) -> None:
    card = await new_request(running_bot, manager=HEAD)
    card = await uc.submit_for_approval(
        running_bot.db, actor_id=card.responsible_id, order_id=card.id, now=BOT_NOW - timedelta(minutes=20)
    )
    # The only other approver's limit is below the order's total: nobody may decide it.
    await uc.set_approval_limit(running_bot.db, telegram_id=FINANCE, limit=card.total.amount - Decimal("0.01"))
    head = running_bot.user(HEAD)
    await head.send(f"/order {card.number}")
    shown = head.last_message.text or ""
    assert "Коммерческое согласование (решить некому)" in shown and "некому решить шаг согласования" in shown
    finance = running_bot.user(FINANCE)
    await finance.send(f"/order {card.number}")
    assert "Согласовать" not in buttons(finance.last_message.button_texts)
