"""Stock per item and warehouse: what is free, what an order holds, and what a shipment takes.

`StockBalance.reserved` is always the sum of the balance's `StockReservation` rows. Every change of
balances locks their rows first, always in the same order (item, then warehouse, then id), so two
orders entering execution at once on PostgreSQL queue up on the same rows instead of both taking the
same free unit, and never deadlock. Free stock is `on_hand − reserved`; warehouses are drawn on in
the order of their names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Order, OrderLine, StockBalance, StockReservation
from core.models.base import summed

ZERO = Decimal("0.000")


class Cover(StrEnum):
    """How a quantity stands against free stock, as a manager adding a line is told."""

    AVAILABLE = "available"  # all of it is free in stock
    PARTLY = "partly"  # some is free; the rest is to be produced
    TO_PRODUCE = "to_produce"  # none is free: all of it is to be produced


def cover(free: Decimal, quantity: Decimal) -> Cover:
    if free >= quantity:
        return Cover.AVAILABLE
    return Cover.PARTLY if free > 0 else Cover.TO_PRODUCE


@dataclass(frozen=True, slots=True)
class Reserved:
    """What an order's entering execution held: per line id, the quantity reserved (zero: none free)."""

    by_line: dict[int, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.by_line.values(), ZERO)


async def locked_balances(session: AsyncSession, item_ids: Iterable[int]) -> list[StockBalance]:
    """The items' balances, locked until commit (on PostgreSQL), in the one fixed order.

    The rows are read afresh (what committed while we waited for the lock), so the session's own
    changes are flushed first: sessions do not autoflush, and reloading a balance changed in memory
    would silently undo the change.
    """
    ids = sorted(set(item_ids))
    if not ids:
        return []
    await session.flush()
    query = (
        select(StockBalance)
        .where(StockBalance.item_id.in_(ids))
        .order_by(StockBalance.item_id, StockBalance.warehouse, StockBalance.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(await session.scalars(query))


async def reserve_for_order(session: AsyncSession, order: Order) -> Reserved:
    """Hold free stock for each line of an order entering execution (what is not free is to be produced).

    Lines are served in their order in the order, each from the warehouses in the order of their names.
    Lines already holding stock keep what they hold and are topped up to their quantity.
    """
    balances = await locked_balances(session, (line.item_id for line in order.lines))
    held = await _held(session, order.id)
    by_line: dict[int, Decimal] = {}
    for line in order.lines:
        wanted = line.quantity - sum((q for (line_id, _), q in held.items() if line_id == line.id), ZERO)
        for balance in (b for b in balances if b.item_id == line.item_id):
            if wanted <= 0:
                break
            take = min(wanted, balance.on_hand - balance.reserved)
            if take <= 0:
                continue
            balance.reserved += take
            wanted -= take
            key = (line.id, balance.id)
            if key in held:
                await _add_to(session, line.id, balance.id, take)
            else:
                session.add(StockReservation(order_id=order.id, line_id=line.id, balance_id=balance.id, quantity=take))
            held[key] = held.get(key, ZERO) + take
        by_line[line.id] = sum((q for (line_id, _), q in held.items() if line_id == line.id), ZERO)
    await session.flush()
    return Reserved(by_line)


async def release_for_order(session: AsyncSession, order: Order) -> Decimal:
    """Give back everything an order holds (it is cancelled); how much was released."""
    reservations = list(await session.scalars(select(StockReservation).where(StockReservation.order_id == order.id)))
    if not reservations:
        return ZERO
    by_id = {b.id: b for b in await locked_balances(session, (line.item_id for line in order.lines))}
    released = ZERO
    for reservation in reservations:
        balance = by_id[reservation.balance_id]
        balance.reserved -= reservation.quantity
        released += reservation.quantity
    await session.execute(delete(StockReservation).where(StockReservation.order_id == order.id))
    await session.flush()
    return released


async def consume_reserved(session: AsyncSession, line: OrderLine, quantity: Decimal) -> Decimal:
    """Take a shipped quantity of a line out of the stock reserved for it; returns how much came from stock.

    For the shipment use case, inside its unit of work: the line's reservations are drawn on (in the
    order of the warehouses' names) up to `quantity`, each lowering its balance's `on_hand` and
    `reserved` alike; a reservation used up is deleted. What the line's reservations do not cover
    (the part made by production after entering execution) is left to the caller: the result is less
    than `quantity` then. Balances are locked as in every other change of stock.
    """
    if quantity <= 0:
        return ZERO
    balances = {b.id: b for b in await locked_balances(session, [line.item_id])}
    reservations = sorted(
        await session.scalars(select(StockReservation).where(StockReservation.line_id == line.id)),
        key=lambda r: (balances[r.balance_id].warehouse, r.balance_id),
    )
    taken = ZERO
    for reservation in reservations:
        take = min(quantity - taken, reservation.quantity)
        if take <= 0:
            break
        balance = balances[reservation.balance_id]
        balance.reserved -= take
        balance.on_hand -= take
        reservation.quantity -= take
        taken += take
        if reservation.quantity == 0:
            await session.delete(reservation)
    await session.flush()
    return taken


async def reserved_by_line(session: AsyncSession, order_id: int) -> dict[int, Decimal]:
    """How much stock each line of the order holds (lines holding none are absent)."""
    rows = await session.execute(
        select(StockReservation.line_id, summed(StockReservation.quantity, scale=3))
        .where(StockReservation.order_id == order_id)
        .group_by(StockReservation.line_id)
    )
    return {line_id: quantity for line_id, quantity in rows}


async def _held(session: AsyncSession, order_id: int) -> dict[tuple[int, int], Decimal]:
    rows = await session.execute(
        select(StockReservation.line_id, StockReservation.balance_id, StockReservation.quantity).where(
            StockReservation.order_id == order_id
        )
    )
    return {(line_id, balance_id): quantity for line_id, balance_id, quantity in rows}


async def _add_to(session: AsyncSession, line_id: int, balance_id: int, quantity: Decimal) -> None:
    reservation = await session.scalar(
        select(StockReservation).where(StockReservation.line_id == line_id, StockReservation.balance_id == balance_id)
    )
    assert reservation is not None
    reservation.quantity += quantity
