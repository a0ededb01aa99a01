"""The lines of a request entered by conversation: item, configuration, quantity, required-by date.

A line goes to the order as soon as its date is typed: the first registers the order with it
(core `register_request`, once however often it is retried), the next are added (`add_line`).
Until then its draft lives in the conversation's state, so a restart or a pause loses nothing.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.callbacks import Tap
from bot.handlers.card.screen import show_card
from bot.handlers.registering.customer import ask, registered_as
from bot.handlers.registering.state import (
    MAX_CHOICES,
    MAX_SEARCH,
    LineDraft,
    NewRequest,
    Step,
    button,
    finish,
    next_option,
    offer,
    option_value,
    save,
    today,
)
from bot.staff import Reply
from core import use_cases as uc
from core import validation
from core.errors import DomainError, ErrorCode
from core.parsing import parse_date
from core.search import fold
from core.use_cases import LineInput
from core.use_cases.catalogue import ItemOffer
from core.views import OrderCard

T = "bot/new_request/"
# Refusals after which the order can take no more lines from this conversation.
ORDER_GONE = frozenset(
    {ErrorCode.LINES_LOCKED, ErrorCode.ORDER_NOT_FOUND, ErrorCode.NOT_YOUR_ORDER, ErrorCode.NOT_ALLOWED}
)


async def item_typed(reply: Reply, text: str, state: NewRequest) -> None:
    """A code or part of a name: the matches as buttons; an exact code is taken at once."""
    typed = text.strip()
    if len(typed) > MAX_SEARCH:
        await reply.send(reply.text(T + "search_too_long.html.j2", length=len(typed), what="item"))
        return
    found = await uc.find_items(reply.services.db, text=typed, limit=MAX_CHOICES)
    exact = [choice for choice in found if fold(choice.code) == fold(typed)]
    if len(exact) == 1:
        await item_chosen(reply, state, exact[0].id, edit=False)
        return
    if not found:
        await reply.send(reply.text(T + "item_none.html.j2", typed=typed))
        return
    rows = [[button(reply, state, "i", item.id, shows="item", code=item.code, name=item.name)] for item in found]
    await reply.send(reply.text(T + "item_choices.html.j2", typed=typed), InlineKeyboardMarkup(rows))


async def item_tapped(reply: Reply, state: NewRequest, tap: Tap) -> None:
    """An item picked from the matches; a line half entered starts again with this item."""
    item_id = tap.id(0)
    if item_id is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    await item_chosen(reply, state, item_id, edit=True)


async def item_chosen(reply: Reply, state: NewRequest, item_id: int, *, edit: bool) -> None:
    """The item of the line: its options next, or straight to the quantity; an item without a price is refused."""
    item = await uc.item_offer(
        reply.services.db,
        item_id=item_id,
        on=today(reply),
        currency=state.currency,
        counterparty_id=state.counterparty_id,
    )
    if item.price is None:
        raise DomainError(ErrorCode.PRICE_NOT_FOUND, code=item.code, name=item.name, currency=item.currency)
    state.line, state.step = LineDraft(item_id=item.id), Step.OPTION if item.options else Step.QUANTITY
    await save(reply, state)
    await ask(reply, state, edit=edit, item=item)


async def option_tapped(reply: Reply, state: NewRequest, tap: Tap) -> None:
    """A value of the item's next option: `o:<item>:<option>:<value>` by position in the item's options."""
    item = await offer(reply, current(state).item_id)
    item_id, picked = tap.id(0), option_value(item, tap.position(1), tap.position(2))
    if item_id is None or picked is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    if item_id != item.id:
        await reply.answer(reply.text(T + "stale_button.html.j2"), alert=True)
        return
    await option_chosen(reply, state, item, *picked)


async def option_typed(reply: Reply, text: str, state: NewRequest) -> None:
    """A value typed instead of tapped is taken when it names one; otherwise the buttons again."""
    line = current(state)
    item = await offer(reply, line.item_id)
    _, choice = next_option(item, line.options)
    named = [value for value, _ in choice.values if fold(value) == fold(text)]
    if not named:
        await reply.send(reply.text(T + "tap_a_button.html.j2"))
        await ask(reply, state, item=item)
        return
    await option_chosen(reply, state, item, choice.option, named[0], edit=False)


async def option_chosen(
    reply: Reply, state: NewRequest, item: ItemOffer, option: str, value: str, *, edit: bool = True
) -> None:
    options = current(state).options
    options[option] = value
    if all(choice.option in options for choice in item.options):
        state.step = Step.QUANTITY
    await save(reply, state)
    await ask(reply, state, edit=edit, item=item)


async def quantity_typed(reply: Reply, text: str, state: NewRequest) -> None:
    """How many, in the item's unit; a bad number is refused by the core's check, and the step stays."""
    line = current(state)
    item = await offer(reply, line.item_id)
    quantity = validation.quantity(text.strip(), whole=item.whole_units, unit=item.unit)
    line.quantity, state.step = str(quantity), Step.DATE
    await save(reply, state)
    await ask(reply, state, item=item)


async def date_typed(reply: Reply, text: str, state: NewRequest) -> None:
    """The required-by date completes the line: it goes to the order at once (the first one registers it)."""
    local_today = today(reply)
    required_by = validation.required_by(parse_date(text, today=local_today), today=local_today)
    line = current(state)
    typed = LineInput(
        item_id=line.item_id, quantity=line.quantity or "", required_by=required_by, options=dict(line.options)
    )
    first = not state.registered
    try:
        card = await (add_to_order(reply, state, typed) if state.registered else register(reply, state, typed))
    except DomainError as refusal:
        if refusal.code in ORDER_GONE:
            await finish(reply)
        raise
    item = await offer(reply, line.item_id)
    registered_as(state, card)
    state.line, state.step = None, Step.ITEM
    await save(reply, state)
    added = max(card.lines, key=lambda view: view.position)
    markup = InlineKeyboardMarkup([[button(reply, state, "m"), button(reply, state, "d")]])
    text = reply.text(T + "line_added.html.j2", request=state, line=added, offer=item, registered=first)
    await reply.send(text, markup)


async def register(reply: Reply, state: NewRequest, line: LineInput) -> OrderCard:
    """The order, registered with its first line: all at once or nothing, and once for this conversation."""
    settings = reply.services.settings
    if state.counterparty_id is None:
        raise LookupError("a conversation at the line steps with neither an order nor a customer")
    return await uc.register_request(
        reply.services.db,
        actor_id=reply.person.id,
        counterparty_id=state.counterparty_id,
        responsible_id=state.responsible_id,
        now=reply.services.now(),
        lines=[line],
        currency=state.currency,
        number_prefix=settings.order_number_prefix,
        number_digits=settings.order_number_digits,
        # A retry of this step (a resent date, another replica) finds the order instead of making another.
        request_key=f"new:{reply.person.id}:{state.fid}",
    )


async def add_to_order(reply: Reply, state: NewRequest, line: LineInput) -> OrderCard:
    assert state.order_id is not None
    return await uc.add_line(
        reply.services.db,
        actor_id=reply.person.id,
        order_id=state.order_id,
        item_id=line.item_id,
        quantity=line.quantity,
        required_by=line.required_by,
        options=line.options,
        now=reply.services.now(),
    )


def current(state: NewRequest) -> LineDraft:
    """The line being entered; the line steps are reached only with one."""
    if state.line is None:
        raise LookupError("a line step with no line")
    return state.line


async def more_tapped(reply: Reply, state: NewRequest, _tap: Tap) -> None:
    """Another line: ask for its item."""
    await ask(reply, state, edit=True)


async def done_tapped(reply: Reply, state: NewRequest, _tap: Tap) -> None:
    """The request is entered: the conversation ends and the order's card takes the message's place."""
    if state.order_id is None:  # [Done] is shown only once a line is in
        await reply.answer(reply.text(T + "stale_button.html.j2"), alert=True)
        return
    await finish(reply)
    card = await uc.get_order(reply.services.db, viewer_id=reply.person.id, order_id=state.order_id)
    await show_card(reply, card)
