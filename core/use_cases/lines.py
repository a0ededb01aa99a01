"""Lines of an order: added, changed and removed only while it is a request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import acting_person, ensure_may_edit, order_for_change
from core.db import Database
from core.errors import DomainError, ErrorCode, NotFound
from core.events import LineChanged
from core.journal import ActivityKind, announce, record
from core.models import Item, Order, OrderLine, Person
from core.models.catalogue import with_options
from core.money import round_money
from core.pricing import (
    DISCOUNT_LIMITS,
    PriceChange,
    PriceSource,
    check_manual_price,
    chosen_options,
    discount_percent,
    options_delta,
    price_for,
    read_price_change,
)
from core.roles import Role
from core.stages import EDITABLE_STAGES, Stage
from core.views import OrderCard, order_card

NO_CHANGE: Any = object()


async def add_line(
    db: Database,
    *,
    actor_id: int,
    order_id: int,
    item_id: int,
    quantity: Decimal | int | str,
    required_by: date,
    now: datetime,
    options: Mapping[str, str] | None = None,
    price: Decimal | int | str | None = None,
    price_reason: str | None = None,
    expected_version: int | None = None,
) -> OrderCard:
    """Add a line to a request.

    Rules:
    - only in `request`, by its responsible manager or a head of sales;
    - an item that exists, a positive quantity (whole for items counted in pieces),
      a required-by date from today (in the manager's time zone) on;
    - every configuration option of the item chosen, with a value it has;
    - the price comes from the counterparty's price list in force today, else the base list,
      plus the options (`core.pricing`); a price named otherwise is a discount or mark-up the
      person's role must allow, with a reason (`price_reason`);
    - the order number is written on the line; the order's total follows.
    """
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        order = await _editable_order(session, order_id, actor, expected_version)
        item = await _item(session, item_id)
        line = OrderLine(
            order_id=order.id,
            order_number=order.number,
            item=item,
            item_id=item.id,
            position=max((existing.position for existing in order.lines), default=0) + 1,
        )
        today = validation.local_today(now, actor.time_zone)
        await _fill(
            session,
            line,
            order,
            actor,
            item=item,
            quantity=quantity,
            required_by=required_by,
            options=options or {},
            price=price,
            price_reason=price_reason,
            today=today,
        )
        order.lines.append(line)
        _retotal(order)
        record(session, order, kind=ActivityKind.LINE_ADDED, actor_id=actor.id, now=now, details=_line_details(line))
        announce(session, _line_changed(order, line, ActivityKind.LINE_ADDED), order=order, actor_id=actor.id, now=now)
        await session.flush()
        return await order_card(session, order, actor)


async def update_line(
    db: Database,
    *,
    actor_id: int,
    order_id: int,
    line_id: int,
    now: datetime,
    quantity: Decimal | int | str = NO_CHANGE,
    required_by: date = NO_CHANGE,
    options: Mapping[str, str] = NO_CHANGE,
    price: Decimal | int | str | None = NO_CHANGE,
    price_reason: str | None = None,
    expected_version: int | None = None,
) -> OrderCard:
    """Change a line's quantity, date, configuration or price (the same rules as adding it); a price
    agreed by hand stays agreed through other changes."""
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        order = await _editable_order(session, order_id, actor, expected_version)
        line = _line(order, line_id)
        before = _line_details(line)
        today = validation.local_today(now, actor.time_zone)
        current_options = {row["option"]: row["value"] for row in line.options}
        await _fill(
            session,
            line,
            order,
            actor,
            item=await _item(session, line.item_id),
            quantity=line.quantity if quantity is NO_CHANGE else quantity,
            required_by=line.required_by if required_by is NO_CHANGE else required_by,
            options=current_options if options is NO_CHANGE else options,
            price=(line.price if line.price_overridden else None) if price is NO_CHANGE else price,
            price_reason=price_reason,
            today=today,
            keep_past_date=required_by is NO_CHANGE,
        )
        after = _line_details(line)
        changed = {key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]}
        if not changed:
            return await order_card(session, order, actor)
        _retotal(order)
        record(
            session,
            order,
            kind=ActivityKind.LINE_UPDATED,
            actor_id=actor.id,
            now=now,
            details={"position": line.position, "item": line.item.code, "changes": changed},
        )
        announce(
            session, _line_changed(order, line, ActivityKind.LINE_UPDATED), order=order, actor_id=actor.id, now=now
        )
        await session.flush()
        return await order_card(session, order, actor)


async def remove_line(
    db: Database, *, actor_id: int, order_id: int, line_id: int, now: datetime, expected_version: int | None = None
) -> OrderCard:
    """Remove a line from a request; the positions of the others stay as they were."""
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        order = await _editable_order(session, order_id, actor, expected_version)
        line = _line(order, line_id)
        details = _line_details(line)
        order.lines.remove(line)
        _retotal(order)
        record(session, order, kind=ActivityKind.LINE_REMOVED, actor_id=actor.id, now=now, details=details)
        announce(
            session, _line_changed(order, line, ActivityKind.LINE_REMOVED), order=order, actor_id=actor.id, now=now
        )
        await session.flush()
        return await order_card(session, order, actor)


async def _editable_order(session: AsyncSession, order_id: int, actor: Person, expected_version: int | None) -> Order:
    order = await order_for_change(session, order_id, actor, expected_version=expected_version)
    ensure_may_edit(actor, order)
    if Stage(order.stage) not in EDITABLE_STAGES:
        raise DomainError(ErrorCode.LINES_LOCKED, number=order.number, stage=order.stage)
    await session.refresh(order, ["lines"])
    return order


async def _item(session: AsyncSession, item_id: int) -> Item:
    item = await session.get(Item, item_id, options=[with_options()], populate_existing=True)
    if item is None:
        raise NotFound(ErrorCode.ITEM_NOT_FOUND, value=str(item_id))
    return item


def _line(order: Order, line_id: int) -> OrderLine:
    for line in order.lines:
        if line.id == line_id:
            return line
    raise NotFound(ErrorCode.LINE_NOT_FOUND, number=order.number, value=str(line_id))


async def _fill(
    session: AsyncSession,
    line: OrderLine,
    order: Order,
    actor: Person,
    *,
    item: Item,
    quantity: Decimal | int | str,
    required_by: date,
    options: Mapping[str, str],
    price: Decimal | int | str | None,
    today: date,
    price_reason: str | None = None,
    keep_past_date: bool = False,
    limits: Mapping[Role, Decimal] = DISCOUNT_LIMITS,
) -> None:
    """Check every value first, then write them all: a refusal leaves the line as it was."""
    checked_quantity = validation.quantity(quantity, whole=item.whole_units, unit=item.unit)
    checked_date = required_by if keep_past_date else validation.required_by(required_by, today=today)
    chosen = chosen_options(item, options)
    listed = await price_for(session, item, counterparty_id=order.counterparty_id, currency=order.currency, on=today)
    list_unit_price = listed.price + options_delta(chosen)
    unit_price = list_unit_price
    manual = False
    if price is not None:
        named = validation.price(price)
        kept = line.price_overridden and named == line.price
        if named != list_unit_price and not kept:
            check_manual_price(actor, list_unit_price=list_unit_price, unit_price=named, limits=limits)
            reason = validation.clean(price_reason)
            if not reason:
                raise DomainError(ErrorCode.PRICE_REASON_REQUIRED)
            line.price_set_by, line.price_reason = actor, reason[:500]
        unit_price, manual = named, named != list_unit_price
    line.quantity = checked_quantity
    line.required_by = checked_date
    line.options = chosen
    line.price = unit_price
    line.price_overridden = manual
    line.list_price = list_unit_price
    line.price_source = PriceSource.MANUAL if manual else listed.source
    line.price_list_name = None if manual or listed.source is PriceSource.BASE else listed.list_name
    if not manual:
        line.price_set_by, line.price_reason = None, None
    line.amount = round_money(unit_price * checked_quantity)
    line.planned_cost = round_money(item.standard_cost * checked_quantity)


async def set_line_price(
    db: Database,
    *,
    actor_id: int,
    order_id: int,
    line_id: int,
    change: PriceChange | str,
    now: datetime,
    expected_version: int | None = None,
    limits: Mapping[Role, Decimal] = DISCOUNT_LIMITS,
) -> OrderCard:
    """Set a line's price by hand: a discount in percent off its list price, or a new unit price.

    Rules:
    - those of editing a line (only in `request`, by its manager or a head of sales);
    - a reason is required; typed as `-5% reason` or `2400 reason` (`core.pricing.read_price_change`);
    - the discount off the list price (the counterparty's list in force today, else the base list,
      plus the options) within the limit of the person's role (`limits`, `DISCOUNT_LIMITS` by
      default), any price for a person marked `can_override_price`; 0 % brings the list price back;
    - journalled with who, the price before and after, the discount and the reason.
    """
    wanted = read_price_change(change) if isinstance(change, str) else change
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        order = await _editable_order(session, order_id, actor, expected_version)
        line = _line(order, line_id)
        item = await _item(session, line.item_id)
        today = validation.local_today(now, actor.time_zone)
        chosen = chosen_options(item, {row["option"]: row["value"] for row in line.options})
        listed = await price_for(
            session, item, counterparty_id=order.counterparty_id, currency=order.currency, on=today
        )
        before = line.price
        await _fill(
            session,
            line,
            order,
            actor,
            item=item,
            quantity=line.quantity,
            required_by=line.required_by,
            options={row["option"]: row["value"] for row in chosen},
            price=wanted.price_from(listed.price + options_delta(chosen)),
            price_reason=wanted.reason,
            today=today,
            keep_past_date=True,
            limits=limits,
        )
        if line.price_overridden:
            line.price_set_by, line.price_reason = actor, wanted.reason[:500]
        _retotal(order)
        record(
            session,
            order,
            kind=ActivityKind.LINE_UPDATED,
            actor_id=actor.id,
            now=now,
            details={
                "position": line.position,
                "item": line.item.code,
                "changes": {"price": {"from": str(before), "to": str(line.price)}},
                "list_price": str(line.list_price),
                "discount": str(discount_of(line)),
                "reason": wanted.reason,
            },
        )
        announce(
            session, _line_changed(order, line, ActivityKind.LINE_UPDATED), order=order, actor_id=actor.id, now=now
        )
        await session.flush()
        return await order_card(session, order, actor)


def discount_of(line: OrderLine) -> Decimal:
    """The line's discount off its list price, in percent (negative: a mark-up)."""
    return discount_percent(line.list_price if line.list_price is not None else line.price, line.price)


def _retotal(order: Order) -> None:
    order.total_amount = sum((line.amount for line in order.lines), Decimal("0.00"))


def _line_changed(order: Order, line: OrderLine, change: ActivityKind) -> LineChanged:
    return LineChanged(
        change=change.value,
        position=line.position,
        item=line.item.code,
        total=order.total_amount,
        currency=order.currency,
    )


def _line_details(line: OrderLine) -> dict[str, Any]:
    return {
        "position": line.position,
        "item": line.item.code,
        "name": line.item.name,
        "quantity": str(line.quantity),
        "required_by": line.required_by.isoformat(),
        "price": str(line.price),
        "amount": str(line.amount),
        "options": [f"{row['option']}: {row['value']}" for row in line.options],
    }


@dataclass(frozen=True, slots=True)
class LineInput:
    item_id: int
    quantity: Decimal | int | str
    required_by: date
    options: Mapping[str, str] = field(default_factory=dict)
    price: Decimal | int | str | None = None
    price_reason: str | None = None


async def append_lines(
    session: AsyncSession, order: Order, actor: Person, lines: Sequence[LineInput], *, now: datetime
) -> None:
    """Add lines inside a unit of work someone else opened (a request registered with its lines at once)."""
    today = validation.local_today(now, actor.time_zone)
    for number, wanted in enumerate(lines, start=1):
        item = await _item(session, wanted.item_id)
        line = OrderLine(order_id=order.id, order_number=order.number, item=item, item_id=item.id, position=number)
        try:
            await _fill(
                session,
                line,
                order,
                actor,
                item=item,
                quantity=wanted.quantity,
                required_by=wanted.required_by,
                options=wanted.options,
                price=wanted.price,
                price_reason=wanted.price_reason,
                today=today,
            )
        except DomainError as refusal:
            refusal.params.setdefault("line", number)
            raise
        order.lines.append(line)
        record(session, order, kind=ActivityKind.LINE_ADDED, actor_id=actor.id, now=now, details=_line_details(line))
    _retotal(order)
