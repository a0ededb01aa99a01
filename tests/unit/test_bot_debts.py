"""Debts and overdue reminders without a bot: worst-case contexts, reports that fit one message, short buttons."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bot.callbacks import MAX_BYTES, Prefix, pack
from bot.handlers.accounting.debts import DAY, PROMISE, TYPE_DAY, offered_days, overdue_text, report_text
from bot.handlers.card.screen import fits
from core.events import PaymentOverdue
from core.receivables import Ageing, CustomerDebt
from core.use_cases.debts import DebtReport
from templates import render

MONEY = Decimal("9999999999999.99")
NAME = ("<script>alert('Рога & Копыта')</script> ООО \"Ромашка\" & Co <b>" * 6)[:300]
FULL = Ageing(not_due=MONEY, d0_30=MONEY, d31_60=MONEY, d61_90=MONEY, over_90=MONEY)


def report(customers: int, *, own_only: bool = False) -> DebtReport:
    debts = tuple(CustomerDebt(n, NAME, "RUB", FULL) for n in range(customers))
    return DebtReport(today=date(2026, 12, 31), own_only=own_only, debts=debts, totals={"RUB": FULL, "USD": FULL})


def overdue(rows: int, *, escalated: bool = True) -> PaymentOverdue:
    entries = tuple(
        {"row_id": n, "number": "ЗС-999999", "due": str(MONEY), "due_date": "2026-01-01", "promised_date": "2026-12-31",
         "days": 999, "step": 14, "anchor": "2026-12-31"}
        for n in range(rows)
    )  # fmt: skip
    return PaymentOverdue(
        counterparty_id=1, counterparty=NAME, managers=(1,), escalated=escalated, total=MONEY, rows=entries
    )


def text_in(lang: str) -> Any:
    return lambda name, **context: render(name, lang=lang, **context)


DEBTS_CONTEXTS: dict[str, list[dict[str, Any]]] = {
    "bot/debts/report.html.j2": [
        {"report": report(40), "shown": 5, "weekly": True},
        {"report": report(3, own_only=True), "shown": 15},
        {"report": report(0), "shown": 15},
    ],
    "bot/debts/overdue.html.j2": [
        {"fact": overdue(40), "purpose": "overdue", "shown": 15},
        {"fact": overdue(1, escalated=False), "purpose": "escalation", "shown": 15},
    ],
    "bot/debts/label.html.j2": [
        {"which": "promise"},
        {"which": "day", "last": date(2026, 12, 31)},
        {"which": "type"},
    ],
    "bot/debts/promise_ask.html.j2": [{"customer": NAME}],
    "bot/debts/promise_prompt.html.j2": [{}],
    "bot/debts/promised.html.j2": [
        {
            "done": type(
                "Done", (), {"counterparty": NAME, "promised_date": date(2026, 12, 31), "orders": ("ЗС-999999",) * 20}
            )()
        }
    ],
}


def test_a_report_of_many_long_named_customers_is_one_message_that_counts_the_rest() -> None:
    for lang in ("ru", "en"):
        text = report_text(text_in(lang), report(200))
        assert fits(text) and ("ещё" in text if lang == "ru" else "more customers" in text)


def test_an_overdue_reminder_of_many_rows_is_one_message_that_counts_the_rest() -> None:
    for lang in ("ru", "en"):
        text = overdue_text(text_in(lang), overdue(300), "overdue")
        assert fits(text) and "ЗС-999999" in text


def test_the_promise_buttons_fit_telegrams_64_bytes_and_offer_days_ahead() -> None:
    today = date(2026, 12, 7)
    assert offered_days(today) == [date(2026, 12, 8), date(2026, 12, 10), date(2026, 12, 14), date(2026, 12, 21)]
    for data in ((PROMISE, 999999999), (DAY, 999999999, "20261231"), (TYPE_DAY, 999999999)):
        assert len(pack(Prefix.DEBTS, *data).encode()) <= MAX_BYTES
