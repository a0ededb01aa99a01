"""A line's production: its states and the moves between them, its risk to the required-by date, written once.

A line's state is derived from its MPS entries, never set by hand:
- made (`done`): the produced quantity reaches the line's quantity;
- in production: something is produced, not all of it;
- planned: nothing is produced yet, and the entries' planned quantity covers the line;
- not planned: otherwise (no entries, or less planned than ordered).

The moves the derivation may make are a table of their own (`TRANSITIONS`): forward as production goes,
and back only when a line grows after it was planned or made (the difference is not planned yet).
An order's production state follows its lines (`order_state`).

Risk (`line_risk`): a line not made yet is overdue once its required-by date has passed; it is at risk
when its expected finish (the latest planned date of its entries) is after the required-by date, or
when that date is near (within `near_days`, today included) and it is behind: nothing made yet, or
its expected finish has come and it is not made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypeAlias, TypeVar

from sqlalchemy import ColumnElement, Date, and_, case, literal, or_
from sqlalchemy.orm import InstrumentedAttribute

from core.models import ProductionState

T = TypeVar("T")
Sql: TypeAlias = ColumnElement[T] | InstrumentedAttribute[T]

NEAR_DAYS = 2

TRANSITIONS: Mapping[ProductionState, frozenset[ProductionState]] = {
    ProductionState.NOT_PLANNED: frozenset({ProductionState.PLANNED, ProductionState.IN_PROGRESS}),
    ProductionState.PLANNED: frozenset(
        {ProductionState.IN_PROGRESS, ProductionState.DONE, ProductionState.NOT_PLANNED}
    ),
    ProductionState.IN_PROGRESS: frozenset({ProductionState.DONE}),
    ProductionState.DONE: frozenset({ProductionState.IN_PROGRESS}),
}


class Risk(StrEnum):
    NONE = "none"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"


def line_state(*, quantity: Decimal, planned: Decimal, produced: Decimal) -> ProductionState:
    """The state a line's entries put it in (the rules above)."""
    if produced >= quantity:
        return ProductionState.DONE
    if produced > 0:
        return ProductionState.IN_PROGRESS
    if planned >= quantity:
        return ProductionState.PLANNED
    return ProductionState.NOT_PLANNED


def line_state_sql(quantity: Sql[Decimal], planned: Sql[Decimal], produced: Sql[Decimal]) -> ColumnElement[str]:
    """`line_state` as SQL, for set-based updates: the same rules, in the same order."""
    return case(
        (produced >= quantity, literal(ProductionState.DONE.value)),
        (produced > 0, literal(ProductionState.IN_PROGRESS.value)),
        (planned >= quantity, literal(ProductionState.PLANNED.value)),
        else_=literal(ProductionState.NOT_PLANNED.value),
    )


def moved(current: str, target: ProductionState) -> ProductionState:
    """The line's new state, once the table allows the move (staying put is always allowed)."""
    source = ProductionState(current)
    if target is not source and target not in TRANSITIONS[source]:
        raise ValueError(f"a line's production does not go from {source} to {target}")
    return target


def order_state(states: Iterable[str]) -> ProductionState:
    """An order's production state from its lines': made when all are, in production once any is begun,
    planned when all are planned, else not planned (an order with no lines is not planned)."""
    found = [ProductionState(state) for state in states]
    if found and all(state is ProductionState.DONE for state in found):
        return ProductionState.DONE
    if any(state in (ProductionState.IN_PROGRESS, ProductionState.DONE) for state in found):
        return ProductionState.IN_PROGRESS
    if found and all(state is ProductionState.PLANNED for state in found):
        return ProductionState.PLANNED
    return ProductionState.NOT_PLANNED


def line_risk(
    *,
    quantity: Decimal,
    produced: Decimal,
    required_by: date,
    expected_finish: date | None,
    today: date,
    near_days: int = NEAR_DAYS,
) -> Risk:
    """How the line stands against its required-by date (the rules above)."""
    if produced >= quantity:
        return Risk.NONE
    if required_by < today:
        return Risk.OVERDUE
    if expected_finish is not None and expected_finish > required_by:
        return Risk.AT_RISK
    near = (required_by - today).days <= near_days
    behind = produced <= 0 or (expected_finish is not None and expected_finish <= today)
    return Risk.AT_RISK if near and behind else Risk.NONE


def is_late(*, required_by: date, expected_finish: date | None, done: bool, today: date) -> bool:
    """Not made, and its required-by date has passed or its expected finish is after it."""
    if done:
        return False
    return required_by < today or (expected_finish is not None and expected_finish > required_by)


def is_late_sql(
    *, required_by: Sql[date], expected_finish: Sql[date], state: Sql[str], today: date
) -> ColumnElement[bool]:
    """`is_late` as SQL, for filtering a plan."""
    return and_(
        state != ProductionState.DONE.value,
        or_(required_by < literal(today, Date), expected_finish > required_by),
    )
