"""The order card: shown by number, refreshed on every tap, with the buttons this person may use now.

Every tap names the order and the version the card showed. A tap on an old card
changes nothing: the card is refreshed and says what changed since. An action the
person may not take now (a forged or stale button) is refused the same way. What each
action does is listed in `bot.routes.CARD_ACTIONS`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Prefix, Tap, pack
from bot.recipient import Recipient
from bot.staff import ALERT_LIMIT, Reply, ReplyHandler
from core import use_cases as uc
from core.errors import DomainError, ErrorCode
from core.numbering import order_number
from core.policy import Action
from core.stages import Stage
from core.validation import clean
from core.views import OrderCard
from templates import error_message, render
from templates.rendering import to_plain

MAX_CARD = 4096
LINES_PER_PAGE = 8

# Buttons shown on a card, in this order, two to a row; watching, then history and progress, last.
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
    Action.WATCH,
    Action.UNWATCH,
    Action.PROGRESS,
    Action.HISTORY,
)

# What a tap on a card's button does, given the current card, the action and the button's other arguments.
ActionHandler = Callable[[Reply, OrderCard, str, Tap], Awaitable[None]]
# A move made at once from the button (order, version, action, the button's other arguments), with no read first.
Move = Callable[[Reply, int, int, str, Tap], Awaitable[None]]


def order_button(
    reader: Recipient, card: OrderCard, action: str, *extra: object, label: str | None = None
) -> InlineKeyboardButton:
    text = label if label is not None else render("bot/action_label.html.j2", lang=reader.lang, action=action)
    return InlineKeyboardButton(text, callback_data=pack(Prefix.ORDER, card.id, card.version, action, *extra))


def card_keyboard(reader: Recipient, card: OrderCard, *, page: int = 0, pages: int = 1) -> InlineKeyboardMarkup:
    buttons = [order_button(reader, card, action.value) for action in BUTTON_ORDER if action in card.actions]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if pages > 1:
        paging = []
        if page > 0:
            paging.append(order_button(reader, card, "page", page - 1, label="◀"))
        if page < pages - 1:
            paging.append(order_button(reader, card, "page", page + 1, label="▶"))
        rows.insert(0, paging)
    return InlineKeyboardMarkup(rows)


def card_text(reader: Recipient, card: OrderCard, *, page: int = 0, note: str | None = None) -> tuple[str, int, int]:
    """The card's text with the lines of one page; long orders page their lines to stay within 4096."""
    shown_note = Markup(note) if note else None  # already rendered (and escaped) by its own template

    def render_page(lines: tuple[Any, ...], number: int, pages: int) -> str:
        return reader.text("bot/card.html.j2", card=card, lines=lines, page=number, pages=pages, note=shown_note)

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
    reply: Reply, card: OrderCard, *, page: int = 0, note: str | None = None, new: bool = False
) -> None:
    """Put the card on screen: in place of the tapped message, or as a new message."""
    text, page, pages = card_text(reply.recipient, card, page=page, note=note)
    markup = card_keyboard(reply.recipient, card, page=page, pages=pages)
    if new:
        await reply.send(text, markup)
    else:
        await reply.show(text, markup)


async def show_order(reply: Reply, typed: str) -> None:
    """The card of an order named as people type it: ЗС-000012, зс-12, 12."""
    card = await uc.get_order(
        reply.services.db, viewer_id=reply.person.id, number=full_number(reply, typed), now=reply.services.now()
    )
    await show_card(reply, card, new=True)


def full_number(reply: Reply, typed: str) -> str:
    """The stored number meant by what was typed; text that is no number is looked up as it is (and not found)."""
    settings = reply.services.settings
    number = order_number(typed, prefix=settings.order_number_prefix, digits=settings.order_number_digits)
    return number if number is not None else clean(typed)[:40]


async def order_command(reply: Reply) -> None:
    """/order NUMBER: the card of that order."""
    message = reply.update.effective_message
    args = (message.text or "").split(maxsplit=1)[1:] if message is not None else []
    if not args:
        await reply.send(reply.text("bot/order_usage.html.j2"))
        return
    await show_order(reply, args[0])


def card_taps(actions: Mapping[str, ActionHandler], moves: Mapping[str, Move]) -> ReplyHandler:
    """The handler of every card button: `moves` act at once, `actions` on the card read first (see `bot.routes`)."""

    async def card_tap(reply: Reply) -> None:
        """A tap on a card's button: a move goes straight to the core, which re-checks it; else read, check, act."""
        tap = reply.tap
        order_id, version, action = tap.id(0), tap.id(1), tap.arg(2)
        if order_id is None or version is None:
            await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
            return
        move = moves.get(action)
        if move is not None:
            await move(reply, order_id, version, action, tap.after(3))
            return
        handler = actions.get(action)
        card = await card_for(reply, order_id, version, action if handler is not None else None)
        if card is not None and handler is not None:
            await handler(reply, card, action, tap.after(3))

    return card_tap


async def card_for(reply: Reply, order_id: int, version: int, action: str | None) -> OrderCard | None:
    """The card, if the button's version is current and its action (None: unknown) open to the person now.

    Otherwise the card is shown as it is, saying what changed or that the action is not open, and None returned.
    """
    card = await uc.get_order(reply.services.db, viewer_id=reply.person.id, order_id=order_id, now=reply.services.now())
    if card.version != version:
        await show_changed(reply, card, since=version)
        return None
    if action is None or (action in Action.__members__.values() and Action(action) not in card.actions):
        await reply.answer(reply.text("bot/action_unavailable.html.j2", card=card), alert=True)
        await show_card(reply, card)
        return None
    return card


async def page(reply: Reply, card: OrderCard, _action: str, tap: Tap) -> None:
    """◀ ▶ on a long card: another page of its lines."""
    await show_card(reply, card, page=tap.position(0) or 0)


async def refresh(reply: Reply, card: OrderCard, _action: str, _tap: Tap) -> None:
    """Back to the card from one of its screens: the card as it is now."""
    await show_card(reply, card)


async def what_changed(reply: Reply, card: OrderCard, *, since: int) -> str:
    history = await uc.order_history(reply.services.db, viewer_id=reply.person.id, order_id=card.id)
    changes = [entry for group in history for entry in group.entries if entry.version > since]
    return reply.text("bot/card_changed.html.j2", card=card, changes=changes)


async def act_and_show(reply: Reply, card: OrderCard, change: Awaitable[OrderCard], done: str) -> None:
    """Make a change to the card's order through the core, and show the card it returns."""
    in_approval = card.stage is Stage.APPROVAL
    await make_change(reply, card.id, card.version, change, done, in_approval=in_approval)


async def make_change(
    reply: Reply, order_id: int, version: int, change: Awaitable[OrderCard], done: str, *, in_approval: bool
) -> None:
    """Make a change through the core, answer the tap at once, then show the card it returns.

    The core re-checks the version and the person's right: a stale tap shows the card as it is now
    and what changed; a refused one shows the card and why.
    """
    try:
        updated = await change
    except DomainError as refusal:
        if refusal.code is ErrorCode.STALE_ORDER:
            await show_fresh(reply, order_id, since=version)
            return
        await show_refused(reply, order_id, refusal, done)
        return
    # Said first: whatever Telegram does with the card next, the person knows the change was made.
    await reply.answer(reply.text("bot/done.html.j2", action=done))
    await show_card(reply, updated, note=outcome_note(reply.recipient, updated, done, in_approval=in_approval))


async def show_refused(reply: Reply, order_id: int, refusal: DomainError, done: str) -> None:
    """Why the change was refused (an action not open now, or the core's reason), then the card as it is."""
    card = await uc.get_order(reply.services.db, viewer_id=reply.person.id, order_id=order_id, now=reply.services.now())
    if done in Action.__members__.values() and Action(done) not in card.actions:
        await reply.answer(reply.text("bot/action_unavailable.html.j2", card=card), alert=True)
    else:
        await reply.answer(error_message(refusal, lang=reply.lang), alert=True)
    await show_card(reply, card)


async def show_fresh(reply: Reply, order_id: int, *, since: int, new: bool = False) -> None:
    """The order changed under the person's card: show it as it is now, saying what changed and who did it."""
    card = await uc.get_order(reply.services.db, viewer_id=reply.person.id, order_id=order_id, now=reply.services.now())
    await show_changed(reply, card, since=since, new=new)


async def show_changed(reply: Reply, card: OrderCard, *, since: int, new: bool = False) -> None:
    """The card as it is, with what changed since the version the person saw; the tap answered first."""
    note = await what_changed(reply, card, since=since)
    await reply.answer(alert_of(reply.recipient, card, note), alert=True)
    await show_card(reply, card, note=note, new=new)


def alert_of(reader: Recipient, card: OrderCard, note: str) -> str:
    """The note as a popup; when too long for one, its short form (the card itself shows the whole note)."""
    if len(to_plain(note)) <= ALERT_LIMIT:
        return note
    return reader.text("bot/card_changed.html.j2", card=card, changes=[])


def outcome_note(reader: Recipient, after: OrderCard, done: str, *, in_approval: bool) -> str | None:
    """What the person would not guess from the card: the order went on to execution by itself, or could not."""
    if not in_approval or done == Action.START_EXECUTION:
        return None
    if after.stage is Stage.EXECUTION:
        return reader.text("bot/details/went_to_execution.html.j2", card=after)
    # The core says what still blocks execution; with every approval in, the rest is the manager's.
    if after.stage is Stage.APPROVAL and after.blockers and "approvals" not in after.blockers:
        return reader.text("bot/details/approved_needs_terms.html.j2", card=after)
    return None
