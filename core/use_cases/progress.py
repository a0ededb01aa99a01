"""Production progress: the planner records what was made of a line and its cost, one by one or a file at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import acting_person
from core.csv_table import RowError
from core.db import Database
from core.errors import DomainError, ErrorCode, NotFound
from core.events import LineProduced, OrderProduced
from core.journal import ActivityKind, announce, record
from core.models import MpsEntry, MpsEntryState, Order, OrderLine, Person, ProductionRecord, ProductionState
from core.policy import Action
from core.production import Risk, line_state, moved, order_state
from core.progress_csv import ProgressRow
from core.stages import Stage
from core.use_cases.mps import ensure_planner, lock_mps

CENT = Decimal("0.01")
MILLI = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class ProgressRecorded:
    """A line after its progress was recorded: made of planned and of ordered, the cost so far, its state."""

    order_id: int
    number: str
    version: int
    position: int
    item_code: str
    unit: str
    quantity: Decimal
    planned: Decimal
    produced: Decimal
    actual_cost: Decimal
    planned_cost: Decimal
    state: ProductionState
    line_done: bool  # made by this recording
    order_done: bool  # every line of the order made by this recording: ready to ship


@dataclass(frozen=True, slots=True)
class ImportedProgress:
    rows: int
    lines_done: int
    orders_done: tuple[str, ...]
    results: tuple[ProgressRecorded, ...]


class ProgressImportRefused(DomainError):
    """Some rows of a progress file are wrong: nothing was imported; `errors` names every bad row."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = tuple(sorted(errors, key=lambda error: error.row))
        super().__init__(
            ErrorCode.PROGRESS_IMPORT_REFUSED,
            count=len(self.errors),
            rows=", ".join(str(error.row) for error in self.errors[:20]),
        )


async def record_progress(
    db: Database,
    *,
    actor_id: int,
    line_no: int,
    produced: Decimal | int | str,
    actual_cost: Decimal | int | str = 0,
    now: datetime,
    order_id: int | None = None,
    number: str | None = None,
) -> ProgressRecorded:
    """The planner records what was made of an order's line since the last time, and what it cost.

    Rules:
    - only planners record progress, only on orders in `execution`, only on a line planned in
      the MPS (an entry exists);
    - `produced` is added to what was made, `actual_cost` to what it cost: neither is negative,
      not both zero; a quantity in whole units (pieces) is whole, at most 3 decimal places, a cost
      at most 2;
    - nothing is made beyond what is planned: more than the entries' remaining quantity is refused
      (plan the difference first, by replenishing the MPS);
    - the quantity fills the line's entries in the order of their planned dates; each recording is
      kept (`ProductionRecord`) for the digest;
    - the line's production state follows (`core.production`); a line made is no longer at risk;
    - the order's journal records it; a line made is announced (`LineProduced`), and when every line
      of the order is made, the order too (`OrderProduced`: ready to ship).
    """
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        ensure_planner(actor)
        await lock_mps(session, exclusive=False)
        order = await _order(session, order_id=order_id, number=number)
        return await _apply(session, actor, order, line_no=line_no, produced=produced, cost=actual_cost, now=now)


async def import_progress(
    db: Database,
    *,
    actor_id: int,
    rows: Sequence[ProgressRow],
    now: datetime,
    bad_rows: Sequence[RowError] = (),
) -> ImportedProgress:
    """Record the progress of every row (as `record_progress` would, in the file's order), or of none.

    Rules: those of `record_progress`, row by row, in one unit of work; a row that breaks one is
    reported with its row number and reason, and so is every other bad row (`bad_rows`, those the
    parser refused, included): any bad row and nothing is imported (`ProgressImportRefused`).
    """
    errors = list(bad_rows)
    results: list[ProgressRecorded] = []
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        ensure_planner(actor)
        await lock_mps(session, exclusive=False)
        orders: dict[str, Order] = {}
        for row in rows:
            try:
                order = orders.get(row.number) or await _order(session, order_id=None, number=row.number)
                orders[row.number] = order
                found = await _apply(
                    session, actor, order, line_no=row.line_no, produced=row.produced, cost=row.cost, now=now
                )
            except DomainError as error:
                errors.append(RowError(row.row, error.code, error.params))
            else:
                results.append(found)
        if errors:
            raise ProgressImportRefused(errors)
    return ImportedProgress(
        rows=len(results),
        lines_done=sum(1 for r in results if r.line_done),
        orders_done=tuple(r.number for r in results if r.order_done),
        results=tuple(results),
    )


async def _order(session: AsyncSession, *, order_id: int | None, number: str | None) -> Order:
    """The order, locked until commit (planners see every order)."""
    query = select(Order).with_for_update(of=Order)
    typed = (number or "").strip().upper()
    query = query.where(Order.id == order_id) if order_id is not None else query.where(Order.number == typed)
    order = await session.scalar(query)
    if order is None:
        raise NotFound(ErrorCode.ORDER_NOT_FOUND, number=typed)
    return order


async def _apply(
    session: AsyncSession,
    actor: Person,
    order: Order,
    *,
    line_no: int,
    produced: Decimal | int | str,
    cost: Decimal | int | str,
    now: datetime,
) -> ProgressRecorded:
    """Check everything first, then change: a refusal leaves the session as it was."""
    if order.stage != Stage.EXECUTION:
        raise DomainError(ErrorCode.WRONG_STAGE, number=order.number, action=Action.PROGRESS.value, stage=order.stage)
    line = next((line for line in order.lines if line.position == line_no), None)
    if line is None:
        raise NotFound(ErrorCode.LINE_NOT_FOUND, number=order.number, line=line_no)
    made = _produced(produced, whole=line.item.whole_units, unit=line.item.unit)
    spent = _cost(cost)
    if not made and not spent:
        raise DomainError(ErrorCode.PROGRESS_EMPTY, number=order.number, line=line_no)
    entries = list(
        await session.scalars(
            select(MpsEntry).where(MpsEntry.line_id == line.id).order_by(MpsEntry.planned_date, MpsEntry.id)
        )
    )
    if not entries:
        raise DomainError(ErrorCode.LINE_NOT_PLANNED, number=order.number, line=line_no)
    planned = sum((entry.planned_quantity for entry in entries), Decimal(0))
    remaining = planned - line.produced_quantity
    if made > remaining:
        raise DomainError(
            ErrorCode.PRODUCED_OVER_PLANNED,
            number=order.number,
            line=line_no,
            value=str(made),
            planned=str(planned),
            produced=str(line.produced_quantity),
            remaining=str(max(remaining, Decimal(0))),
        )
    today = validation.local_today(now, actor.time_zone)
    _fill(session, entries, made=made, cost=spent, today=today, now=now, actor_id=actor.id)
    was_done = line.production_state == ProductionState.DONE
    line.produced_quantity += made
    line.actual_cost = (line.actual_cost or Decimal(0)) + spent
    state = moved(
        line.production_state, line_state(quantity=line.quantity, planned=planned, produced=line.produced_quantity)
    )
    line.production_state = state
    if state is ProductionState.DONE:
        line.production_risk = Risk.NONE.value
    details = {
        "position": line.position,
        "item": line.item.code,
        "produced": str(made),
        "cost": str(spent),
        "total": str(line.produced_quantity),
        "quantity": str(line.quantity),
    }
    record(session, order, kind=ActivityKind.PRODUCTION_RECORDED, actor_id=actor.id, now=now, details=details)
    line_done = state is ProductionState.DONE and not was_done
    order_done = line_done and order_state(other.production_state for other in order.lines) is ProductionState.DONE
    _announce(session, order, line, line_done=line_done, order_done=order_done, actor_id=actor.id, now=now)
    return ProgressRecorded(
        order_id=order.id,
        number=order.number,
        version=order.version,
        position=line.position,
        item_code=line.item.code,
        unit=line.item.unit,
        quantity=line.quantity,
        planned=planned,
        produced=line.produced_quantity,
        actual_cost=line.actual_cost,
        planned_cost=line.planned_cost,
        state=state,
        line_done=line_done,
        order_done=order_done,
    )


def _produced(value: Decimal | int | str, *, whole: bool, unit: str) -> Decimal:
    number = validation.parse_decimal(value)
    if number is None:
        raise DomainError(ErrorCode.QUANTITY_NOT_A_NUMBER, value=str(value)[:50])
    if number < 0:
        raise DomainError(ErrorCode.PRODUCED_NEGATIVE, value=str(number))
    if number > validation.MAX_QUANTITY:
        raise DomainError(ErrorCode.QUANTITY_TOO_LARGE, value=str(number)[:40], maximum=str(validation.MAX_QUANTITY))
    if whole and number != number.to_integral_value():
        raise DomainError(ErrorCode.QUANTITY_NOT_WHOLE, value=str(number), unit=unit)
    if number != number.quantize(MILLI):
        raise DomainError(ErrorCode.QUANTITY_TOO_PRECISE, value=str(number))
    return number.quantize(MILLI)


def _cost(value: Decimal | int | str) -> Decimal:
    number = validation.parse_decimal(value)
    if number is None or number < 0 or number > validation.MAX_PRICE or number != number.quantize(CENT):
        raise DomainError(ErrorCode.COST_INVALID, value=str(value)[:50])
    return number.quantize(CENT)


def _fill(
    session: AsyncSession,
    entries: list[MpsEntry],
    *,
    made: Decimal,
    cost: Decimal,
    today: date,
    now: datetime,
    actor_id: int,
) -> None:
    """Fill the entries in turn with what was made; the cost goes with the first entry filled (or, for a cost
    alone, the last entry something was made of, else the first)."""
    left, touched = made, []
    for entry in entries:
        take = min(left, entry.planned_quantity - entry.produced_quantity)
        if take > 0:
            entry.produced_quantity += take
            left -= take
            touched.append((entry, take))
        entry.state = (
            MpsEntryState.DONE
            if entry.produced_quantity >= entry.planned_quantity
            else MpsEntryState.IN_PROGRESS
            if entry.produced_quantity > 0
            else MpsEntryState.PLANNED
        )
    if not touched:
        begun = [entry for entry in entries if entry.produced_quantity > 0]
        touched = [((begun or entries)[-1 if begun else 0], Decimal(0))]
    for number, (entry, take) in enumerate(touched):
        share = cost if number == 0 else Decimal(0)
        entry.actual_cost += share
        session.add(
            ProductionRecord(entry_id=entry.id, produced=take, cost=share, on_date=today, at=now, actor_id=actor_id)
        )


def _announce(
    session: AsyncSession,
    order: Order,
    line: OrderLine,
    *,
    line_done: bool,
    order_done: bool,
    actor_id: int,
    now: datetime,
) -> None:
    if line_done:
        fact = LineProduced(
            position=line.position,
            item=line.item.code,
            quantity=line.quantity,
            actual_cost=line.actual_cost,
            planned_cost=line.planned_cost,
            currency=order.currency,
        )
        announce(session, fact, order=order, actor_id=actor_id, now=now)
    if order_done:
        actual = sum((other.actual_cost or Decimal(0) for other in order.lines), Decimal(0))
        planned = sum((other.planned_cost for other in order.lines), Decimal(0))
        done = OrderProduced(
            responsible_id=order.responsible_id, actual_cost=actual, planned_cost=planned, currency=order.currency
        )
        announce(session, done, order=order, actor_id=actor_id, now=now)
