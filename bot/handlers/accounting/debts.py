"""/debts, and the promise to pay recorded from an overdue reminder's button.

The reminder (`bot.notices.render`) carries «🤝 Promised to pay…»: a tap offers a few days and one to
type, like /delegate's last day. The core decides everything (`core.use_cases.overdue`): a button names
a customer and a day, both checked again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Prefix, pack
from bot.handlers.card.screen import fits
from bot.staff import Reply
from bot.typed import DATE_RETYPE, ask_typed, take_typed
from core import validation
from core.events import Event
from core.parsing import parse_date
from core.use_cases.debts import DebtReport, debts
from core.use_cases.overdue import promise_payment, promise_screen
from templates import render_plain

# What the second part of a `b:` button says.
PROMISE, DAY, TYPE_DAY = "p", "d", "t"
PROMISE_FLOW = "promise_day"  # the promised day being typed, for the customer tapped
PLACEHOLDER = "15.12"
SHOWN = 15  # customers listed in one message; the rest are counted


def button(lang: str, which: str, *data: object, **context: Any) -> InlineKeyboardButton:
    text = render_plain("bot/debts/label.html.j2", lang=lang, which=which, **context)
    return InlineKeyboardButton(text, callback_data=pack(Prefix.DEBTS, *data))


async def debts_command(reply: Reply) -> None:
    """/debts: what customers owe, aged (a manager: their own customers)."""
    report = await debts(reply.services.db, viewer_id=reply.person.id, now=reply.services.now())
    await reply.send(report_text(reply.text, report))


def report_text(text: Callable[..., str], report: DebtReport, *, weekly: bool = False) -> str:
    """The report as one message: as many customers as fit (largest overdue first), the rest counted."""
    return fitting(lambda shown: text("bot/debts/report.html.j2", report=report, shown=shown, weekly=weekly))


def overdue_text(text: Callable[..., str], fact: Event, purpose: str) -> str:
    """An overdue reminder as one message: as many of the customer's rows as fit, the rest counted."""
    return fitting(lambda shown: text("bot/debts/overdue.html.j2", fact=fact, purpose=purpose, shown=shown))


def fitting(compose: Callable[[int], str]) -> str:
    shown = SHOWN
    while True:
        text = compose(shown)
        if fits(text) or shown <= 1:
            return text
        shown = max(1, shown // 2)


def offered_days(today: date) -> list[date]:
    """Days offered for a promise: tomorrow, in three days, a week, two weeks."""
    return [today + timedelta(days=days) for days in (1, 3, 7, 14)]


async def promise_tap(reply: Reply) -> None:
    """«🤝 Promised to pay…»: by when, a few days offered and one to type."""
    customer = reply.tap.id(1)
    if customer is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    db, now = reply.services.db, reply.services.now()
    name = await promise_screen(db, viewer_id=reply.person.id, counterparty_id=customer, now=now)
    await reply.answer()
    today = validation.local_today(now, reply.person.time_zone)
    rows = [[button(reply.lang, "day", DAY, customer, f"{d:%Y%m%d}", last=d)] for d in offered_days(today)]
    rows.append([button(reply.lang, "type", TYPE_DAY, customer)])
    await reply.send(reply.text("bot/debts/promise_ask.html.j2", customer=name), InlineKeyboardMarkup(rows))


async def day_tap(reply: Reply) -> None:
    """A day tapped: the promise is recorded, and the reminders wait for it."""
    customer, typed = reply.tap.id(1), reply.tap.arg(2)
    try:
        promised = date(int(typed[:4]), int(typed[4:6]), int(typed[6:8]))
    except ValueError:
        promised = None
    if customer is None or promised is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    await _promise(reply, customer, promised)


async def type_day_tap(reply: Reply) -> None:
    """«✏️ Another day»: ask for it typed, unless another conversation is under way (it would be lost)."""
    customer = reply.tap.id(1)
    if customer is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    prompt = reply.text("bot/debts/promise_prompt.html.j2")
    await ask_typed(reply, PROMISE_FLOW, prompt, PLACEHOLDER, customer=customer)


async def promise_typed(reply: Reply, text: str, state: dict[str, Any]) -> None:
    """The promised day typed: recorded, or what was wrong and what to type."""
    today = validation.local_today(reply.services.now(), reply.person.time_zone)

    async def promise_typed_day() -> None:
        await _promise(reply, int(state["customer"]), parse_date(text, today=today), new=True)

    await take_typed(reply, promise_typed_day, retype=DATE_RETYPE, placeholder=PLACEHOLDER)


async def _promise(reply: Reply, customer: int, promised: date, *, new: bool = False) -> None:
    db, now = reply.services.db, reply.services.now()
    done = await promise_payment(db, actor_id=reply.person.id, counterparty_id=customer, promised=promised, now=now)
    text = reply.text("bot/debts/promised.html.j2", done=done)
    if new:
        await reply.send(text)
    else:
        await reply.answer()
        await reply.show(text, None)
