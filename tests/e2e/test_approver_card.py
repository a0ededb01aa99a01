"""The approver's card on a phone: what they decide on, the margin and the stock, on the card they open."""

from __future__ import annotations

from tests.e2e.conftest import HEAD, RunningBot
from tests.e2e.test_order_card import in_approval


async def test_the_head_of_sales_opening_an_order_in_approval_sees_its_margin_and_the_free_stock(
    running_bot: RunningBot,
) -> None:
    card = await in_approval(running_bot, lines=(("ВК-100", "2"),))
    head = running_bot.user(HEAD)
    await head.send(f"/order {card.number}")
    text = head.last_message.text or ""
    assert "Маржа: 3\xa0900,00\xa0₽ (39,8 %)" in text and "на складе свободно:" in text, text
    assert "Открытые заказы клиента:" in text
