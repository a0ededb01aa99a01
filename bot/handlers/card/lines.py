"""Editing a request's lines from its card: quantity, date, configuration, price or discount, removal.

Buttons are `l:<order>:<version>[:<line>[:<what>[:args]]]`, `what` routed through `LINE_STEPS`
after one shared check. Every tap re-reads the order:
an old version gets the refreshed card and what changed, an order the person may not edit
gets the card and a refusal, and the core checks the version again when the change is made.
A new quantity or date is typed: that short conversation is the `line` flow.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Prefix, Tap, pack
from bot.drafts import end_flow, flow, start_flow
from bot.handlers.card.screen import act_and_show, show_card, what_changed
from bot.handlers.registering.state import LINE, label, option_value, today
from bot.staff import Reply
from core import stored
from core import use_cases as uc
from core.errors import DomainError, ErrorCode
from core.parsing import parse_date
from core.policy import Action
from core.views import LineView, OrderCard
from templates import error_message

T = "bot/new_request/"
LineStep = Callable[[Reply, OrderCard, LineView, Tap], Awaitable[None]]
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


def line_button(reply: Reply, card: OrderCard, *args: object, shows: str, **context: Any) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label(reply, shows, **context), callback_data=pack(Prefix.LINES, card.id, card.version, *args)
    )


def back_to_card(reply: Reply, card: OrderCard) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label(reply, "to_card"), callback_data=pack(Prefix.ORDER, card.id, card.version, "card")
    )


async def edit_lines(reply: Reply, card: OrderCard, _action: str, _tap: Tap) -> None:
    """The order's lines as buttons: pick the one to change."""
    await show_lines(reply, card)


async def show_lines(reply: Reply, card: OrderCard) -> None:
    rows = [[line_button(reply, card, line.id, shows="line", line=line)] for line in card.lines[:MAX_LINE_BUTTONS]]
    rows.append([back_to_card(reply, card)])
    await reply.show(reply.text(T + "lines.html.j2", card=card), InlineKeyboardMarkup(rows))


async def line_tap(reply: Reply) -> None:
    """A tap on a line-editing button: re-check the order's version and the person's right, then act."""
    tap = reply.tap
    order_id, version = tap.id(0), tap.id(1)
    if order_id is None or version is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    card = await uc.get_order(reply.services.db, viewer_id=reply.person.id, order_id=order_id)
    if card.version != version:
        note = await what_changed(reply, card, since=version)
        await show_card(reply, card, note=note)
        await reply.answer(note, alert=True)
        return
    if Action.EDIT_LINES not in card.actions:
        await show_card(reply, card)
        await reply.answer(reply.text("bot/action_unavailable.html.j2", card=card), alert=True)
        return
    if (await flow(reply)).get("kind") == LINE:
        await end_flow(reply)  # a tap elsewhere leaves the typed change that was asked for
    if len(tap.args) < 3:
        await show_lines(reply, card)
        return
    line = next((line for line in card.lines if line.id == tap.id(2)), None)
    step = LINE_STEPS.get(tap.arg(3))
    if line is None or step is None:
        await show_lines(reply, card)
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    await step(reply, card, line, tap.after(3))


async def line_menu(reply: Reply, card: OrderCard, line: LineView, _tap: Tap) -> None:
    """One line and what can be changed in it."""
    rows = [
        [
            line_button(reply, card, line.id, "q", shows="quantity"),
            line_button(reply, card, line.id, "d", shows="date"),
        ],
        [line_button(reply, card, line.id, "o", shows="configuration")] if line.options else [],
        [line_button(reply, card, line.id, "p", shows="price")],
        [line_button(reply, card, line.id, "x", shows="remove")],
        [line_button(reply, card, shows="back")],
    ]
    text = reply.text(T + "line_menu.html.j2", card=card, line=line)
    await reply.show(text, InlineKeyboardMarkup([row for row in rows if row]))


async def ask_value(reply: Reply, card: OrderCard, line: LineView, tap: Tap) -> None:
    """Ask for the new quantity, date or price; what is typed next goes to `line_typed`."""
    field = ASKED[tap.arg(0)]
    await start_flow(reply, LINE, order_id=card.id, line_id=line.id, version=card.version, field=field)
    markup = InlineKeyboardMarkup([[line_button(reply, card, line.id, shows="back")]])
    await reply.show(reply.text(T + "line_ask.html.j2", card=card, line=line, field=field), markup)


@dataclass(frozen=True, slots=True)
class LineEdit:
    """The state of the `line` flow: which line of which order version, and which field is being typed."""

    order_id: int
    line_id: int
    version: int
    field: str  # "quantity", "date" or "price"

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
        return kept if kept.field in ASKED.values() else None


async def line_typed(reply: Reply, text: str, data: dict[str, Any]) -> None:
    """The new quantity, date or price, changed through the core; a bad value is refused and asked again."""
    state = LineEdit.from_data(data)
    if state is None:
        await end_flow(reply)
        await reply.send(reply.text(T + "state_lost.html.j2"))
        return
    change: dict[str, Any] = {"quantity": text.strip()}
    if state.field == "date":
        change = {"required_by": parse_date(text, today=today(reply))}
    edit = uc.set_line_price if state.field == "price" else uc.update_line
    if state.field == "price":
        change = {"change": text}
    try:
        card = await edit(
            reply.services.db,
            actor_id=reply.person.id,
            order_id=state.order_id,
            line_id=state.line_id,
            now=reply.services.now(),
            expected_version=state.version,
            **change,
        )
    except DomainError as refusal:
        if refusal.code not in GONE:
            raise
        await end_flow(reply)
        await reply.send(error_message(refusal, lang=reply.lang))
        card = await uc.get_order(reply.services.db, viewer_id=reply.person.id, order_id=state.order_id)
    else:
        await end_flow(reply)
    await show_card(reply, card, new=True)


async def options_menu(reply: Reply, card: OrderCard, line: LineView, _tap: Tap) -> None:
    """The item's configuration: one row per value, with its price delta; the current ones marked."""
    item = await uc.item_offer(reply.services.db, item_id=line.item_id, on=today(reply), currency=card.total.currency)
    current = dict(line.options)
    rows = [
        [
            line_button(
                reply,
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
    rows.append([line_button(reply, card, line.id, shows="back")])
    await reply.show(reply.text(T + "line_options.html.j2", card=card, line=line), InlineKeyboardMarkup(rows))


async def option_chosen(reply: Reply, card: OrderCard, line: LineView, tap: Tap) -> None:
    """A value of one option: the line is repriced by the core and the card comes back."""
    item = await uc.item_offer(reply.services.db, item_id=line.item_id, on=today(reply), currency=card.total.currency)
    picked = option_value(item, tap.position(1), tap.position(2))
    if picked is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    option, value = picked
    options = {**dict(line.options), option: value}
    change = uc.update_line(
        reply.services.db,
        actor_id=reply.person.id,
        order_id=card.id,
        line_id=line.id,
        options=options,
        now=reply.services.now(),
        expected_version=card.version,
    )
    await act_and_show(reply, card, change, Action.EDIT_LINES)


async def confirm_removal(reply: Reply, card: OrderCard, line: LineView, _tap: Tap) -> None:
    """Removing a line asks once more."""
    markup = InlineKeyboardMarkup(
        [[line_button(reply, card, line.id, "xx", shows="remove_yes"), line_button(reply, card, line.id, shows="no")]]
    )
    await reply.show(reply.text(T + "line_remove.html.j2", card=card, line=line), markup)


async def remove(reply: Reply, card: OrderCard, line: LineView, _tap: Tap) -> None:
    """The line goes; a second tap finds a newer version and removes nothing more."""
    change = uc.remove_line(
        reply.services.db,
        actor_id=reply.person.id,
        order_id=card.id,
        line_id=line.id,
        now=reply.services.now(),
        expected_version=card.version,
    )
    await act_and_show(reply, card, change, Action.EDIT_LINES)


# The field each "type a value" button asks for.
ASKED = {"q": "quantity", "d": "date", "p": "price"}
# What each line-editing button does, by its `what` (after the shared check of `line_tap`).
LINE_STEPS: dict[str, LineStep] = {
    "": line_menu,
    "q": ask_value,
    "d": ask_value,
    "p": ask_value,
    "o": options_menu,
    "v": option_chosen,
    "x": confirm_removal,
    "xx": remove,
}
