"""The lines of a request entered by conversation: item, configuration, quantity, required-by date.

A line goes to the order as soon as its date is typed: the first registers the order with it
(core `register_request`, once however often it is retried), the next are added (`add_line`).
Until then its draft lives in the conversation's state, so a restart or a pause loses nothing.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.handlers.cards import show_card
from bot.handlers.new_request_state import (
    MAX_CHOICES,
    MAX_SEARCH,
    LineDraft,
    NewRequest,
    Step,
    button,
    finish,
    next_option,
    offer,
    on_tap,
    on_typed,
    save,
    today,
)
from bot.handlers.new_request_steps import ask, registered_as
from bot.staff import Staff
from core import use_cases as uc
from core import validation
from core.errors import DomainError, ErrorCode
from core.parsing import parse_date, parse_id
from core.search import fold
from core.use_cases import LineInput
from core.use_cases.catalogue import ItemOffer
from core.views import OrderCard

T = "bot/new_request/"
# Refusals after which the order can take no more lines from this conversation.
ORDER_GONE = frozenset(
    {ErrorCode.LINES_LOCKED, ErrorCode.ORDER_NOT_FOUND, ErrorCode.NOT_YOUR_ORDER, ErrorCode.NOT_ALLOWED}
)


@on_typed(Step.ITEM)
async def item_typed(staff: Staff, text: str, state: NewRequest) -> None:
    """A code or part of a name: the matches as buttons; an exact code is taken at once."""
    typed = text.strip()
    if len(typed) > MAX_SEARCH:
        await staff.send(staff.text(T + "search_too_long.html.j2", length=len(typed), what="item"))
        return
    found = await uc.find_items(staff.services.db, text=typed, limit=MAX_CHOICES)
    exact = [choice for choice in found if fold(choice.code) == fold(typed)]
    if len(exact) == 1:
        await item_chosen(staff, state, exact[0].id, edit=False)
        return
    if not found:
        await staff.send(staff.text(T + "item_none.html.j2", typed=typed))
        return
    rows = [[button(staff, state, "i", item.id, shows="item", code=item.code, name=item.name)] for item in found]
    await staff.send(staff.text(T + "item_choices.html.j2", typed=typed), InlineKeyboardMarkup(rows))


@on_tap("i", Step.ITEM, Step.OPTION, Step.QUANTITY, Step.DATE)
async def item_tapped(staff: Staff, state: NewRequest, args: tuple[str, ...]) -> None:
    """An item picked from the matches; a line half entered starts again with this item."""
    item_id = parse_id(args[0]) if args else None
    if item_id is None:
        await staff.answer(staff.text("bot/button_unknown.html.j2"), alert=True)
        return
    await item_chosen(staff, state, item_id, edit=True)


async def item_chosen(staff: Staff, state: NewRequest, item_id: int, *, edit: bool) -> None:
    """The item of the line: its options next, or straight to the quantity; an item without a price is refused."""
    item = await uc.item_offer(staff.services.db, item_id=item_id, on=today(staff), currency=state.currency)
    if item.price is None:
        raise DomainError(ErrorCode.PRICE_NOT_FOUND, code=item.code, name=item.name, currency=item.currency)
    state.line, state.step = LineDraft(item_id=item.id), Step.OPTION if item.options else Step.QUANTITY
    await save(staff, state)
    await ask(staff, state, edit=edit, item=item)


@on_tap("o", Step.OPTION)
async def option_tapped(staff: Staff, state: NewRequest, args: tuple[str, ...]) -> None:
    """A value of the item's next option: `o:<item>:<option>:<value>` by position in the item's options."""
    item = await offer(staff, current(state).item_id)
    try:
        item_id, option_index, value_index = (int(arg) for arg in args[:3])
        choice = item.options[option_index]
        value = choice.values[value_index][0]
    except (ValueError, IndexError):
        await staff.answer(staff.text("bot/button_unknown.html.j2"), alert=True)
        return
    if item_id != item.id:
        await staff.answer(staff.text(T + "stale_button.html.j2"), alert=True)
        return
    await option_chosen(staff, state, item, choice.option, value)


@on_typed(Step.OPTION)
async def option_typed(staff: Staff, text: str, state: NewRequest) -> None:
    """A value typed instead of tapped is taken when it names one; otherwise the buttons again."""
    line = current(state)
    item = await offer(staff, line.item_id)
    _, choice = next_option(item, line.options)
    named = [value for value, _ in choice.values if fold(value) == fold(text)]
    if not named:
        await staff.send(staff.text(T + "tap_a_button.html.j2"))
        await ask(staff, state, item=item)
        return
    await option_chosen(staff, state, item, choice.option, named[0], edit=False)


async def option_chosen(
    staff: Staff, state: NewRequest, item: ItemOffer, option: str, value: str, *, edit: bool = True
) -> None:
    options = current(state).options
    options[option] = value
    if all(choice.option in options for choice in item.options):
        state.step = Step.QUANTITY
    await save(staff, state)
    await ask(staff, state, edit=edit, item=item)


@on_typed(Step.QUANTITY)
async def quantity_typed(staff: Staff, text: str, state: NewRequest) -> None:
    """How many, in the item's unit; a bad number is refused by the core's check, and the step stays."""
    line = current(state)
    item = await offer(staff, line.item_id)
    quantity = validation.quantity(text.strip(), whole=item.whole_units, unit=item.unit)
    line.quantity, state.step = str(quantity), Step.DATE
    await save(staff, state)
    await ask(staff, state, item=item)


@on_typed(Step.DATE)
async def date_typed(staff: Staff, text: str, state: NewRequest) -> None:
    """The required-by date completes the line: it goes to the order at once (the first one registers it)."""
    local_today = today(staff)
    required_by = validation.required_by(parse_date(text, today=local_today), today=local_today)
    line = current(state)
    typed = LineInput(
        item_id=line.item_id, quantity=line.quantity or "", required_by=required_by, options=dict(line.options)
    )
    first = not state.registered
    try:
        card = await (add_to_order(staff, state, typed) if state.registered else register(staff, state, typed))
    except DomainError as refusal:
        if refusal.code in ORDER_GONE:
            await finish(staff)
        raise
    item = await offer(staff, line.item_id)
    registered_as(state, card)
    state.line, state.step = None, Step.ITEM
    await save(staff, state)
    added = max(card.lines, key=lambda view: view.position)
    markup = InlineKeyboardMarkup([[button(staff, state, "m"), button(staff, state, "d")]])
    text = staff.text(T + "line_added.html.j2", request=state, line=added, offer=item, registered=first)
    await staff.send(text, markup)


async def register(staff: Staff, state: NewRequest, line: LineInput) -> OrderCard:
    """The order, registered with its first line: all at once or nothing, and once for this conversation."""
    settings = staff.services.settings
    if state.counterparty_id is None:
        raise LookupError("a conversation at the line steps with neither an order nor a customer")
    return await uc.register_request(
        staff.services.db,
        actor_id=staff.person.id,
        counterparty_id=state.counterparty_id,
        responsible_id=state.responsible_id,
        now=staff.services.now(),
        lines=[line],
        currency=state.currency,
        number_prefix=settings.order_number_prefix,
        number_digits=settings.order_number_digits,
        # A retry of this step (a resent date, another replica) finds the order instead of making another.
        request_key=f"new:{staff.person.id}:{state.fid}",
    )


async def add_to_order(staff: Staff, state: NewRequest, line: LineInput) -> OrderCard:
    assert state.order_id is not None
    return await uc.add_line(
        staff.services.db,
        actor_id=staff.person.id,
        order_id=state.order_id,
        item_id=line.item_id,
        quantity=line.quantity,
        required_by=line.required_by,
        options=line.options,
        now=staff.services.now(),
    )


def current(state: NewRequest) -> LineDraft:
    """The line being entered; the line steps are reached only with one."""
    if state.line is None:
        raise LookupError("a line step with no line")
    return state.line


@on_tap("m", Step.ITEM)
async def more_tapped(staff: Staff, state: NewRequest, _args: tuple[str, ...]) -> None:
    """Another line: ask for its item."""
    await ask(staff, state, edit=True)


@on_tap("d", Step.ITEM)
async def done_tapped(staff: Staff, state: NewRequest, _args: tuple[str, ...]) -> None:
    """The request is entered: the conversation ends and the order's card takes the message's place."""
    if state.order_id is None:  # [Done] is shown only once a line is in
        await staff.answer(staff.text(T + "stale_button.html.j2"), alert=True)
        return
    await finish(staff)
    card = await uc.get_order(staff.services.db, viewer_id=staff.person.id, order_id=state.order_id)
    await show_card(staff, card)
