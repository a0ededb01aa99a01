"""/demand: the demand report for this month, with its chart; buttons for the week, the month, the quarter,
other dates typed as `01.11-30.11`, and the same report as an Excel file.

The core decides who sees what (`core.use_cases.demand`) and reads the period typed (`core.periods`); a
button names a period or its days, and both are checked again.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ChatAction, ParseMode

from bot.callbacks import Prefix, pack
from bot.demand_chart import demand_chart, demand_chart_words
from bot.demand_workbook import demand_workbook, sheet_words
from bot.drafts import end_flow, flow, start_flow
from bot.handlers.card.prompts import send_prompt
from bot.handlers.card.screen import fits
from bot.staff import Reply
from core import validation
from core.errors import DomainError, ErrorCode
from core.periods import Period, PeriodKind, named_period, typed_period
from core.use_cases.demand import SHOWN, DemandReport, demand_report
from templates import error_message, render_plain

# What the second part of an `a:` button says.
WEEK, MONTH, QUARTER, TYPE, FILE = "w", "m", "q", "t", "f"
NAMED = {WEEK: PeriodKind.WEEK, MONTH: PeriodKind.MONTH, QUARTER: PeriodKind.QUARTER}
PERIOD_FLOW = "demand_period"
PLACEHOLDER = "01.11-30.11"
RETYPE = frozenset({ErrorCode.PERIOD_UNREADABLE, ErrorCode.PERIOD_INVALID, ErrorCode.PERIOD_TOO_LONG})


async def demand_command(reply: Reply) -> None:
    """/demand [01.11-30.11]: the report for this month, or for the days given."""
    message = reply.update.effective_message
    typed = (message.text or "").split(maxsplit=1)[1:] if message is not None else []
    today = validation.local_today(reply.services.now(), reply.person.time_zone)
    period = typed_period(typed[0], today=today) if typed else named_period(PeriodKind.MONTH, today=today)
    await send_report(reply, period)


async def period_tap(reply: Reply) -> None:
    """«This week», «This month» or «This quarter»: the report for it."""
    kind = NAMED.get(reply.tap.arg(0))
    if kind is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    today = validation.local_today(reply.services.now(), reply.person.time_zone)
    await send_report(reply, named_period(kind, today=today))


async def type_tap(reply: Reply) -> None:
    """«Other dates»: ask for them typed, unless another conversation is under way (it would be lost)."""
    kind = (await flow(reply)).get("kind")
    if kind is not None and kind != PERIOD_FLOW:
        await reply.answer(reply.text("bot/settings/flow_busy.html.j2"), alert=True)
        return
    await start_flow(reply, PERIOD_FLOW)
    await reply.answer()
    await send_prompt(reply, reply.text("bot/demand/prompt.html.j2"), PLACEHOLDER)


async def period_typed(reply: Reply, text: str, _state: dict[str, Any]) -> None:
    """The period typed: its report, or what was wrong and what to type."""
    today = validation.local_today(reply.services.now(), reply.person.time_zone)
    try:
        period = typed_period(text, today=today)
    except DomainError as refusal:
        if refusal.code not in RETYPE:
            await end_flow(reply)
            raise
        prompt = reply.text("bot/demand/prompt.html.j2")
        await send_prompt(reply, f"{error_message(refusal, lang=reply.lang)}\n\n{prompt}", PLACEHOLDER)
        return
    await end_flow(reply)
    await send_report(reply, period)


async def file_tap(reply: Reply) -> None:
    """«As an Excel file»: the report of the days on the button, a sheet per section."""
    start, end = _day(reply.tap.arg(1)), _day(reply.tap.arg(2))
    if start is None or end is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    report = await _report(reply, Period(PeriodKind.RANGE, start, end))
    await reply.answer()
    chat = reply.update.effective_chat
    assert chat is not None
    await chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    workbook = await asyncio.to_thread(demand_workbook, report, sheet_words(reply.lang))
    await chat.send_document(
        InputFile(workbook, filename=f"demand-{start.isoformat()}-{end.isoformat()}.xlsx"),
        caption=reply.text("bot/demand/caption.html.j2", report=report),
        parse_mode=ParseMode.HTML,
    )


async def send_report(reply: Reply, period: Period) -> None:
    """The chart (when there is anything to draw), then the report's text with the period buttons."""
    report = await _report(reply, period)
    await reply.answer()
    chat = reply.update.effective_chat
    assert chat is not None
    if not report.empty:
        chart = await asyncio.to_thread(demand_chart, report, demand_chart_words(reply.lang))
        await chat.send_photo(chart)
    await reply.send(report_text(reply, report), _buttons(reply, report))


def report_text(reply: Reply, report: DemandReport) -> str:
    """As much of the report as one message holds: fewer items, customers and managers while it does not fit."""
    shown = SHOWN
    while True:
        text = reply.text("bot/demand/report.html.j2", report=report, shown=shown)
        if fits(text) or shown <= 1:
            return text
        shown = max(1, shown // 2)


async def _report(reply: Reply, period: Period) -> DemandReport:
    db, now = reply.services.db, reply.services.now()
    return await demand_report(db, viewer_id=reply.person.id, start=period.start, end=period.end, now=now)


def _buttons(reply: Reply, report: DemandReport) -> InlineKeyboardMarkup:
    def button(which: str, *data: object) -> InlineKeyboardButton:
        text = render_plain("bot/demand/label.html.j2", lang=reply.lang, which=which)
        return InlineKeyboardButton(text, callback_data=pack(Prefix.DEMAND, *data))

    rows = [
        [button("week", WEEK), button("month", MONTH), button("quarter", QUARTER)],
        [button("type", TYPE)],
    ]
    if not report.empty:
        rows.append([button("file", FILE, f"{report.start:%Y%m%d}", f"{report.end:%Y%m%d}")])
    return InlineKeyboardMarkup(rows)


def _day(typed: str) -> date | None:
    try:
        return date(int(typed[:4]), int(typed[4:6]), int(typed[6:8])) if len(typed) == 8 else None
    except ValueError:
        return None
