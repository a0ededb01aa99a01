"""A manager gives a discount on a line from the card: within their role's limit, with a reason, shown on the card."""

from __future__ import annotations

from tests.e2e.conftest import MANAGER, RunningBot
from tests.e2e.test_new_request import add_plain_line, button_with, make_order_with_lines, plain


async def test_a_discount_is_typed_on_a_line_refused_over_the_limit_or_without_a_reason_and_then_shown(
    running_bot: RunningBot,
) -> None:
    manager = running_bot.user(MANAGER)
    await make_order_with_lines(manager)  # ВК-100 ×10 at 4 900,00 and ВК-12 ×2
    card = plain(manager.last_message.text)
    assert "цена по основному прайс-листу" in card and "*" not in card
    await manager.tap("Изменить строки")
    await manager.tap(button_with(manager.last_message, "1. "))
    await manager.tap("Цена/скидка")
    assert "-5% постоянный клиент" in plain(manager.last_message.text)
    await manager.send("скидка побольше")
    assert "Не удалось прочитать «скидка побольше» как цену или скидку" in plain(manager.last_message.text)
    await manager.send("-10% просили")
    refusal = plain(manager.last_message.text)
    assert "Скидка 10 % больше, чем разрешено вашей роли (не более 5 %)" in refusal
    assert "4 655,00" in refusal
    await manager.send("-5%")
    assert "нужна причина" in plain(manager.last_message.text)
    await manager.send("-5% постоянный клиент")
    card = plain(manager.last_message.text)
    assert "10 шт × 4 655,00 ₽ = 46 550,00 ₽" in card
    assert (
        "цена вручную: скидка 5 % от прайса 4 900,00 ₽, поставил(а) Иванова Анна Сергеевна: «постоянный клиент»" in card
    )
    assert "Итого: 168 950,00 ₽" in card  # 46 550 + 122 400


async def test_adding_a_line_says_how_much_is_in_stock_and_how_much_is_to_be_produced(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/new")
    await manager.send("ромашка")
    await manager.tap(button_with(manager.last_message, "ООО «Ромашка»"))
    await add_plain_line(manager, "ВК-100", "50", "+14")  # 42 in the demo's stock, 20 held by its orders in execution
    assert "◐ Частично на складе: свободно 22 шт, 28 шт — в производство" in plain(manager.last_message.text)
