"""The payment schedule's rules without a database: shares to the kopeck, oldest row first, the payment state."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.models import PaymentRow
from core.payment_schedule import PaymentState, allocate, payment_state, split_amounts

TODAY = date(2026, 12, 3)


def row(position: int, amount: str, due: date | None, paid: str = "0") -> PaymentRow:
    return PaymentRow(position=position, amount=Decimal(amount), due_date=due, paid_amount=Decimal(paid))


def test_thirty_and_seventy_percent_of_a_total_split_to_the_kopeck() -> None:
    assert split_amounts(Decimal("100000.01"), [Decimal(30), Decimal(70)]) == [Decimal("30000.00"), Decimal("70000.01")]


def test_the_last_row_takes_the_remainder_of_the_rounding() -> None:
    parts = split_amounts(Decimal("100.00"), [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")])
    assert parts == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert split_amounts(Decimal("0.05"), [Decimal(50), Decimal(50)]) == [Decimal("0.03"), Decimal("0.02")]


@given(
    total=st.decimals(min_value=0, max_value=10**12, places=2),
    cuts=st.lists(st.decimals(min_value=Decimal("0.01"), max_value=99, places=2), max_size=5),
)
def test_the_rows_always_sum_exactly_to_the_total(total: Decimal, cuts: list[Decimal]) -> None:
    shares = [*cuts, Decimal(100) - sum(cuts, Decimal(0))]
    parts = split_amounts(total, shares)
    assert sum(parts, Decimal(0)) == total and all(p == p.quantize(Decimal("0.01")) for p in parts)


def test_a_payment_pays_the_row_due_first_then_the_undated_and_leaves_the_rest() -> None:
    later, first, undated = row(2, "700", date(2026, 12, 20)), row(1, "300", date(2026, 12, 1)), row(3, "100", None)
    taken = allocate(Decimal("1050"), [undated, later, first])
    assert [(r.position, amount) for r, amount in taken] == [(1, Decimal(300)), (2, Decimal(700)), (3, Decimal(50))]
    assert undated.paid_amount == Decimal(50)


def test_the_payment_state_is_unpaid_partly_paid_paid_or_overdue() -> None:
    assert payment_state([], today=TODAY) is None
    assert payment_state([row(1, "10", date(2026, 12, 3))], today=TODAY) is PaymentState.UNPAID
    assert payment_state([row(1, "10", None, "5")], today=TODAY) is PaymentState.PARTLY_PAID
    assert payment_state([row(1, "10", date(2026, 12, 2), "5")], today=TODAY) is PaymentState.OVERDUE
    assert payment_state([row(1, "10", date(2026, 12, 2), "10")], today=TODAY) is PaymentState.PAID
