"""An order's payment schedule: made from its terms, dated as its bases happen, paid oldest row first.

Rules, written once:
- the rows are the terms' instalments in order; each is its share of the order's total, rounded to the
  kopeck (half up), and the last row takes the remainder, so the rows sum exactly to the total;
- the schedule is made when the order enters execution (its prices are frozen by then); a row based on
  the order's approval is due `days` after that day at once, a row based on shipment gets its due date
  when the order is fully shipped (`date_rows`);
- a payment goes to the order's unpaid rows oldest first: by due date (undated rows last), then
  position; what is left over stays on the payment as the customer's credit;
- credit (payments of the customer with money left on them, oldest first) pays the rows of the
  customer's next schedule in the same currency as soon as it is made (`apply_credit`), so an advance is
  never forgotten; money left over on a payment, or given back by an order cancelled, first pays the
  customer's dated unpaid rows on their other orders in its currency, oldest due first (`pay_due_rows`);
- an order that is cancelled gives its payments back: its allocations are undone and the money is credit
  again (`take_back_payments`);
- an order's payment state: paid when every row is, overdue when a row is past due and not fully paid,
  partly paid when something is paid, else unpaid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Order, Payment, PaymentAllocation, PaymentBasis, PaymentInstalment, PaymentRow
from core.money import round_money
from core.receivables import owed_orders

HUNDRED = Decimal(100)


class PaymentState(StrEnum):
    UNPAID = "unpaid"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    OVERDUE = "overdue"


def split_amounts(total: Decimal, shares: Sequence[Decimal]) -> list[Decimal]:
    """Each share's part of `total` in kopecks; the last takes the remainder so they sum to `total` exactly."""
    if not shares:
        return []
    parts = [round_money(total * share / HUNDRED) for share in shares[:-1]]
    return [*parts, total - sum(parts, Decimal(0))]


def due_order(row: PaymentRow) -> tuple[date, int]:
    """Oldest first: by due date, the undated (not yet due) last, then by position."""
    return (row.due_date or date.max, row.position)


def due_across_orders(row: PaymentRow) -> tuple[date, int, int]:
    """Oldest first over several orders: by due date (the undated last), then order, then position."""
    return (row.due_date or date.max, row.order_id, row.position)


RowOrder = Callable[[PaymentRow], tuple[date, int] | tuple[date, int, int]]


def allocate(
    amount: Decimal, rows: Iterable[PaymentRow], *, key: RowOrder = due_order
) -> list[tuple[PaymentRow, Decimal]]:
    """What of `amount` each unpaid row takes, oldest first; the rows' paid amounts are raised accordingly."""
    left, taken = amount, []
    for row in sorted(rows, key=key):
        if left <= 0:
            break
        take = min(left, row.amount - row.paid_amount)
        if take > 0:
            row.paid_amount += take
            left -= take
            taken.append((row, take))
    return taken


def payment_state(rows: Sequence[PaymentRow], *, today: date) -> PaymentState | None:
    """The order's payment state by the rules above; None for an order with no schedule yet."""
    if not rows:
        return None
    if all(row.paid_amount >= row.amount for row in rows):
        return PaymentState.PAID
    if any(row.due_date is not None and row.due_date < today and row.paid_amount < row.amount for row in rows):
        return PaymentState.OVERDUE
    if any(row.paid_amount > 0 for row in rows):
        return PaymentState.PARTLY_PAID
    return PaymentState.UNPAID


async def schedule_of(session: AsyncSession, order_id: int) -> list[PaymentRow]:
    return list(
        await session.scalars(select(PaymentRow).where(PaymentRow.order_id == order_id).order_by(PaymentRow.position))
    )


async def make_schedule(session: AsyncSession, order: Order, *, today: date, now: datetime) -> list[PaymentRow]:
    """The order's schedule from its terms, approval rows dated from `today`; the customer's credit applied.

    Made once: an order that has its rows keeps them. No terms, no rows.
    """
    existing = await schedule_of(session, order.id)
    if existing or order.payment_terms_id is None:
        return existing
    instalments = list(
        await session.scalars(
            select(PaymentInstalment)
            .where(PaymentInstalment.terms_id == order.payment_terms_id)
            .order_by(PaymentInstalment.position)
        )
    )
    amounts = split_amounts(order.total_amount, [i.share_percent for i in instalments])
    rows = [
        PaymentRow(
            order_id=order.id,
            position=number,
            basis=instalment.basis,
            days=instalment.days,
            share_percent=instalment.share_percent,
            amount=amount,
            paid_amount=Decimal(0),
            due_date=today + timedelta(days=instalment.days)
            if instalment.basis == PaymentBasis.ORDER_APPROVAL
            else None,
        )
        for number, (instalment, amount) in enumerate(zip(instalments, amounts, strict=True), start=1)
    ]
    session.add_all(rows)
    await session.flush()
    await apply_credit(session, order, rows, now=now)
    return rows


def date_rows(rows: Iterable[PaymentRow], basis: PaymentBasis, *, on: date) -> list[PaymentRow]:
    """Its basis happened on `on`: the undated rows of that basis are due `days` after it; those dated."""
    dated = [row for row in rows if row.basis == basis and row.due_date is None]
    for row in dated:
        row.due_date = on + timedelta(days=row.days)
    return dated


async def credit_of(session: AsyncSession, counterparty_id: int, currency: str) -> list[Payment]:
    """The customer's payments in `currency` (their order's) with money left on them, oldest first."""
    return list(
        await session.scalars(
            select(Payment)
            .join(Order, Order.id == Payment.order_id)
            .where(Payment.counterparty_id == counterparty_id, Order.currency == currency, Payment.unallocated > 0)
            .order_by(Payment.paid_on, Payment.id)
            .with_for_update(of=Payment)
        )
    )


async def apply_credit(session: AsyncSession, order: Order, rows: Sequence[PaymentRow], *, now: datetime) -> Decimal:
    """Pay the rows from the customer's credit in the order's currency, oldest payment first; how much was used."""
    used = Decimal(0)
    for payment in await credit_of(session, order.counterparty_id, order.currency):
        for row, amount in allocate(payment.unallocated, rows):
            session.add(PaymentAllocation(payment_id=payment.id, row_id=row.id, amount=amount, created_at=now))
            payment.unallocated -= amount
            used += amount
        if all(row.paid_amount >= row.amount for row in rows):
            break
    return used


def outstanding(rows: Iterable[PaymentRow]) -> Decimal:
    return sum((row.amount - row.paid_amount for row in rows), Decimal(0))


def fully_paid(rows: Sequence[PaymentRow]) -> bool:
    return bool(rows) and outstanding(rows) == 0


async def due_rows(
    session: AsyncSession, counterparty_id: int, currency: str, *, except_order_id: int | None = None
) -> list[PaymentRow]:
    """The customer's dated rows not fully paid, of orders in `currency` that owe them, oldest due first."""
    query = (
        select(PaymentRow)
        .join(Order, Order.id == PaymentRow.order_id)
        .where(
            Order.counterparty_id == counterparty_id,
            Order.currency == currency,
            PaymentRow.due_date.is_not(None),
            PaymentRow.paid_amount < PaymentRow.amount,
            *owed_orders(),
        )
        .order_by(PaymentRow.due_date, PaymentRow.order_id, PaymentRow.position)
        .with_for_update(of=PaymentRow)
    )
    if except_order_id is not None:
        query = query.where(Order.id != except_order_id)
    return list(await session.scalars(query))


async def pay_due_rows(
    session: AsyncSession,
    payments: Sequence[Payment],
    *,
    counterparty_id: int,
    currency: str,
    now: datetime,
    except_order_id: int | None = None,
) -> dict[int, Decimal]:
    """Pay the customer's due rows on their orders (but `except_order_id`) from the money left on `payments`,
    in their order, oldest row due first; what each order got, by its id (nothing when nothing was due)."""
    if not any(payment.unallocated > 0 for payment in payments):
        return {}
    rows = await due_rows(session, counterparty_id, currency, except_order_id=except_order_id)
    got: dict[int, Decimal] = {}
    for payment in payments:
        for row, amount in allocate(payment.unallocated, rows, key=due_across_orders):
            session.add(PaymentAllocation(payment_id=payment.id, row_id=row.id, amount=amount, created_at=now))
            payment.unallocated -= amount
            got[row.order_id] = got.get(row.order_id, Decimal(0)) + amount
    return got


async def take_back_payments(session: AsyncSession, order_id: int) -> list[Payment]:
    """Undo what payments paid of the order's rows (it is cancelled): the allocations go, the rows are unpaid
    again and each payment's money is its customer's credit once more. The payments given money back."""
    allocations = list(
        await session.scalars(
            select(PaymentAllocation)
            .join(PaymentRow, PaymentRow.id == PaymentAllocation.row_id)
            .where(PaymentRow.order_id == order_id)
            .order_by(PaymentAllocation.id)
        )
    )
    if not allocations:
        return []
    payments = {
        payment.id: payment
        for payment in await session.scalars(
            select(Payment)
            .where(Payment.id.in_({allocation.payment_id for allocation in allocations}))
            .order_by(Payment.paid_on, Payment.id)
            .with_for_update()
        )
    }
    rows = {row.id: row for row in await schedule_of(session, order_id)}
    for allocation in allocations:
        payments[allocation.payment_id].unallocated += allocation.amount
        rows[allocation.row_id].paid_amount -= allocation.amount
        await session.delete(allocation)
    return list(payments.values())
