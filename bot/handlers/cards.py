"""The order card: shown by number, refreshed on every tap, with the buttons this person may use now.

Every tap names the order and the version the card showed. A tap on an old card
changes nothing: the card is refreshed and says what changed since. An action the
person may not take now (a forged or stale button) is refused the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from markupsafe import Markup
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.callbacks import pack, unpack
from bot.staff import ALERT_LIMIT, Staff, for_staff
from core import use_cases as uc
from core.errors import Conflict, ErrorCode
from core.numbering import order_number
from core.policy import Action
from core.stages import Stage
from core.validation import clean
from core.views import OrderCard
from templates import render
from templates.rendering import to_plain

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
    Action.NOTE,
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
    shown_note = Markup(note) if note else None  # already rendered (and escaped) by its own template

    def render_page(lines: tuple[Any, ...], number: int, pages: int) -> str:
        return staff.text("bot/card.html.j2", card=card, lines=lines, page=number, pages=pages, note=shown_note)

    return paged(render_page, card.lines, page=page, most=LINES_PER_PAGE)


PageRenderer = Callable[[tuple[Any, ...], int, int], str]


def paged(render_page: PageRenderer, items: Sequence[Any], *, page: int, most: int) -> tuple[str, int, int]:
    """One page of a long list within one message: (text, page, pages).

    Everything on one page if it fits; else pages of at most `most` items, every page holding
    the same number (the most that lets every page fit), so ◀ ▶ never skip or repeat an item.
    """
    everything = tuple(items)
    whole = render_page(everything, 0, 1)
    if fits(whole) or len(everything) <= 1:
        return whole, 0, 1
    per_page = min(most, len(everything))
    while per_page > 1:
        chunks = [everything[i : i + per_page] for i in range(0, len(everything), per_page)]
        if all(fits(render_page(chunk, number, len(chunks))) for number, chunk in enumerate(chunks)):
            break
        per_page -= 1
    chunks = [everything[i : i + per_page] for i in range(0, len(everything), per_page)]
    page = min(max(page, 0), len(chunks) - 1)
    return render_page(chunks[page], page, len(chunks)), page, len(chunks)


def fits(text: str) -> bool:
    """Whether Telegram takes the HTML text as one message: at most 4096 UTF-16 units once parsed."""
    plain = to_plain(text).strip()
    return len(plain.encode("utf-16-le")) // 2 <= MAX_CARD


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
    card = await uc.get_order(
        staff.services.db, viewer_id=staff.person.id, number=full_number(staff, typed), now=staff.services.now()
    )
    await show_card(staff, card, new=True)


def full_number(staff: Staff, typed: str) -> str:
    """The stored number meant by what was typed; text that is no number is looked up as it is (and not found)."""
    settings = staff.services.settings
    number = order_number(typed, prefix=settings.order_number_prefix, digits=settings.order_number_digits)
    return number if number is not None else clean(typed)[:40]


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
    card = await uc.get_order(staff.services.db, viewer_id=staff.person.id, order_id=order_id, now=staff.services.now())
    if card.version != version:
        note = await what_changed(staff, card, since=version)
        await show_card(staff, card, note=note)
        await staff.answer(alert_of(staff, card, note), alert=True)
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
    except Conflict as refusal:
        if refusal.code is not ErrorCode.STALE_ORDER:
            await show_card(staff, await uc.get_order(staff.services.db, viewer_id=staff.person.id, order_id=card.id))
            raise
        await show_fresh(staff, card.id, since=card.version)
        return
    # Said first: whatever Telegram does with the card next, the person knows the change was made.
    await staff.answer(staff.text("bot/done.html.j2", action=done))
    await show_card(staff, updated, note=outcome_note(staff, card, updated, done))


async def show_fresh(staff: Staff, order_id: int, *, since: int, new: bool = False) -> None:
    """The order changed under the person's card: show it as it is now, saying what changed and who did it."""
    card = await uc.get_order(staff.services.db, viewer_id=staff.person.id, order_id=order_id, now=staff.services.now())
    note = await what_changed(staff, card, since=since)
    await show_card(staff, card, note=note, new=new)
    await staff.answer(alert_of(staff, card, note), alert=True)


def alert_of(staff: Staff, card: OrderCard, note: str) -> str:
    """The note as a popup; when too long for one, its short form (the card itself shows the whole note)."""
    if len(to_plain(note)) <= ALERT_LIMIT:
        return note
    return staff.text("bot/card_changed.html.j2", card=card, changes=[])


def outcome_note(staff: Staff, before: OrderCard, after: OrderCard, done: str) -> str | None:
    """What the person would not guess from the card: the order went on to execution by itself, or could not."""
    if before.stage is not Stage.APPROVAL or done == Action.START_EXECUTION:
        return None
    if after.stage is Stage.EXECUTION:
        return staff.text("bot/details/went_to_execution.html.j2", card=after)
    # The core says what still blocks execution; with every approval in, the rest is the manager's.
    if after.stage is Stage.APPROVAL and after.blockers and "approvals" not in after.blockers:
        return staff.text("bot/details/approved_needs_terms.html.j2", card=after)
    return None


def handlers() -> list[BaseHandler[Update, Any, Any]]:
    return [
        CommandHandler("order", order_command),
        CallbackQueryHandler(card_tap, pattern=rf"^{ORDER}:"),
    ]
