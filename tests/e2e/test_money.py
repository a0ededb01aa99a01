"""The money side on a phone: a shipment in parts from the card, /pay by the accountant, closing by the head."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.models import MpsEntry
from core.stages import Stage
from tests.e2e.conftest import ACCOUNTANT, BOT_NOW, HEAD, MANAGER, RunningBot
from tests.e2e.test_order_card import SOON, in_execution, journal, labels, order


async def made(bot: RunningBot, line_id: int, quantity: str) -> None:
    """Production made the quantity for the line (an MPS entry, as the planner's recording leaves it)."""
    async with bot.db.unit_of_work() as session:
        session.add(
            MpsEntry(
                line_id=line_id,
                planned_quantity=Decimal(quantity),
                planned_date=date(2026, 11, 20),
                produced_quantity=Decimal(quantity),
                state="done",
                created_at=BOT_NOW,
            )
        )


async def test_a_manager_ships_part_of_a_line_then_the_rest_and_the_order_is_shipped(running_bot: RunningBot) -> None:
    card = await in_execution(running_bot, SOON)
    await made(running_bot, card.lines[0].id, "4")
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Отгружен")
    await manager.tap("1: ✏️ количество")
    await manager.send("1")
    assert "к отгрузке: 1" in (manager.last_message.text or "")
    await manager.tap("✅ Отгрузить")
    partly = await order(running_bot, card.id)
    assert partly.stage is Stage.EXECUTION and partly.lines[0].shipped_quantity == Decimal(1)
    await manager.send(f"/order {card.number}")
    await manager.tap("Отгружен")
    await manager.tap("1: всё (3)")
    await manager.tap("✅ Отгрузить")
    shipped = await order(running_bot, card.id)
    assert shipped.stage is Stage.SHIPPED and shipped.lines[0].shipped_quantity == Decimal(4)
    assert "Оплата:" in (manager.last_message.text or ""), "the card shows the payment state and schedule"
    assert await journal(running_bot, card.id, "shipped") == 2


async def test_shipping_more_than_ordered_is_refused_with_the_numbers(running_bot: RunningBot) -> None:
    card = await in_execution(running_bot, SOON)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Отгружен")
    await manager.tap("1: ✏️ количество")
    await manager.send("5")
    await manager.tap("✅ Отгрузить")
    assert "больше, чем осталось отгрузить: заказано 4, отгружено 0, осталось 4" in (manager.last_answer or "")
    assert (await order(running_bot, card.id)).lines[0].shipped_quantity == 0


async def test_the_accountant_records_a_payment_and_a_shipped_order_paid_in_full_closes(
    running_bot: RunningBot,
) -> None:
    card = await in_execution(running_bot, SOON)
    await made(running_bot, card.lines[0].id, "4")
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Отгружен")
    await manager.tap("1: всё (4)")
    await manager.tap("✅ Отгрузить")
    accountant = running_bot.user(ACCOUNTANT)
    await accountant.send("/pay")
    assert "/pay ЗС-000012 500000 15.12" in (accountant.last_message.text or "")
    total = f"{card.total.amount:.2f}".replace(".", ",")
    await accountant.send(f"/pay {card.number} {total} 29.11")
    assert "закрыт" in (accountant.last_message.text or "")
    assert (await order(running_bot, card.id)).stage is Stage.CLOSED
    await manager.send(f"/pay {card.number} 1 29.11")
    assert "только бухгалтер" in (manager.last_message.text or "")


async def test_the_head_closes_an_unpaid_shipped_order_only_with_a_reason(running_bot: RunningBot) -> None:
    card = await in_execution(running_bot, SOON)
    await made(running_bot, card.lines[0].id, "4")
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Отгружен")
    await manager.tap("1: всё (4)")
    await manager.tap("✅ Отгрузить")
    assert "Закрыть" not in labels(manager.last_message), "the manager does not close an unpaid order"
    head = running_bot.user(HEAD)
    await head.send(f"/order {card.number}")
    await head.tap("Закрыть")
    await head.tap("Да, закрыть")
    await head.send("Долг списан по акту сверки")
    closed = await order(running_bot, card.id)
    assert closed.stage is Stage.CLOSED and await journal(running_bot, card.id, "closed") == 1


async def test_the_accountant_invoices_a_shipment_then_cannot_invoice_the_whole_order_and_gets_told_why(
    running_bot: RunningBot,
) -> None:
    card = await in_execution(running_bot, SOON)
    await made(running_bot, card.lines[0].id, "4")
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("Отгружен")
    await manager.tap("1: всё (4)")
    await manager.tap("✅ Отгрузить")
    accountant = running_bot.user(ACCOUNTANT)
    await accountant.send("/invoice")
    assert "/invoice ЗС-000012 2" in (accountant.last_message.text or "")  # what to type
    await accountant.send(f"/invoice {card.number} 2")
    assert f"У заказа {card.number} нет отгрузки 2." in (accountant.last_message.text or "")
    await accountant.send(f"/invoice {card.number} 1")
    issued = accountant.last_message.text or ""
    assert "🧾 Счёт СЧ-" in issued and "на отгрузку" in issued and card.number in issued
    await accountant.send(f"/invoice {card.number}")
    assert "уже" in (accountant.last_message.text or "").lower()  # invoiced shipment by shipment: not whole as well
    await manager.send(f"/invoice {card.number}")
    assert "только бухгалтер" in (manager.last_message.text or "")
