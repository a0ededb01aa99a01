"""The order card: shown by number, refreshed on every tap, with the buttons this person may use now.

Every tap names the order and the version the card showed. A tap on an old card
changes nothing: the card is refreshed and says what changed since. An action the
person may not take now (a forged or stale button) is refused the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.callbacks import pack, unpack
from bot.staff import Staff, for_staff
from core import use_cases as uc
from core.errors import DomainError, ErrorCode
from core.policy import Action
from core.views import OrderCard
from templates import render

ORDER = "o"
MAX_CARD = 4096
LINES_PER_PAGE = 8

# Buttons shown on a card, in this order, two to a row; history and progress last.
BUTTON_ORDER: tuple[Action, ...] = (
    Action.APPROVE,
    Action.RETURN,
    Action.REJECT,
    Action.ADD_LINE,
    Action.EDIT_LINES,
    Action.SET_TERMS,
    Action.SUBMIT,
    Action.WITHDRAW,
    Action.START_EXECUTION,
    Action.SHIP,
    Action.CLOSE,
    Action.CANCEL,
    Action.ARCHIVE,
    Action.PROGRESS,
    Action.HISTORY,
)

# What a tap does, by action; each module adds its own (see `on_action`).
ActionHandler = Callable[[Staff, OrderCard, str, tuple[str, ...]], Awaitable[None]]
ACTIONS: dict[str, ActionHandler] = {}


def on_action(*names: str) -> Callable[[ActionHandler], ActionHandler]:
    """Register what a tap on a card's button does; the card is current and the action allowed."""

    def register(handler: ActionHandler) -> ActionHandler:
        for name in names:
            ACTIONS[name] = handler
        return handler

    return register


def order_button(
    staff: Staff, card: OrderCard, action: str, *extra: object, label: str | None = None
) -> InlineKeyboardButton:
    text = label if label is not None else render("bot/action_label.html.j2", lang=staff.lang, action=action)
    return InlineKeyboardButton(text, callback_data=pack(ORDER, card.id, card.version, action, *extra))


def card_keyboard(staff: Staff, card: OrderCard, *, page: int = 0, pages: int = 1) -> InlineKeyboardMarkup:
    buttons = [order_button(staff, card, action.value) for action in BUTTON_ORDER if action in card.actions]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if pages > 1:
        paging = []
        if page > 0:
            paging.append(order_button(staff, card, "page", page - 1, label="◀"))
        if page < pages - 1:
            paging.append(order_button(staff, card, "page", page + 1, label="▶"))
        rows.insert(0, paging)
    return InlineKeyboardMarkup(rows)


def card_text(staff: Staff, card: OrderCard, *, page: int = 0, note: str | None = None) -> tuple[str, int, int]:
    """The card's text with the lines of one page; long orders page their lines to stay within 4096."""
    per_page = max(len(card.lines), 1)
    while True:
        pages = max(1, -(-len(card.lines) // per_page))
        page = min(max(page, 0), pages - 1)
        lines = card.lines[page * per_page : (page + 1) * per_page]
        text = staff.text("bot/card.html.j2", card=card, lines=lines, page=page, pages=pages, note=note)
        if len(text) <= MAX_CARD or per_page == 1:
            return text, page, pages
        per_page = min(per_page - 1, LINES_PER_PAGE) if per_page > LINES_PER_PAGE else per_page - 1


async def show_card(
    staff: Staff, card: OrderCard, *, page: int = 0, note: str | None = None, new: bool = False
) -> None:
    """Put the card on screen: in place of the tapped message, or as a new message."""
    text, page, pages = card_text(staff, card, page=page, note=note)
    markup = card_keyboard(staff, card, page=page, pages=pages)
    if new:
        await staff.send(text, markup)
    else:
        await staff.show(text, markup)


async def show_order(staff: Staff, typed: str) -> None:
    """The card of an order named as people type it: ЗС-000012, зс-12, 12."""
    card = await uc.get_order(staff.services.db, viewer_id=staff.person.id, number=full_number(staff, typed))
    await show_card(staff, card, new=True)


def full_number(staff: Staff, typed: str) -> str:
    settings = staff.services.settings
    cleaned = typed.strip().upper()
    digits = cleaned.removeprefix(settings.order_number_prefix.upper())
    if digits.isdigit() and len(digits) <= settings.order_number_digits:
        return f"{settings.order_number_prefix}{int(digits):0{settings.order_number_digits}d}"
    return cleaned


@for_staff
async def order_command(staff: Staff) -> None:
    """/order NUMBER: the card of that order."""
    message = staff.update.effective_message
    args = (message.text or "").split(maxsplit=1)[1:] if message is not None else []
    if not args:
        await staff.send(staff.text("bot/order_usage.html.j2"))
        return
    await show_order(staff, args[0])


@for_staff
async def card_tap(staff: Staff) -> None:
    """A tap on a card's button: re-check the order's version and the person's right, then act."""
    assert staff.query is not None
    tap = unpack(staff.query.data)
    order_id, version, action = tap.int_arg(0), tap.int_arg(1), tap.arg(2)
    if order_id is None or version is None:
        await staff.answer(staff.text("bot/button_unknown.html.j2"), alert=True)
        return
    card = await uc.get_order(staff.services.db, viewer_id=staff.person.id, order_id=order_id)
    if card.version != version:
        note = await what_changed(staff, card, since=version)
        await show_card(staff, card, note=note)
        await staff.answer(note, alert=True)
        return
    if action == "page":
        await show_card(staff, card, page=tap.int_arg(3) or 0)
        return
    if action == "card":
        await show_card(staff, card)
        return
    handler = ACTIONS.get(action)
    if handler is None or (action in Action.__members__.values() and Action(action) not in card.actions):
        await show_card(staff, card)
        await staff.answer(staff.text("bot/action_unavailable.html.j2", card=card), alert=True)
        return
    await handler(staff, card, action, tap.args[3:])


async def what_changed(staff: Staff, card: OrderCard, *, since: int) -> str:
    history = await uc.order_history(staff.services.db, viewer_id=staff.person.id, order_id=card.id)
    changes = [entry for group in history for entry in group.entries if entry.version > since]
    return staff.text("bot/card_changed.html.j2", card=card, changes=changes)


async def act_and_show(staff: Staff, card: OrderCard, change: Awaitable[OrderCard], done: str) -> None:
    """Make a change through the core and show the card it returns, with a short confirmation."""
    try:
        updated = await change
    except DomainError as refusal:
        if refusal.code is ErrorCode.STALE_ORDER:
            fresh = await uc.get_order(staff.services.db, viewer_id=staff.person.id, order_id=card.id)
            await show_card(staff, fresh)
        raise
    await show_card(staff, updated)
    await staff.answer(staff.text("bot/done.html.j2", action=done))


def handlers() -> list[BaseHandler[Update, Any, Any]]:
    return [
        CommandHandler("order", order_command),
        CallbackQueryHandler(card_tap, pattern=rf"^{ORDER}:"),
    ]
