"""Shipping an order, in parts or at once: what may leave now, and the shipment itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import acting_person, ensure_may_make, order_for_change, order_to_read
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.events import OrderClosed, OrderShipped
from core.journal import ActivityKind, announce, record
from core.lifecycle import change_stage
from core.models import MpsEntry, Order, OrderLine, PaymentBasis, Shipment, ShipmentLine, StockBalance
from core.models.base import summed
from core.money import round_money
from core.payment_schedule import date_rows, fully_paid, make_schedule
from core.stages import Stage, Verb
from core.stock import ZERO, consume_reserved, locked_balances, reserved_by_line
from core.views import OrderCard, order_card


@dataclass(frozen=True, slots=True)
class ShippableLine:
    """A line as the shipment screen shows it: what is left to ship, and what may leave now."""

    line_id: int
    position: int
    item_code: str
    item_name: str
    unit: str
    whole_units: bool
    ordered: Decimal
    shipped: Decimal
    produced: Decimal  # made for the line (its MPS entries) and not shipped yet
    reserved: Decimal  # stock held for the line since it entered execution (`core.stock`)
    free_stock: Decimal  # the item's on hand less reserved, over every warehouse, never below zero

    @property
    def left(self) -> Decimal:
        return max(self.ordered - self.shipped, Decimal(0))

    @property
    def available(self) -> Decimal:
        """What may leave now: the line's reserved stock, the made not shipped yet, free stock; at most what is left."""
        return min(self.left, self.reserved + self.produced + self.free_stock)

    @property
    def in_stock(self) -> Decimal:
        return self.reserved + self.free_stock


@dataclass(frozen=True, slots=True)
class ShipmentScreen:
    order_id: int
    number: str
    version: int
    lines: tuple[ShippableLine, ...]


@dataclass(frozen=True, slots=True)
class ShipmentDone:
    """The shipment made: `fully` when the order is now «Отгружен», `closed` when it also closed by itself."""

    shipment_id: int
    shipped_on: date
    amount: Decimal
    fully: bool
    closed: bool
    card: OrderCard


async def shipment_screen(db: Database, *, viewer_id: int, order_id: int) -> ShipmentScreen:
    """What each line of the order may ship now; only for whoever may ship the order (its stage and their role)."""
    async with db.unit_of_work() as session:
        viewer = await acting_person(session, viewer_id)
        order = await order_to_read(session, viewer, order_id=order_id, number=None)
        ensure_may_make(viewer, Verb.SHIP, order)
        lines = await shippable(session, order)
        return ShipmentScreen(order_id=order.id, number=order.number, version=order.version, lines=lines)


async def ship(
    db: Database,
    *,
    actor_id: int,
    order_id: int,
    quantities: Mapping[int, Decimal | int | str],
    now: datetime,
    expected_version: int | None = None,
) -> ShipmentDone:
    """Ship some quantity of some lines (by line id); a zero ships nothing of that line.

    Rules:
    - only from `execution`, by whoever may ship it (its manager, a head of sales);
    - each quantity is a valid quantity of its item; something must be shipped;
    - never more than is left of a line (ordered less shipped), nor more than may leave now: the stock
      held for the line, what was made for it (its MPS entries) and not shipped yet, and the item's free
      stock; both refusals say the numbers;
    - the item's free stock is read with its balances locked (`core.stock`), so two shipments at once
      never both count the same free unit, and lines of one item share it in the order of the lines;
    - a line ships first from its reserved stock, then from production, then from free stock; what
      leaves from stock is taken off the warehouses' balances, and when they fall short nothing ships;
    - when every line is fully shipped the order is «Отгружен», its shipment-based payment rows fall due
      from today, and an order already paid in full closes by itself.
    """
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        order = await order_for_change(session, order_id, actor, expected_version=expected_version)
        ensure_may_make(actor, Verb.SHIP, order)
        await session.refresh(order, ["lines"])
        today = validation.local_today(now, actor.time_zone)
        asked = _asked(order, quantities)
        # Locked before the free stock is read: a shipment running at once waits, then sees what it took.
        balances = await locked_balances(session, (line.item_id for line in order.lines))
        lines = {line.line_id: line for line in await shippable(session, order)}
        _check(order, lines, asked)
        shipment = Shipment(order_id=order.id, shipped_on=today, amount=Decimal(0), created_at=now, actor_id=actor.id)
        by_id = {line.id: line for line in order.lines}
        for line_id, quantity in asked.items():
            line = by_id[line_id]
            from_stock = await _take_from_stock(session, order, line, lines[line_id], quantity, balances=balances)
            shipment.lines.append(ShipmentLine(line_id=line_id, quantity=quantity, from_stock=from_stock))
            shipment.amount += round_money(quantity * line.price)
            line.shipped_quantity += quantity
        session.add(shipment)
        await session.flush()
        details = {
            "shipment": shipment.id,
            "lines": {str(by_id[i].position): str(q) for i, q in asked.items()},
            "amount": str(shipment.amount),
        }
        record(session, order, kind=ActivityKind.SHIPPED, actor_id=actor.id, now=now, details=details)
        fully = all(line.shipped_quantity >= line.quantity for line in order.lines)
        fact = OrderShipped(
            shipment_id=shipment.id,
            fully=fully,
            amount=shipment.amount,
            currency=order.currency,
            responsible_id=order.responsible_id,
        )
        closed = False
        if not fully:
            announce(session, fact, order=order, actor_id=actor.id, now=now)
        else:
            rows = await make_schedule(session, order, today=today, now=now)
            date_rows(rows, PaymentBasis.SHIPMENT, on=today)
            change_stage(session, order, Verb.SHIP, actor_id=actor.id, now=now, fact=fact)
            closed = close_if_settled(session, order, fully_paid(rows), actor_id=actor.id, now=now)
        await session.flush()
        card = await order_card(session, order, actor, now=now)
        return ShipmentDone(
            shipment_id=shipment.id,
            shipped_on=today,
            amount=shipment.amount,
            fully=fully,
            closed=closed,
            card=card,
        )


def close_if_settled(session: AsyncSession, order: Order, paid: bool, *, actor_id: int | None, now: datetime) -> bool:
    """A shipped order paid in full closes by itself; True when it did."""
    if order.stage != Stage.SHIPPED or not paid:
        return False
    fact = OrderClosed(automatic=True, responsible_id=order.responsible_id)
    details = {"automatic": True}
    change_stage(
        session, order, Verb.CLOSE, actor_id=actor_id, now=now, kind=ActivityKind.CLOSED, details=details, fact=fact
    )
    return True


async def shippable(session: AsyncSession, order: Order) -> tuple[ShippableLine, ...]:
    """Each line with what was made for it and not shipped, the stock held for it, and its item's free stock."""
    line_ids = [line.id for line in order.lines]
    held = await reserved_by_line(session, order.id)
    from_stock: dict[int, Decimal] = {
        line_id: quantity
        for line_id, quantity in (
            await session.execute(
                select(ShipmentLine.line_id, summed(ShipmentLine.from_stock, scale=3))
                .where(ShipmentLine.line_id.in_(line_ids))
                .group_by(ShipmentLine.line_id)
            )
        ).all()
    }
    produced: dict[int, Decimal] = {
        line_id: quantity
        for line_id, quantity in (
            await session.execute(
                select(MpsEntry.line_id, summed(MpsEntry.produced_quantity, scale=3))
                .where(MpsEntry.line_id.in_(line_ids))
                .group_by(MpsEntry.line_id)
            )
        ).all()
    }
    items = {line.item_id for line in order.lines}
    stock: dict[int, Decimal] = {
        item_id: quantity
        for item_id, quantity in (
            await session.execute(
                select(StockBalance.item_id, summed(StockBalance.on_hand - StockBalance.reserved, scale=3))
                .where(StockBalance.item_id.in_(items))
                .group_by(StockBalance.item_id)
            )
        ).all()
    }
    return tuple(
        ShippableLine(
            line_id=line.id,
            position=line.position,
            item_code=line.item.code,
            item_name=line.item.name,
            unit=line.item.unit,
            whole_units=line.item.whole_units,
            ordered=line.quantity,
            shipped=line.shipped_quantity,
            # Shipped from production so far: the shipped quantity less what came out of stock.
            produced=max(
                Decimal(produced.get(line.id, 0)) - (line.shipped_quantity - from_stock.get(line.id, Decimal(0))),
                Decimal(0),
            ),
            reserved=held.get(line.id, Decimal(0)),
            free_stock=max(Decimal(stock.get(line.item_id, 0)), Decimal(0)),
        )
        for line in order.lines
    )


def _asked(order: Order, quantities: Mapping[int, Decimal | int | str]) -> dict[int, Decimal]:
    """The quantities asked for, read and checked as quantities of their items; zeros dropped; in the
    order of the lines."""
    by_id = {line.id: line for line in order.lines}
    asked: dict[int, Decimal] = {}
    for line_id, value in quantities.items():
        line = by_id.get(line_id)
        if line is None:
            raise DomainError(ErrorCode.LINE_NOT_FOUND, number=order.number, line=line_id)
        if validation.parse_decimal(value) == 0:
            continue
        asked[line_id] = validation.quantity(value, whole=line.item.whole_units, unit=line.item.unit)
    if not asked:
        raise DomainError(ErrorCode.NOTHING_TO_SHIP, number=order.number)
    return dict(sorted(asked.items(), key=lambda asked_line: by_id[asked_line[0]].position))


def _check(order: Order, lines: Mapping[int, ShippableLine], asked: Mapping[int, Decimal]) -> None:
    """Each quantity against its line; lines of one item share its free stock, the earlier line first."""
    free = {line.item_code: line.free_stock for line in lines.values()}
    for line_id, quantity in asked.items():
        line = replace(lines[line_id], free_stock=free[lines[line_id].item_code])
        _check_line(order, line, quantity)
        free[line.item_code] -= max(quantity - line.reserved - line.produced, ZERO)


def _check_line(order: Order, line: ShippableLine, quantity: Decimal) -> None:
    if quantity > line.left:
        raise DomainError(
            ErrorCode.SHIPPED_OVER_ORDERED,
            number=order.number,
            line=line.position,
            item=line.item_code,
            value=str(quantity),
            ordered=str(line.ordered),
            shipped=str(line.shipped),
            left=str(line.left),
        )
    if quantity > line.available:
        raise _over_available(order, line, quantity)


def _over_available(order: Order, line: ShippableLine, quantity: Decimal) -> DomainError:
    return DomainError(
        ErrorCode.SHIPPED_OVER_AVAILABLE,
        number=order.number,
        line=line.position,
        item=line.item_code,
        value=str(quantity),
        produced=str(line.produced),
        stock=str(line.in_stock),
        available=str(line.available),
    )


async def _take_from_stock(
    session: AsyncSession,
    order: Order,
    line: OrderLine,
    shippable_line: ShippableLine,
    quantity: Decimal,
    *,
    balances: Sequence[StockBalance],
) -> Decimal:
    """Ship `quantity` of the line: its reserved stock first, then what was produced, then free stock
    (the locked `balances`, warehouses in the order of their names); how much came out of stock.

    Refuses, and so ships nothing, when the warehouses hold less free stock than the rest needs.
    """
    reserved = await consume_reserved(session, line, quantity)
    from_free = max(quantity - reserved - shippable_line.produced, ZERO)
    left = from_free
    for balance in (b for b in balances if b.item_id == line.item_id):
        take = min(left, max(balance.on_hand - balance.reserved, ZERO))
        balance.on_hand -= take
        left -= take
    if left > 0:
        found = replace(shippable_line, reserved=reserved, free_stock=from_free - left)
        raise _over_available(order, found, quantity)
    await session.flush()
    return reserved + from_free
