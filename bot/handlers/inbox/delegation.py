"""/delegate: hand my approvals to someone while I am away, until a day; take them back.

One message, edited in place: whom (a button per person who could stand in), then until when (a
few days offered, or one typed), then the screen again with what is in force. The core decides
everything (`core.use_cases.delegations`): a button names a person and a day, both checked again.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Prefix, pack
from bot.staff import Reply
from bot.typed import DATE_RETYPE, ask_typed, take_typed
from core import use_cases as uc
from core import validation
from core.parsing import parse_date
from templates import render_plain

# What the second part of a `g:` button says.
PICK, UNTIL, TYPE_UNTIL, TAKE_BACK, SCREEN = "p", "u", "t", "b", "s"
UNTIL_FLOW = "delegate_until"  # the last day being typed, for the person picked
PLACEHOLDER = "15.12"


def button(reply: Reply, which: str, *data: object, **context: Any) -> InlineKeyboardButton:
    text = render_plain("bot/delegation/label.html.j2", lang=reply.lang, which=which, **context)
    return InlineKeyboardButton(text, callback_data=pack(Prefix.DELEGATE, *data))


async def delegate_command(reply: Reply) -> None:
    """/delegate: my delegation, whom I stand in for, and whom I could hand my approvals to."""
    await show_screen(reply, new=True)


async def show_screen(reply: Reply, *, new: bool = False, done: str | None = None) -> None:
    screen = await uc.delegation_screen(reply.services.db, person_id=reply.person.id, now=reply.services.now())
    rows: list[list[InlineKeyboardButton]] = []
    if screen.mine is not None:
        rows.append([button(reply, "take_back", TAKE_BACK)])
    elif screen.approver:
        rows += [
            [button(reply, "person", PICK, c.person_id, name=c.name, near=c.shares_role)] for c in screen.candidates
        ]
    text = reply.text("bot/delegation/screen.html.j2", screen=screen, done=done)
    markup = InlineKeyboardMarkup(rows) if rows else None
    await (reply.send(text, markup) if new else reply.show(text, markup))


async def pick_tap(reply: Reply) -> None:
    """A person picked: until when, a few days offered and one to type."""
    delegate_id = reply.tap.id(1)
    if delegate_id is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    await reply.answer()
    today = validation.local_today(reply.services.now(), reply.person.time_zone)
    days = offered_days(today)
    rows = [[button(reply, "until", UNTIL, delegate_id, f"{last:%Y%m%d}", last=last)] for last in days]
    rows.append([button(reply, "type_until", TYPE_UNTIL, delegate_id)])
    rows.append([button(reply, "back", SCREEN)])
    await reply.show(reply.text("bot/delegation/until.html.j2"), InlineKeyboardMarkup(rows))


def offered_days(today: date) -> list[date]:
    """The last days offered: this week's Friday (next week's from Friday on), a week, two, the month's end."""
    friday = today + timedelta(days=(4 - today.weekday()) % 7 or 7)
    month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    return sorted({friday, today + timedelta(days=7), today + timedelta(days=14), month_end} - {today})


async def until_tap(reply: Reply) -> None:
    """A day tapped: the approvals are handed over until then, and the screen says so."""
    delegate_id, typed = reply.tap.id(1), reply.tap.arg(2)
    try:
        until = date(int(typed[:4]), int(typed[4:6]), int(typed[6:8]))
    except ValueError:
        until = None
    if delegate_id is None or until is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    await hand_over(reply, delegate_id, until)


async def hand_over(reply: Reply, delegate_id: int, until: date, *, new: bool = False) -> None:
    made = await uc.delegate_approvals(
        reply.services.db,
        principal_id=reply.person.id,
        delegate_id=delegate_id,
        until=until,
        now=reply.services.now(),
        by_id=reply.person.id,
    )
    await reply.answer(reply.text("bot/delegation/done.html.j2", made=made))
    await show_screen(reply, new=new, done="delegated")


async def type_until_tap(reply: Reply) -> None:
    """«✏️ Another day»: ask for it typed, unless another conversation is under way (it would be lost)."""
    delegate_id = reply.tap.id(1)
    if delegate_id is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    prompt = reply.text("bot/delegation/until_prompt.html.j2")
    await ask_typed(reply, UNTIL_FLOW, prompt, PLACEHOLDER, delegate=delegate_id)


async def until_typed(reply: Reply, text: str, state: dict[str, Any]) -> None:
    """The last day typed: handed over until then, or what was wrong and what to type."""
    today = validation.local_today(reply.services.now(), reply.person.time_zone)

    async def hand_over_typed() -> None:
        await hand_over(reply, int(state["delegate"]), parse_date(text, today=today), new=True)

    await take_typed(reply, hand_over_typed, retype=DATE_RETYPE, placeholder=PLACEHOLDER)


async def take_back_tap(reply: Reply) -> None:
    """«Take my approvals back»: they are mine again from now."""
    db, now = reply.services.db, reply.services.now()
    taken = await uc.take_back_approvals(db, principal_id=reply.person.id, now=now, by_id=reply.person.id)
    await reply.answer()
    await show_screen(reply, done="taken_back" if taken else None)


async def screen_tap(reply: Reply) -> None:
    """«Back»: the screen as it is now."""
    await reply.answer()
    await show_screen(reply)
