"""Whether a line is late, as every front end shows it: no database, no network."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from core.lateness import is_late, order_progress
from core.views import LineView

TODAY = date(2026, 12, 10)
LINE = LineView(
    id=1,
    position=1,
    item_id=7,
    item_code="ВК-100",
    item_name="Вентилятор",
    unit="шт",
    options=(),
    quantity=Decimal(10),
    required_by=date(2026, 12, 9),
    price=Decimal(4900),
    price_overridden=False,
    amount=Decimal(49000),
    planned_cost=Decimal(0),
    actual_cost=None,
    production_state="in_progress",
    produced_quantity=Decimal(3),
    shipped_quantity=Decimal(0),
)


def test_a_line_past_its_date_and_not_made_is_late() -> None:
    assert is_late(LINE, today=TODAY)


def test_a_line_due_today_is_not_late_yet() -> None:
    assert not is_late(replace(LINE, required_by=TODAY), today=TODAY)


def test_a_made_line_is_never_late() -> None:
    assert not is_late(replace(LINE, production_state="done"), today=TODAY)


def test_the_progress_of_an_order_counts_the_made_and_the_late_lines() -> None:
    lines = [LINE, replace(LINE, id=2, production_state="done"), replace(LINE, id=3, required_by=TODAY)]
    progress = order_progress(lines, today=TODAY)
    assert [row.late for row in progress.rows] == [True, False, False]
    assert (progress.made, progress.late) == (1, 1)
