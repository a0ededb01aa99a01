"""The planner's day through the bot, on the demo: replenishing the MPS with one tap (never twice), recording
what was made by command or by a line's button, the manager's progress card, and every refusal said."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from core.models import MpsEntry, Order, OrderLine
from tests.e2e.conftest import MANAGER, PLANNER, RunningBot
from tests.e2e.test_order_card import labels

ANSWERED = 0.3
URALMASH = "ЗС-000001"  # in execution since weeks: planned, partly made, a line due today with nothing made
TVS = "ЗС-000013"  # planned, partly made, one line past its date
AERO = "ЗС-000017"  # reached execution after the planner last replenished: not planned yet


async def entries_of(bot: RunningBot, number: str) -> list[tuple[int, Decimal]]:
    async with bot.db.reading() as session:
        rows = await session.execute(
            select(OrderLine.position, func.sum(MpsEntry.planned_quantity))
            .join(Order, Order.id == OrderLine.order_id)
            .join(MpsEntry, MpsEntry.line_id == OrderLine.id)
            .where(Order.number == number)
            .group_by(OrderLine.position)
            .order_by(OrderLine.position)
        )
        return [(position, Decimal(planned)) for position, planned in rows]


async def produced(bot: RunningBot, number: str, position: int) -> tuple[Decimal, Decimal]:
    async with bot.db.reading() as session:
        row = (
            await session.execute(
                select(OrderLine.produced_quantity, OrderLine.actual_cost)
                .join(Order, Order.id == OrderLine.order_id)
                .where(Order.number == number, OrderLine.position == position)
            )
        ).one()
        return Decimal(row[0]), Decimal(row[1] or 0)


async def test_the_demo_planner_previews_then_replenishes_once_and_a_second_tap_adds_nothing(
    running_bot: RunningBot,
) -> None:
    planner = running_bot.user(PLANNER)
    assert await entries_of(running_bot, AERO) == []
    await planner.send("/mps_replenish")
    preview = planner.last_message
    text = preview.text or ""
    assert "Будет добавлено в MPS-план" in text and AERO in text and URALMASH not in text
    assert "Заказов: 1, строк: 3, количество: 6" in text and labels(preview) == ["Пополнить"]
    assert await entries_of(running_bot, AERO) == [], "a preview writes nothing"
    button = preview.button("Пополнить").value
    await planner.tap("Пополнить")
    assert "Добавлено в MPS-план" in (planner.last_message.text or "") and AERO in (planner.last_message.text or "")
    assert await entries_of(running_bot, AERO) == [(1, Decimal(2)), (2, Decimal(2)), (3, Decimal(2))]
    await planner.tap_data(button, message_id=preview.message_id, forge=True, quiet=ANSWERED)  # a double tap
    assert "Добавлять нечего" in (planner.last_message.text or "")
    await planner.send("/mps_replenish")
    assert "добавлять нечего" in (planner.last_message.text or "") and not planner.last_message.buttons
    assert await entries_of(running_bot, AERO) == [(1, Decimal(2)), (2, Decimal(2)), (3, Decimal(2))]


async def test_only_a_planner_replenishes_or_records_what_was_made(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    for typed in ("/mps_replenish", f"/made {URALMASH} 4 +10"):
        await manager.send(typed)
        assert "может только планировщик" in (manager.last_message.text or ""), typed
    await manager.tap_data("m:r", message_id=manager.last_message.message_id, forge=True, quiet=ANSWERED)
    assert "может только планировщик" in (manager.last_answer or "")
    assert await entries_of(running_bot, AERO) == []
    assert await produced(running_bot, URALMASH, 4) == (Decimal(0), Decimal(0))


async def test_made_by_command_records_the_quantity_and_cost_and_says_what_to_type_when_wrong(
    running_bot: RunningBot,
) -> None:
    planner = running_bot.user(PLANNER)
    await planner.send(f"/made {URALMASH} 4 +20.5 15000")
    text = planner.last_message.text or ""
    assert f"Заказ {URALMASH}, строка 4 (ВП-500×300): изготовлено 20,5 из 120,5 м" in text
    assert await produced(running_bot, URALMASH, 4) == (Decimal("20.5"), Decimal("15000"))
    refusals = {
        "/made": "/made ЗС-000012 2 +10",
        f"/made {URALMASH}": "/made ЗС-000012 2 +10",
        f"/made {URALMASH} два +1": "/made ЗС-000012 2 +10",
        f"/made {URALMASH} 4 +1 2 3": "/made ЗС-000012 2 +10",
        f"/made {URALMASH} 4 +1000": "больше, чем осталось выпустить",
        f"/made {URALMASH} 2 +0.5": "шт",
        f"/made {URALMASH} 4 -3": "",
        f"/made {URALMASH} 9 +1": "",
        f"/made {URALMASH} 4 0": "Нечего отмечать",
        f"/made {URALMASH} 4 +1 много": "",
        "/made ЗС-000002 1 +1": "",
        "/made ЗС-999999 1 +1": "не найден",
    }
    for typed, said in refusals.items():
        before = len(planner.bot_messages)
        await planner.send(typed)
        assert len(planner.bot_messages) == before + 1 and said in (planner.last_message.text or ""), typed
        assert "✅" not in (planner.last_message.text or ""), typed
    assert await produced(running_bot, URALMASH, 4) == (Decimal("20.5"), Decimal("15000"))


async def test_a_planner_records_a_line_from_the_progress_screen_and_a_wrong_amount_is_asked_again(
    running_bot: RunningBot,
) -> None:
    planner = running_bot.user(PLANNER)
    await planner.send(f"/order {URALMASH}")
    await planner.tap("Ход производства")
    buttons = labels(planner.last_message)
    assert "✏️ Выпуск: строка 4" in buttons and "✏️ Выпуск: строка 1" not in buttons, "made lines have no button"
    await planner.tap("✏️ Выпуск: строка 4")
    assert "строка 4: сколько изготовлено" in (planner.last_message.text or "")
    await planner.send("много")
    assert "много" in (planner.last_message.text or "") and "✅" not in (planner.last_message.text or "")
    await planner.send("500")
    assert "больше, чем осталось выпустить" in (planner.last_message.text or "")
    await planner.send("+100.5 42000")
    assert "изготовлено 100,5 из 120,5 м" in (planner.last_message.text or "")
    assert await produced(running_bot, URALMASH, 4) == (Decimal("100.5"), Decimal("42000"))
    await planner.send("5")  # the flow is over: a number alone is no longer a quantity made
    assert await produced(running_bot, URALMASH, 4) == (Decimal("100.5"), Decimal("42000"))


async def test_the_managers_progress_card_shows_made_of_planned_the_finish_the_late_line_and_the_costs(
    running_bot: RunningBot,
) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {TVS}")
    await manager.tap("Ход производства")
    text = manager.last_message.text or ""
    assert "Фактическая себестоимость" in text and "по плану (" in text
    assert "изготовлено 8 из 8 шт, 100%" in text and "изготовлено 40 из 62,5 м, 64%" in text
    late = next(block for block in text.split("\n\n") if "ВЗ-250" in block)
    assert "⚠️ просрочено" in late and "ожидается" in late
    assert "Просрочена 1 строка" in text
    assert not any(label.startswith("✏️") for label in labels(manager.last_message)), "managers record nothing"


async def test_the_plan_filters_by_late_item_and_week_and_pages_with_buttons_under_64_bytes(
    running_bot: RunningBot,
) -> None:
    planner = running_bot.user(PLANNER)
    await planner.send("/mps")
    first = planner.last_message
    text = first.text or ""
    assert "План производства (MPS)" in text and "Страница 1 из 2" in text and "▶" in labels(first)
    assert all(len(button.value.encode()) <= 64 for row in first.buttons for button in row)
    await planner.tap("▶")
    second = planner.last_message.text or ""
    assert "Страница 2 из 2" in second and "◀" in labels(planner.last_message)
    await planner.tap("⚠️ Только просроченные")
    late = planner.last_message.text or ""
    assert "только просроченные строки" in late and f"{TVS}/4 ВЗ-250" in late
    assert URALMASH not in late, "a line due today is at risk, not late"
    await planner.send("/mps ВК-200")
    only = planner.last_message.text or ""
    assert f"{TVS}/1 ВК-200 · 8 из 8 шт" in only and "ВЗ-250" not in only
    await planner.send("/mps next")
    assert "неделя 07.12.2026–13.12.2026" in (planner.last_message.text or "")
    await planner.tap_data("m:p:7:1:0", message_id=planner.last_message.message_id, forge=True, quiet=ANSWERED)
    assert "не понимаю" in (planner.last_answer or "").lower() or planner.last_answer
    manager = running_bot.user(MANAGER)
    await manager.send("/mps")
    assert "ЗС-000011" in (manager.last_message.text or "") or "ЗС-000001" in (manager.last_message.text or "")
