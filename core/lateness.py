"""Whether an order's lines are late, and how its production goes: the rule every front end shows, written once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from core.models import ProductionState
from core.production import Risk, line_risk, order_state
from core.production import is_late as late_by_dates
from core.views import LineView


@dataclass(frozen=True, slots=True)
class LinePlan:
    """What the MPS holds for a line: the quantity planned and the latest planned date (its expected finish)."""

    planned: Decimal
    expected_finish: date | None


def is_late(line: LineView, *, today: date, expected_finish: date | None = None) -> bool:
    """Not made yet, and the required-by date has passed (the reader's today) or the expected finish is after it."""
    done = line.production_state == ProductionState.DONE
    return late_by_dates(required_by=line.required_by, expected_finish=expected_finish, done=done, today=today)


@dataclass(frozen=True, slots=True)
class LineProgress:
    line: LineView
    late: bool
    planned: Decimal = Decimal(0)
    expected_finish: date | None = None
    risk: str = Risk.NONE.value

    @property
    def percent(self) -> int:
        """Made of ordered, in whole percent (rounded down, so 100 means made)."""
        if not self.line.quantity:
            return 0
        return int((self.line.produced_quantity * 100 / self.line.quantity).to_integral_value(rounding=ROUND_DOWN))


@dataclass(frozen=True, slots=True)
class OrderProgress:
    """How production of an order goes: each line with whether it is late, the counts, the costs and its state."""

    rows: tuple[LineProgress, ...]
    made: int
    late: int
    planned_cost: Decimal = Decimal(0)
    actual_cost: Decimal = Decimal(0)
    state: str = ProductionState.NOT_PLANNED.value
    at_risk: int = 0

    @property
    def cost_percent(self) -> Decimal | None:
        """The actual cost as a share of the planned cost, to a tenth of a percent; None with no planned cost."""
        if not self.planned_cost:
            return None
        share = self.actual_cost * 100 / self.planned_cost
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def order_progress(
    lines: Iterable[LineView], *, today: date, plans: Mapping[int, LinePlan] | None = None
) -> OrderProgress:
    """The progress of these lines; `plans` (by line id) adds what the MPS holds for each."""
    plans = plans or {}
    rows = []
    for line in lines:
        plan = plans.get(line.id, LinePlan(Decimal(0), None))
        risk = line_risk(
            quantity=line.quantity,
            produced=line.produced_quantity,
            required_by=line.required_by,
            expected_finish=plan.expected_finish,
            today=today,
        )
        late = is_late(line, today=today, expected_finish=plan.expected_finish)
        rows.append(LineProgress(line, late, plan.planned, plan.expected_finish, risk.value))
    made = sum(1 for row in rows if row.line.production_state == ProductionState.DONE)
    return OrderProgress(
        rows=tuple(rows),
        made=made,
        late=sum(1 for row in rows if row.late),
        planned_cost=sum((row.line.planned_cost for row in rows), Decimal(0)),
        actual_cost=sum((row.line.actual_cost or Decimal(0) for row in rows), Decimal(0)),
        state=order_state(row.line.production_state for row in rows).value,
        at_risk=sum(1 for row in rows if row.risk == Risk.AT_RISK),
    )
