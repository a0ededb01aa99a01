"""The accountant's side of an order: payments (one, or a file of them), invoices, and closing an order.

Which row a payment pays, what is left as credit and when an order counts as paid are
`core.payment_schedule`'s rules; these use cases load, check, call them and write it all down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import acting_person, ensure_may_make, order_for_change
from core.csv_table import RowError
from core.db import Database
from core.errors import DomainError, ErrorCode, Forbidden, NotFound
from core.events import OrderClosed, PaymentReceived
from core.journal import ActivityKind, announce, record
from core.lifecycle import change_stage
from core.models import Invoice, Order, Payment, PaymentAllocation, Person, Shipment
from core.numbering import format_number, next_value
from core.payment_schedule import (
    PaymentState,
    allocate,
    fully_paid,
    make_schedule,
    outstanding,
    pay_due_rows,
    payment_state,
    schedule_of,
)
from core.payments_csv import parse_payments_csv, payment_amount, payment_date
from core.roles import Role
from core.stages import Stage, Verb
from core.use_cases.shipments import close_if_settled
from core.views import OrderCard, order_card

# Orders a payment may be recorded for: those with a schedule (made when the order enters execution).
PAYABLE = frozenset({Stage.EXECUTION, Stage.SHIPPED, Stage.CLOSED})
INVOICE_COUNTER = "invoices"
INVOICE_PREFIX = "СЧ-"


@dataclass(frozen=True, slots=True)
class PaymentRecorded:
    """A payment written down: how much went to the order's rows, how much is left as the customer's credit."""

    payment_id: int
    number: str
    amount: Decimal
    allocated: Decimal
    credit: Decimal
    outstanding: Decimal
    state: PaymentState | None
    paid_on: date
    currency: str
    closed: bool
    # What the money left over paid of the customer's other orders: (number, amount), oldest due first.
    elsewhere: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True, slots=True)
class ImportedPayments:
    count: int
    total: Decimal
    credit: Decimal
    closed: tuple[str, ...]


class PaymentImportRefused(DomainError):
    """Some rows of a payments file are wrong: nothing was imported; `errors` names every bad row."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = tuple(sorted(errors, key=lambda error: error.row))
        super().__init__(
            ErrorCode.PAYMENT_IMPORT_REFUSED,
            count=len(self.errors),
            rows=", ".join(str(error.row) for error in self.errors[:20]),
        )


@dataclass(frozen=True, slots=True)
class InvoiceIssued:
    invoice_id: int
    number: str
    order_number: str
    shipment_id: int | None
    amount: Decimal
    currency: str
    issued_on: date


async def record_payment(
    db: Database,
    *,
    actor_id: int,
    number: str,
    amount: Decimal | int | str,
    paid_on: date | str,
    now: datetime,
    comment: str = "",
) -> PaymentRecorded:
    """Record money received for the order `number` (`/pay ЗС-000012 500000 15.12`).

    Rules:
    - only an accountant records payments;
    - the amount is positive and exact to the kopeck; the date is not in the future (a day and month
      alone mean the latest such day);
    - the order has a payment schedule: it is in execution, shipped or closed;
    - the payment pays the order's unpaid rows oldest first; what is left over pays the customer's dated
      unpaid rows on their other orders in the order's currency, oldest due first (each such order
      journals it); what is left then is the customer's credit, which pays their next order's rows as soon
      as that order's schedule is made;
    - a shipped order paid in full closes by itself (the others paid as well).
    """
    async with db.unit_of_work() as session:
        actor = await _accountant(session, actor_id)
        return await _record(session, actor, number, amount, paid_on, now=now, comment=comment)


async def import_payments(db: Database, *, actor_id: int, content: str, now: datetime) -> ImportedPayments:
    """Record every payment of a CSV file (`core.payments_csv`), all or nothing.

    Rules: those of `record_payment`, row by row; a wrong row (no order, an unknown order, a bad amount
    or date, an order without a schedule) is named by its row number and reason, and then nothing is
    recorded (`PaymentImportRefused`).
    """
    parsed = parse_payments_csv(content)
    errors = list(parsed.errors)
    async with db.unit_of_work() as session:
        actor = await _accountant(session, actor_id)
        done: list[PaymentRecorded] = []
        for row in parsed.rows:
            try:  # every check of a row comes before its writes, and any error undoes the whole file
                done.append(
                    await _record(session, actor, row.number, row.amount, row.paid_on, now=now, comment=row.comment)
                )
            except DomainError as refusal:
                errors.append(RowError(row.row, refusal.code, dict(refusal.params)))
        if errors or not done:
            raise PaymentImportRefused(errors or [RowError(1, ErrorCode.PROGRESS_EMPTY, {})])
        return ImportedPayments(
            count=len(done),
            total=sum((p.amount for p in done), Decimal(0)),
            credit=sum((p.credit for p in done), Decimal(0)),
            closed=tuple(p.number for p in done if p.closed),
        )


async def issue_invoice(
    db: Database,
    *,
    actor_id: int,
    number: str,
    now: datetime,
    shipment_id: int | None = None,
    shipment_no: int | None = None,
) -> InvoiceIssued:
    """Invoice the order `number`: the whole order, or one of its shipments (`shipment_id`, or
    `shipment_no`: the order's first, second… shipment, as people count them).

    Rules:
    - only an accountant issues invoices, for an order in execution, shipped or closed;
    - an order is invoiced either whole or per shipment, each once: a second invoice for the same is refused;
    - the amount is the order's total, or the shipment's; numbered СЧ-000001 on, dated today.
    """
    async with db.unit_of_work() as session:
        actor = await _accountant(session, actor_id)
        order = await _order_by_number(session, actor, number)
        if order.stage not in PAYABLE:
            raise DomainError(ErrorCode.NO_PAYMENT_SCHEDULE, number=order.number, stage=order.stage)
        existing = list(await session.scalars(select(Invoice).where(Invoice.order_id == order.id)))
        if shipment_no is not None:
            shipments = select(Shipment.id).where(Shipment.order_id == order.id).order_by(Shipment.id)
            ids = list(await session.scalars(shipments))
            if not 1 <= shipment_no <= len(ids):
                raise NotFound(ErrorCode.SHIPMENT_NOT_FOUND, number=order.number, shipment=shipment_no)
            shipment_id = ids[shipment_no - 1]
        amount = order.total_amount
        if shipment_id is not None:
            shipment = await session.get(Shipment, shipment_id)
            if shipment is None or shipment.order_id != order.id:
                raise NotFound(ErrorCode.SHIPMENT_NOT_FOUND, number=order.number, shipment=shipment_id)
            amount = shipment.amount
        clash = [i for i in existing if i.shipment_id is None or shipment_id is None or i.shipment_id == shipment_id]
        if clash:
            raise DomainError(ErrorCode.INVOICE_EXISTS, number=order.number, invoice=clash[0].number)
        today = validation.local_today(now, actor.time_zone)
        invoice_number = format_number(await next_value(session, INVOICE_COUNTER), prefix=INVOICE_PREFIX, digits=6)
        invoice = Invoice(
            number=invoice_number,
            order_id=order.id,
            shipment_id=shipment_id,
            amount=amount,
            issued_on=today,
            created_at=now,
            actor_id=actor.id,
        )
        session.add(invoice)
        await session.flush()
        details = {"invoice": invoice_number, "amount": str(amount), "shipment": shipment_id}
        record(session, order, kind=ActivityKind.INVOICE_ISSUED, actor_id=actor.id, now=now, details=details)
        return InvoiceIssued(
            invoice_id=invoice.id,
            number=invoice_number,
            order_number=order.number,
            shipment_id=shipment_id,
            amount=amount,
            currency=order.currency,
            issued_on=today,
        )


async def close_order(
    db: Database, *, actor_id: int, order_id: int, reason: str, now: datetime, expected_version: int | None = None
) -> OrderCard:
    """Close a shipped order that is not paid in full (one paid in full closes by itself).

    Rules: only a head of sales, and only with a reason; the reason is journalled and told.
    """
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        order = await order_for_change(session, order_id, actor, expected_version=expected_version)
        ensure_may_make(actor, Verb.CLOSE, order)
        if not actor.has_role(Role.HEAD):
            raise Forbidden(ErrorCode.CLOSING_NEEDS_HEAD, number=order.number)
        why = validation.reason(reason)
        fact = OrderClosed(reason=why, responsible_id=order.responsible_id)
        details = {"reason": why}
        change_stage(
            session, order, Verb.CLOSE, actor_id=actor.id, now=now, kind=ActivityKind.CLOSED, details=details, fact=fact
        )
        await session.flush()
        return await order_card(session, order, actor, now=now)


async def _accountant(session: AsyncSession, actor_id: int) -> Person:
    actor = await acting_person(session, actor_id)
    if not actor.has_role(Role.ACCOUNTANT):
        raise Forbidden(ErrorCode.ACCOUNTANT_ONLY)
    return actor


async def _order_by_number(session: AsyncSession, actor: Person, number: str) -> Order:
    typed = validation.clean(number).upper()
    order = await session.scalar(select(Order).where(Order.number == typed).with_for_update(of=Order))
    if order is None:
        raise NotFound(ErrorCode.ORDER_NOT_FOUND, number=typed[:40])
    return order


async def _record(
    session: AsyncSession,
    actor: Person,
    number: str,
    amount: Decimal | int | str,
    paid_on: date | str,
    *,
    now: datetime,
    comment: str,
) -> PaymentRecorded:
    today = validation.local_today(now, actor.time_zone)
    order = await _order_by_number(session, actor, number)
    money = payment_amount(amount)
    day = payment_date(paid_on, today=today)
    if order.stage not in PAYABLE:
        raise DomainError(ErrorCode.NO_PAYMENT_SCHEDULE, number=order.number, stage=order.stage)
    said = validation.text(comment, field="comment", max_length=500, required=False)
    # Made when the order entered execution; made here for an order that entered it before schedules existed.
    rows = await make_schedule(session, order, today=today, now=now)
    if not rows:
        raise DomainError(ErrorCode.NO_PAYMENT_SCHEDULE, number=order.number, stage=order.stage)
    payment = Payment(
        counterparty_id=order.counterparty_id,
        order_id=order.id,
        amount=money,
        unallocated=money,
        paid_on=day,
        comment=said,
        created_at=now,
        actor_id=actor.id,
    )
    session.add(payment)
    await session.flush()
    for row, part in allocate(money, rows):
        session.add(PaymentAllocation(payment_id=payment.id, row_id=row.id, amount=part, created_at=now))
        payment.unallocated -= part
    allocated = money - payment.unallocated
    elsewhere = await pay_other_orders(
        session, [payment], counterparty_id=order.counterparty_id, currency=order.currency,
        except_order_id=order.id, actor_id=actor.id, now=now, today=today,
    )  # fmt: skip
    left = outstanding(rows)
    state = payment_state(rows, today=today)
    details: dict[str, object] = {
        "payment": payment.id,
        "amount": str(money),
        "paid_on": day.isoformat(),
        "credit": str(payment.unallocated),
    }
    if elsewhere:
        details["other_orders"] = {number: str(part) for number, part in elsewhere}
    record(session, order, kind=ActivityKind.PAYMENT_RECORDED, actor_id=actor.id, now=now, details=details)
    fact = PaymentReceived(
        payment_id=payment.id,
        amount=money,
        credit=payment.unallocated,
        outstanding=left,
        state=state.value if state is not None else "",
        paid_on=day.isoformat(),
        currency=order.currency,
        responsible_id=order.responsible_id,
    )
    announce(session, fact, order=order, actor_id=actor.id, now=now)
    closed = close_if_settled(session, order, fully_paid(rows), actor_id=actor.id, now=now)
    await session.flush()
    return PaymentRecorded(
        payment_id=payment.id,
        number=order.number,
        amount=money,
        allocated=allocated,
        credit=payment.unallocated,
        outstanding=left,
        state=state,
        paid_on=day,
        currency=order.currency,
        closed=closed,
        elsewhere=elsewhere,
    )


async def pay_other_orders(
    session: AsyncSession,
    payments: Sequence[Payment],
    *,
    counterparty_id: int,
    currency: str,
    except_order_id: int,
    actor_id: int | None,
    now: datetime,
    today: date,
) -> tuple[tuple[str, Decimal], ...]:
    """Let the money left on `payments` pay the customer's due rows on their other orders in `currency`
    (`core.payment_schedule.pay_due_rows`); each order paid journals and tells it, and closes by itself when
    shipped and now paid in full. What each got, by number, oldest due first."""
    got = await pay_due_rows(
        session, payments, counterparty_id=counterparty_id, currency=currency, now=now, except_order_id=except_order_id
    )
    if not got:
        return ()
    orders = {
        order.id: order
        for order in await session.scalars(
            select(Order).where(Order.id.in_(got)).order_by(Order.id).with_for_update(of=Order)
        )
    }
    paid_on = max(payment.paid_on for payment in payments)
    source = [payment.id for payment in payments]
    for order_id, part in got.items():
        order = orders[order_id]
        rows = await schedule_of(session, order.id)
        state = payment_state(rows, today=today)
        details = {"payments": source, "amount": str(part), "paid_on": paid_on.isoformat(), "from_credit": True}
        record(session, order, kind=ActivityKind.PAYMENT_RECORDED, actor_id=actor_id, now=now, details=details)
        fact = PaymentReceived(
            payment_id=source[0],
            amount=part,
            outstanding=outstanding(rows),
            state=state.value if state is not None else "",
            paid_on=paid_on.isoformat(),
            currency=currency,
            responsible_id=order.responsible_id,
        )
        announce(session, fact, order=order, actor_id=actor_id, now=now)
        close_if_settled(session, order, fully_paid(rows), actor_id=actor_id, now=now)
    return tuple((orders[order_id].number, part) for order_id, part in got.items())
