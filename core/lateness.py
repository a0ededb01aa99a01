"""Whether an order's lines are late: the rule every front end shows, written once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from core.models import ProductionState
from core.views import LineView


def is_late(line: LineView, *, today: date) -> bool:
    """The required-by date has passed (the reader's today) and the line is not made yet."""
    return line.required_by < today and line.production_state != ProductionState.DONE


@dataclass(frozen=True, slots=True)
class LineProgress:
    line: LineView
    late: bool


@dataclass(frozen=True, slots=True)
class OrderProgress:
    """How production of an order goes: each line with whether it is late, and the counts."""

    rows: tuple[LineProgress, ...]
    made: int
    late: int


def order_progress(lines: Iterable[LineView], *, today: date) -> OrderProgress:
    rows = tuple(LineProgress(line, late=is_late(line, today=today)) for line in lines)
    made = sum(1 for row in rows if row.line.production_state == ProductionState.DONE)
    return OrderProgress(rows=rows, made=made, late=sum(1 for row in rows if row.late))
