"""Moving an order on, cancelling it, archiving it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import acting_person, already_done, ensure_may, ensure_may_make, order_for_change, wrong_stage
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.journal import ActivityKind
from core.lifecycle import change_stage, check_contract, execution_blockers, lock_contract, start_execution
from core.models import Order
from core.payment_schedule import make_schedule, take_back_payments
from core.route import close_open_steps
from core.stages import Stage, Verb, transition_to
from core.stock import release_for_order
from core.use_cases.cancel_reasons import OTHER, reason_written
from core.use_cases.payments import pay_other_orders
from core.views import OrderCard, current_steps, order_card


async def move_stage(
    db: Database, *, actor_id: int, order_id: int, target: Stage, now: datetime, expected_version: int | None = None
) -> OrderCard:
    """Move an order one stage on (or withdraw it from approval), as the stage table allows.

    Rules:
    - the move exists in the table from the current stage, and the person's role may make it;
    - `execution` needs every approval step approved, a contract in force with room for the
      order (orders on one contract enter one at a time), and payment terms; entering it holds
      free stock for the lines (`core.stock`);
    - when someone else has just made the same move, the answer says who and when.
    """
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        order = await order_for_change(session, order_id, actor, expected_version=expected_version)
        if order.stage == target:
            raise await already_done(session, order, target.value)
        step = transition_to(Stage(order.stage), target)
        if step is None:
            raise wrong_stage(order, target.value)
        ensure_may(actor, step, order)
        steps = await current_steps(session, order)
        if step.verb is Verb.START_EXECUTION:
            await session.refresh(order, ["lines"])
            await lock_contract(session, order)
            if order.contract is not None:  # the contract's own refusal says the numbers
                await check_contract(session, order, order.contract, today=validation.local_today(now, actor.time_zone))
            blockers = await execution_blockers(
                session, order, steps, today=validation.local_today(now, actor.time_zone)
            )
            if blockers:
                raise DomainError(ErrorCode.EXECUTION_BLOCKED, number=order.number, missing=blockers)
        if step.verb is Verb.WITHDRAW:
            close_open_steps(steps, now=now)
        if step.verb is Verb.START_EXECUTION:
            await start_execution(session, order, actor_id=actor.id, now=now)
        else:
            change_stage(session, order, step.verb, actor_id=actor.id, now=now)
        if step.verb is Verb.START_EXECUTION:
            await make_schedule(session, order, today=validation.local_today(now, actor.time_zone), now=now)
        await session.flush()
        return await order_card(session, order, actor, steps=steps, now=now)


async def cancel(
    db: Database,
    *,
    actor_id: int,
    order_id: int,
    now: datetime,
    reason: str = "",
    reason_code: str = OTHER,
    expected_version: int | None = None,
) -> OrderCard:
    """Cancel an order, with a reason from the catalogue that feeds the demand analysis.

    Rules:
    - from `request` or `approval` by its manager or a head of sales;
    - from `execution` only by a head of sales, and only while nothing is shipped; the stock the
      order held is released, and what was paid of its schedule is given back: the money is the
      customer's credit again, and first pays their due rows on other orders as a payment's money left
      over does (`core.use_cases.payments.pay_other_orders`); the journal's entry of the cancel says how
      much came back and where it went;
    - the reason is an active one of the catalogue, or "other" with words (`reason_written`);
    - open approval steps are withdrawn.
    """
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        order = await order_for_change(session, order_id, actor, expected_version=expected_version)
        if order.stage == Stage.CANCELLED:
            raise await already_done(session, order, Verb.CANCEL.value)
        ensure_may_make(actor, Verb.CANCEL, order)
        code, why = await reason_written(session, code=reason_code, text=reason)
        today = validation.local_today(now, actor.time_zone)
        await session.refresh(order, ["lines"])
        if any(line.shipped_quantity > 0 for line in order.lines):
            raise DomainError(ErrorCode.SOMETHING_SHIPPED, number=order.number)
        close_open_steps(await current_steps(session, order), now=now)
        released = await release_for_order(session, order) if order.stage == Stage.EXECUTION else None
        details: dict[str, Any] = {"reason": why, "code": code, **({"released": str(released)} if released else {})}
        if order.stage == Stage.EXECUTION:
            details.update(await _give_back_payments(session, order, actor_id=actor.id, now=now, today=today))
        order.cancel_reason, order.cancel_reason_code = why, code
        change_stage(
            session, order, Verb.CANCEL, actor_id=actor.id, now=now, kind=ActivityKind.CANCELLED, details=details
        )
        await session.flush()
        return await order_card(session, order, actor, now=now)


async def _give_back_payments(
    session: AsyncSession, order: Order, *, actor_id: int, now: datetime, today: date
) -> dict[str, Any]:
    """The cancelled order's payments given back as credit, which then pays the customer's other due rows;
    what the cancel's journal entry says of it (nothing when nothing was paid)."""
    payments = await take_back_payments(session, order.id)
    if not payments:
        return {}
    returned = sum((payment.unallocated for payment in payments), Decimal(0))
    elsewhere = await pay_other_orders(
        session, payments, counterparty_id=order.counterparty_id, currency=order.currency,
        except_order_id=order.id, actor_id=actor_id, now=now, today=today,
    )  # fmt: skip
    said: dict[str, Any] = {
        "returned": str(returned),
        "payments": [payment.id for payment in payments],
        "credit": str(sum((payment.unallocated for payment in payments), Decimal(0))),
    }
    if elsewhere:
        said["other_orders"] = {number: str(part) for number, part in elsewhere}
    return said


async def archive(
    db: Database, *, actor_id: int, order_id: int, now: datetime, expected_version: int | None = None
) -> OrderCard:
    """Put a cancelled or closed order away; it leaves the working registry but keeps its history."""
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        order = await order_for_change(session, order_id, actor, expected_version=expected_version)
        if order.stage == Stage.ARCHIVED:
            raise await already_done(session, order, Verb.ARCHIVE.value)
        ensure_may_make(actor, Verb.ARCHIVE, order)
        change_stage(session, order, Verb.ARCHIVE, actor_id=actor.id, now=now, kind=ActivityKind.ARCHIVED)
        await session.flush()
        return await order_card(session, order, actor, now=now)
