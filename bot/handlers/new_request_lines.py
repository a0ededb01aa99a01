"""Editing a request's lines from its card: quantity, date, configuration, removal.

Buttons are `l:<order>:<version>[:<line>[:<what>[:args]]]`. Every tap re-reads the order:
an old version gets the refreshed card and what changed, an order the person may not edit
gets the card and a refusal, and the core checks the version again when the change is made.
A new quantity or date is typed: that short conversation is the `line` flow.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack, unpack
from bot.drafts import end_flow, flow, start_flow
from bot.handlers.cards import ORDER, act_and_show, on_action, show_card, what_changed
from bot.handlers.new_request_state import LINE, label, today
from bot.handlers.text import on_flow
from bot.staff import Staff, for_staff
from core import stored
from core import use_cases as uc
from core.errors import DomainError, ErrorCode
from core.parsing import parse_date
from core.policy import Action
from core.views import LineView, OrderCard
from templates import error_message

LINES = "l"
T = "bot/new_request/"
MAX_LINE_BUTTONS = 90  # Telegram shows at most 100 buttons under a message
# Refusals after which a typed change cannot go on: the card is shown again as it is now.
GONE = frozenset(
    {
        ErrorCode.STALE_ORDER,
        ErrorCode.LINES_LOCKED,
        ErrorCode.LINE_NOT_FOUND,
        ErrorCode.ORDER_NOT_FOUND,
        ErrorCode.NOT_YOUR_ORDER,
        ErrorCode.NOT_ALLOWED,
    }
)

LineStep = Callable[[Staff, OrderCard, LineView, tuple[str, ...]], Awaitable[None]]
LINE_STEPS: dict[str, LineStep] = {}


def line_step(what: str) -> Callable[[LineStep], LineStep]:
    def register(handler: LineStep) -> LineStep:
        LINE_STEPS[what] = handler
        return handler

    return register


def line_button(staff: Staff, card: OrderCard, *args: object, shows: str, **context: Any) -> InlineKeyboardButton:
    return InlineKeyboardButton(label(staff, shows, **context), callback_data=pack(LINES, card.id, card.version, *args))


def back_to_card(staff: Staff, card: OrderCard) -> InlineKeyboardButton:
    return InlineKeyboardButton(label(staff, "to_card"), callback_data=pack(ORDER, card.id, card.version, "card"))


@on_action(Action.EDIT_LINES)
async def edit_lines(staff: Staff, card: OrderCard, _action: str, _args: tuple[str, ...]) -> None:
    """The order's lines as buttons: pick the one to change."""
    await show_lines(staff, card)


async def show_lines(staff: Staff, card: OrderCard) -> None:
    rows = [[line_button(staff, card, line.id, shows="line", line=line)] for line in card.lines[:MAX_LINE_BUTTONS]]
    rows.append([back_to_card(staff, card)])
    await staff.show(staff.text(T + "lines.html.j2", card=card), InlineKeyboardMarkup(rows))


@for_staff
async def line_tap(staff: Staff) -> None:
    """A tap on a line-editing button: re-check the order's version and the person's right, then act."""
    assert staff.query is not None
    tap = unpack(staff.query.data)
    order_id, version = tap.int_arg(0), tap.int_arg(1)
    if order_id is None or version is None:
        await staff.answer(staff.text("bot/button_unknown.html.j2"), alert=True)
        return
    card = await uc.get_order(staff.services.db, viewer_id=staff.person.id, order_id=order_id)
    if card.version != version:
        note = await what_changed(staff, card, since=version)
        await show_card(staff, card, note=note)
        await staff.answer(note, alert=True)
        return
    if Action.EDIT_LINES not in card.actions:
        await show_card(staff, card)
        await staff.answer(staff.text("bot/action_unavailable.html.j2", card=card), alert=True)
        return
    if (await flow(staff)).get("kind") == LINE:
        await end_flow(staff)  # a tap elsewhere leaves the typed change that was asked for
    if len(tap.args) < 3:
        await show_lines(staff, card)
        return
    line = next((line for line in card.lines if str(line.id) == tap.args[2]), None)
    step = LINE_STEPS.get(tap.arg(3))
    if line is None or step is None:
        await show_lines(staff, card)
        await staff.answer(staff.text("bot/button_unknown.html.j2"), alert=True)
        return
    await step(staff, card, line, tap.args[4:])


@line_step("")
async def line_menu(staff: Staff, card: OrderCard, line: LineView, _args: tuple[str, ...]) -> None:
    """One line and what can be changed in it."""
    rows = [
        [
            line_button(staff, card, line.id, "q", shows="quantity"),
            line_button(staff, card, line.id, "d", shows="date"),
        ],
        [line_button(staff, card, line.id, "o", shows="configuration")] if line.options else [],
        [line_button(staff, card, line.id, "x", shows="remove")],
        [line_button(staff, card, shows="back")],
    ]
    text = staff.text(T + "line_menu.html.j2", card=card, line=line)
    await staff.show(text, InlineKeyboardMarkup([row for row in rows if row]))


@line_step("q")
@line_step("d")
async def ask_value(staff: Staff, card: OrderCard, line: LineView, _args: tuple[str, ...]) -> None:
    """Ask for the new quantity or date; what is typed next goes to `line_typed`."""
    assert staff.query is not None
    field = "quantity" if unpack(staff.query.data).arg(3) == "q" else "date"
    await start_flow(staff, LINE, order_id=card.id, line_id=line.id, version=card.version, field=field)
    markup = InlineKeyboardMarkup([[line_button(staff, card, line.id, shows="back")]])
    await staff.show(staff.text(T + "line_ask.html.j2", card=card, line=line, field=field), markup)


@dataclass(frozen=True, slots=True)
class LineEdit:
    """The state of the `line` flow: which line of which order version, and which field is being typed."""

    order_id: int
    line_id: int
    version: int
    field: str  # "quantity" or "date"

    @classmethod
    def from_data(cls, data: object) -> LineEdit | None:
        """The state kept by `start_flow`; None when it cannot be read (an older bot's, or garbled)."""
        try:
            found = stored.mapping(data)
            kept = cls(
                order_id=stored.int_(found["order_id"]),
                line_id=stored.int_(found["line_id"]),
                version=stored.int_(found["version"]),
                field=stored.str_(found["field"]),
            )
        except (KeyError, TypeError):
            return None
        return kept if kept.field in ("quantity", "date") else None


@on_flow(LINE)
async def line_typed(staff: Staff, text: str, data: dict[str, Any]) -> None:
    """The new quantity or date, changed through the core; a bad value is refused and asked again."""
    state = LineEdit.from_data(data)
    if state is None:
        await end_flow(staff)
        await staff.send(staff.text(T + "state_lost.html.j2"))
        return
    change: dict[str, Any] = {"quantity": text.strip()}
    if state.field == "date":
        change = {"required_by": parse_date(text, today=today(staff))}
    try:
        card = await uc.update_line(
            staff.services.db,
            actor_id=staff.person.id,
            order_id=state.order_id,
            line_id=state.line_id,
            now=staff.services.now(),
            expected_version=state.version,
            **change,
        )
    except DomainError as refusal:
        if refusal.code not in GONE:
            raise
        await end_flow(staff)
        await staff.send(error_message(refusal, lang=staff.lang))
        card = await uc.get_order(staff.services.db, viewer_id=staff.person.id, order_id=state.order_id)
    else:
        await end_flow(staff)
    await show_card(staff, card, new=True)


@line_step("o")
async def options_menu(staff: Staff, card: OrderCard, line: LineView, _args: tuple[str, ...]) -> None:
    """The item's configuration: one row per value, with its price delta; the current ones marked."""
    item = await uc.item_offer(staff.services.db, item_id=line.item_id, on=today(staff), currency=card.total.currency)
    current = dict(line.options)
    rows = [
        [
            line_button(
                staff,
                card,
                line.id,
                "v",
                option_index,
                value_index,
                shows="option",
                option=choice.option,
                value=value,
                delta=delta,
                current=current.get(choice.option) == value,
            )
        ]
        for option_index, choice in enumerate(item.options)
        for value_index, (value, delta) in enumerate(choice.values)
    ]
    rows.append([line_button(staff, card, line.id, shows="back")])
    await staff.show(staff.text(T + "line_options.html.j2", card=card, line=line), InlineKeyboardMarkup(rows))


@line_step("v")
async def option_chosen(staff: Staff, card: OrderCard, line: LineView, args: tuple[str, ...]) -> None:
    """A value of one option: the line is repriced by the core and the card comes back."""
    item = await uc.item_offer(staff.services.db, item_id=line.item_id, on=today(staff), currency=card.total.currency)
    try:
        choice = item.options[int(args[0])]
        value = choice.values[int(args[1])][0]
    except (ValueError, IndexError):
        await staff.answer(staff.text("bot/button_unknown.html.j2"), alert=True)
        return
    options = {**dict(line.options), choice.option: value}
    change = uc.update_line(
        staff.services.db,
        actor_id=staff.person.id,
        order_id=card.id,
        line_id=line.id,
        options=options,
        now=staff.services.now(),
        expected_version=card.version,
    )
    await act_and_show(staff, card, change, Action.EDIT_LINES)


@line_step("x")
async def confirm_removal(staff: Staff, card: OrderCard, line: LineView, _args: tuple[str, ...]) -> None:
    """Removing a line asks once more."""
    markup = InlineKeyboardMarkup(
        [[line_button(staff, card, line.id, "xx", shows="remove_yes"), line_button(staff, card, line.id, shows="no")]]
    )
    await staff.show(staff.text(T + "line_remove.html.j2", card=card, line=line), markup)


@line_step("xx")
async def remove(staff: Staff, card: OrderCard, line: LineView, _args: tuple[str, ...]) -> None:
    """The line goes; a second tap finds a newer version and removes nothing more."""
    change = uc.remove_line(
        staff.services.db,
        actor_id=staff.person.id,
        order_id=card.id,
        line_id=line.id,
        now=staff.services.now(),
        expected_version=card.version,
    )
    await act_and_show(staff, card, change, Action.EDIT_LINES)
