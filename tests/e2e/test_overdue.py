"""Overdue payments and debts on a phone, on the demo: АэроКлимат's reminder with its promise button, /debts."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.models import Counterparty, Order, PaymentRow
from jobs.catalogue import run
from tests.e2e.conftest import BOT_NOW, MANAGER, OTHER_MANAGER, PLANNER, RunningBot
from tests.e2e.test_notifications import told

AERO = "ООО «АэроКлимат»"


async def promised_dates(bot: RunningBot) -> set[date | None]:
    async with bot.db.reading() as session:
        found = await session.scalars(
            select(PaymentRow.promised_date)
            .join(Order, Order.id == PaymentRow.order_id)
            .join(Counterparty, Counterparty.id == Order.counterparty_id)
            .where(Counterparty.name == AERO, PaymentRow.paid_amount < PaymentRow.amount)
            .where(PaymentRow.due_date < BOT_NOW.date())
        )
        return set(found)


async def test_the_overdue_customer_is_reminded_once_and_a_promise_tapped_on_the_reminder_defers_the_next(
    notifying_bot: RunningBot,
) -> None:
    bot = notifying_bot
    assert (await run(bot.db, "overdue_reminders", now=BOT_NOW)).counts["reminded"] == 0, "told when loaded"
    for days in range(1, 8):  # the next step of the cadence some day this week: one message for the customer
        if (await run(bot.db, "overdue_reminders", now=BOT_NOW + timedelta(days=days))).counts["reminded"]:
            break
    else:
        raise AssertionError("no step of the cadence this week")
    manager = bot.user(OTHER_MANAGER)
    notice = await told(manager, AERO, "просрочка")
    assert "ЗС-" in (notice.text or "") and "Позвоните клиенту" in (notice.text or "")
    await manager.tap("🤝 Обещали оплатить…")
    asked = await told(manager, "К какому дню")
    assert AERO in (asked.text or "")
    await manager.tap("к 01.12.2026")  # tomorrow, on the bot's clock
    await told(manager, "обещали оплатить к 01.12.2026")
    assert await promised_dates(bot) == {date(2026, 12, 1)}


async def test_debts_show_a_manager_their_own_customers_and_refuse_a_planner(running_bot: RunningBot) -> None:
    other, manager, planner = (running_bot.user(who) for who in (OTHER_MANAGER, MANAGER, PLANNER))
    await other.send("/debts")
    own = await told(other, "Долги ваших клиентов")
    assert AERO in (own.text or "") and "31–60" in (own.text or "")
    await manager.send("/debts")
    assert AERO not in ((await told(manager, "Долги ваших клиентов")).text or "")
    await planner.send("/debts")
    await told(planner, "Долги видят бухгалтеры")
