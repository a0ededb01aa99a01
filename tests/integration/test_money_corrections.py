"""Money that must not be lost or counted twice: cancelled orders owe nothing and give their payments back,
an overpayment pays the customer's other due rows, and overdue totals never add up different currencies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update

from core import use_cases as uc
from core.db import Database
from core.models import Activity, Order, Payment, PaymentAllocation, PaymentRow
from core.stages import Stage
from core.use_cases.debts import debts
from core.views import OrderCard
from jobs.catalogue import run
from tests.integration.test_overdue_and_debts import company_calendar, executing_for, moscow, overdue_facts
from tests.integration.world import NOW, World, make_world, order_in, request_with_line

__all__ = ["company_calendar"]  # the settings of the overdue job, as in its own tests

HALF = Decimal("12502.50")  # each row of an order of ten fans (25 005.00 in two halves)


async def cancelled_by_head(world: World, card: OrderCard) -> OrderCard:
    return await uc.cancel(world.db, actor_id=world.approver, order_id=card.id, reason="Клиент отказался", now=NOW)


async def due_on(world: World, card: OrderCard, due: date) -> None:
    async with world.db.unit_of_work() as session:
        await session.execute(
            update(PaymentRow).where(PaymentRow.order_id == card.id, PaymentRow.position == 1).values(due_date=due)
        )


async def paid_rows(world: World, card: OrderCard) -> list[Decimal]:
    async with world.db.reading() as session:
        found = await session.scalars(
            select(PaymentRow.paid_amount).where(PaymentRow.order_id == card.id).order_by(PaymentRow.position)
        )
        return list(found)


async def credit(world: World) -> Decimal:
    async with world.db.reading() as session:
        return await session.scalar(select(func.coalesce(func.sum(Payment.unallocated), 0))) or Decimal(0)


async def journal(world: World, card: OrderCard, kind: str) -> list[dict[str, object]]:
    async with world.db.reading() as session:
        found = await session.scalars(
            select(Activity.details).where(Activity.order_id == card.id, Activity.kind == kind).order_by(Activity.id)
        )
        return list(found)


# 1. An order cancelled from execution keeps its schedule, but owes nothing, archived or not.


async def test_an_order_cancelled_from_execution_and_archived_is_no_debt_anywhere(db: Database) -> None:
    world = await make_world(db)
    card = await executing_for(world)  # its prepayment row due on 5 December
    await cancelled_by_head(world, card)
    await uc.archive(db, actor_id=world.manager, order_id=card.id, now=NOW)
    report = await debts(db, viewer_id=world.accountant, now=moscow(21, 12))
    assert list(report.debts) == []
    assert (await run(db, "overdue_reminders", now=moscow(21, 9))).counts == {"reminded": 0, "escalated": 0}
    following = await request_with_line(world)
    await uc.set_contract_and_terms(
        db, actor_id=world.manager, order_id=following.id, contract_id=world.contract,
        payment_terms_id=world.terms, now=NOW,
    )  # fmt: skip
    await uc.submit_for_approval(db, actor_id=world.manager, order_id=following.id, now=NOW)
    seen = await uc.get_order(db, viewer_id=world.approver, order_id=following.id, now=moscow(21, 10))
    assert seen.customer_overdue is not None and seen.customer_overdue.amount == 0


async def test_an_archived_order_cancelled_without_a_reason_written_is_known_by_its_history(db: Database) -> None:
    world = await make_world(db)
    card = await executing_for(world)
    await cancelled_by_head(world, card)
    await uc.archive(db, actor_id=world.manager, order_id=card.id, now=NOW)
    async with db.unit_of_work() as session:  # as an order cancelled before reasons were kept
        await session.execute(update(Order).where(Order.id == card.id).values(cancel_reason=None))
    assert list((await debts(db, viewer_id=world.accountant, now=moscow(21, 12))).debts) == []


async def test_a_closed_and_archived_order_still_owes_what_is_left_unpaid(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.SHIPPED)
    await uc.close_order(db, actor_id=world.approver, order_id=card.id, reason="Спишем позже", now=NOW)
    await uc.archive(db, actor_id=world.manager, order_id=card.id, now=NOW)
    report = await debts(db, viewer_id=world.accountant, now=moscow(21, 12))
    assert [(d.counterparty, d.ageing.overdue) for d in report.debts] == [("ООО «Ромашка»", Decimal("25005.00"))]


# 2. The money paid on an order cancelled is the customer's again.


async def test_money_paid_on_an_order_cancelled_from_execution_is_the_customers_credit_again(db: Database) -> None:
    world = await make_world(db)
    card = await executing_for(world)
    await uc.record_payment(
        db, actor_id=world.accountant, number=card.number, amount="5000.01", paid_on="01.12", now=moscow(1, 12)
    )
    await uc.record_payment(
        db, actor_id=world.accountant, number=card.number, amount="10000", paid_on="02.12", now=moscow(2, 12)
    )
    assert await paid_rows(world, card) == [HALF, Decimal("2497.51")]
    await cancelled_by_head(world, card)
    assert await paid_rows(world, card) == [0, 0]
    assert await credit(world) == Decimal("15000.01")
    async with db.reading() as session:
        assert await session.scalar(select(func.count(PaymentAllocation.id))) == 0
    [said] = await journal(world, card, "cancelled")
    assert said["returned"] == "15000.01" and said["credit"] == "15000.01" and len(said["payments"]) == 2  # type: ignore[arg-type]
    # The credit pays the customer's next order as soon as its schedule is made.
    following = await order_in(world, Stage.EXECUTION)
    assert [r.paid_amount for r in following.schedule] == [HALF, Decimal("2497.51")]
    assert await credit(world) == 0


async def test_money_given_back_by_a_cancel_pays_the_customers_overdue_rows_first(db: Database) -> None:
    world = await make_world(db)
    overdue = await executing_for(world)
    await due_on(world, overdue, date(2026, 12, 1))
    cancelled = await executing_for(world)
    await uc.record_payment(
        db, actor_id=world.accountant, number=cancelled.number, amount="20000", paid_on="01.12", now=moscow(1, 12)
    )
    assert await paid_rows(world, overdue) == [0, 0]
    await cancelled_by_head(world, cancelled)
    assert await paid_rows(world, overdue) == [HALF, 0]  # the dated row only: the other waits for its shipment
    assert await credit(world) == Decimal("7497.50")
    [said] = await journal(world, cancelled, "cancelled")
    assert said["returned"] == "20000.00" and said["credit"] == "7497.50"
    assert said["other_orders"] == {overdue.number: "12502.50"}
    [got] = await journal(world, overdue, "payment_recorded")
    assert got["amount"] == "12502.50" and got["from_credit"] is True
    assert (await run(db, "overdue_reminders", now=moscow(7, 9))).counts["reminded"] == 0


# 3. An overpayment pays the customer's other due rows, oldest due first, in its currency.


async def test_an_overpayment_pays_the_customers_other_due_rows_oldest_first_and_keeps_the_rest(db: Database) -> None:
    world = await make_world(db)
    later = await executing_for(world)  # due on 5 December
    older = await executing_for(world)
    await due_on(world, older, date(2026, 12, 2))
    dollars = await executing_for(world)
    async with db.unit_of_work() as session:
        await session.execute(update(Order).where(Order.id == dollars.id).values(currency="USD"))
    paid = await executing_for(world)
    done = await uc.record_payment(
        db, actor_id=world.accountant, number=paid.number, amount="40005.00", paid_on="01.12", now=moscow(1, 12)
    )
    assert done.allocated == Decimal("25005.00") and done.credit == 0
    assert done.elsewhere == ((older.number, HALF), (later.number, Decimal("2497.50")))
    assert await paid_rows(world, older) == [HALF, 0]
    assert await paid_rows(world, later) == [Decimal("2497.50"), 0]
    assert await paid_rows(world, dollars) == [0, 0]  # roubles never pay a row in dollars
    [said] = await journal(world, paid, "payment_recorded")
    assert said["other_orders"] == {older.number: "12502.50", later.number: "2497.50"}
    report = await debts(db, viewer_id=world.accountant, now=moscow(7, 12))
    assert {(d.currency, d.ageing.overdue) for d in report.debts} == {("RUB", Decimal("10005.00")), ("USD", HALF)}
    # More than is due anywhere: the rest stays the customer's credit.
    more = await uc.record_payment(
        db, actor_id=world.accountant, number=paid.number, amount="10010.00", paid_on="02.12", now=moscow(2, 12)
    )
    assert more.allocated == 0 and more.elsewhere == ((later.number, Decimal("10005.00")),)
    assert more.credit == Decimal("5.00")


async def test_an_overpayment_that_pays_a_shipped_order_in_full_closes_it(db: Database) -> None:
    world = await make_world(db)
    shipped = await order_in(world, Stage.SHIPPED)  # both its rows dated
    paid = await executing_for(world)
    done = await uc.record_payment(
        db, actor_id=world.accountant, number=paid.number, amount="50010.00", paid_on="01.12", now=moscow(1, 12)
    )
    assert done.elsewhere == ((shipped.number, Decimal("25005.00")),) and done.credit == 0
    seen = await uc.get_order(db, viewer_id=world.manager, order_id=shipped.id, now=moscow(1, 12))
    assert seen.stage is Stage.CLOSED


# 4. Overdue reminders: one total per currency.


async def test_overdue_reminders_never_add_up_different_currencies(db: Database) -> None:
    world = await make_world(db)
    roubles = await executing_for(world)
    dollars = await executing_for(world)
    async with db.unit_of_work() as session:
        await session.execute(update(Order).where(Order.id == dollars.id).values(currency="USD"))
    await run(db, "overdue_reminders", now=moscow(7, 9))
    facts = sorted(await overdue_facts(db), key=lambda fact: fact.currency)
    assert [(f.counterparty, f.currency, f.total, [r["number"] for r in f.rows]) for f in facts] == [
        ("ООО «Ромашка»", "RUB", HALF, [roubles.number]),
        ("ООО «Ромашка»", "USD", HALF, [dollars.number]),
    ]


async def test_credit_left_in_one_currency_never_pays_a_schedule_in_another(db: Database) -> None:
    world = await make_world(db)
    dollars = await executing_for(world)
    async with db.unit_of_work() as session:
        await session.execute(update(Order).where(Order.id == dollars.id).values(currency="USD"))
    over = await uc.record_payment(
        db, actor_id=world.accountant, number=dollars.number, amount="25010.00", paid_on="01.12", now=moscow(1, 12)
    )
    assert over.credit == Decimal("5.00")
    following = await order_in(world, Stage.EXECUTION)  # in roubles
    assert [r.paid_amount for r in following.schedule] == [0, 0]
    assert await credit(world) == Decimal("5.00")
