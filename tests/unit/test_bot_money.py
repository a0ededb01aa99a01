"""The money screens without a bot: worst-case contexts for the shipment screen, /pay and the card's schedule,
and the button data of the shipment screen within Telegram's 64 bytes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bot.callbacks import MAX_BYTES, Prefix, pack
from core.payment_schedule import PaymentState
from core.use_cases.payments import InvoiceIssued, PaymentRecorded
from core.use_cases.shipments import ShipmentScreen, ShippableLine
from core.views import PaymentRowView
from templates import render

LONG_CODE = "ВР-300-45-3.15-УХЛ1-IP54-" + "Ж" * 25
BIG = Decimal("999999999.999")
MONEY = Decimal("9999999999999.99")


def shippable(position: int) -> ShippableLine:
    return ShippableLine(position * 1000, position, LONG_CODE, "Ж" * 300, "кг", False, BIG, BIG, BIG, BIG, BIG)


def schedule(rows: int = 6) -> tuple[PaymentRowView, ...]:
    return tuple(
        PaymentRowView(n, "shipment", 365, Decimal("33.33"), MONEY, date(2026, 12, 31) if n % 2 else None, MONEY)
        for n in range(1, rows + 1)
    )


def invoiced(*, shipment_id: int | None) -> InvoiceIssued:
    return InvoiceIssued(
        invoice_id=1,
        number="СЧ-999999",
        order_number="ЗС-2026/000000123",
        shipment_id=shipment_id,
        amount=MONEY,
        currency="RUB",
        issued_on=date(2026, 12, 31),
    )


def paid(**changes: Any) -> PaymentRecorded:
    values: dict[str, Any] = dict(payment_id=1, number="ЗС-999999", amount=MONEY, allocated=MONEY, credit=MONEY,
                                  outstanding=MONEY, state=PaymentState.PARTLY_PAID, paid_on=date(2026, 12, 1),
                                  currency="RUB", closed=True)  # fmt: skip
    return PaymentRecorded(**{**values, **changes})


def money_contexts(card: Any) -> dict[str, list[dict[str, Any]]]:
    """The worst cases, given the worst card of `tests.unit.test_bot_templates`."""
    screen = ShipmentScreen(card.id, card.number, card.version, tuple(shippable(n) for n in range(1, 9)))
    chosen = {str(line.line_id): "99999999999999999999" for line in screen.lines}
    with_schedule = {"card": card.__class__(**{**_fields(card), "schedule": schedule(), "payment_state": "overdue"})}
    return {
        "bot/accounting/paid.html.j2": [{"done": paid()}, {"done": paid(credit=Decimal(0), closed=False, state=None)}],
        "bot/accounting/pay_usage.html.j2": [{}],
        "bot/accounting/invoice_usage.html.j2": [{}],
        "bot/accounting/invoiced.html.j2": [{"done": invoiced(shipment_id=None)}, {"done": invoiced(shipment_id=9)}],
        "bot/details/shipment.html.j2": [{"card": card, "screen": screen, "chosen": chosen}],
        "bot/details/shipment_label.html.j2": [
            {"which": "all", "line": 300, "quantity": BIG},
            {"which": "type", "line": 300},
            {"which": "confirm"},
            {"which": "qty"},
        ],
        "bot/details/shipment_prompt.html.j2": [{"number": "ЗС-999999"}],
        "bot/details/payment_schedule.html.j2": [with_schedule],
    }


def _fields(card: Any) -> dict[str, Any]:
    return {name: getattr(card, name) for name in card.__dataclass_fields__}


def test_the_shipment_screens_buttons_fit_telegrams_64_bytes() -> None:
    for extra in (("a", 99999999), ("t", 99999999), ("y",)):
        assert len(pack(Prefix.ORDER, 99999999, 99999, "ship", *extra).encode()) <= MAX_BYTES


def test_the_payment_block_puts_the_state_and_each_row_on_a_line_of_its_own() -> None:
    from tests.unit.test_bot_templates import CARD  # here: that module imports this one for its contexts

    card = CARD.__class__(**{**_fields(CARD), "schedule": schedule(rows=2), "payment_state": "unpaid"})
    text = render("bot/details/payment_schedule.html.j2", lang="ru", card=card)
    lines = text.splitlines()
    assert lines[0] == "Оплата: <b>не поступала</b>"
    assert [line.split(".")[0] for line in lines[1:]] == ["1", "2"]
