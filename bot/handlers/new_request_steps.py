"""Registering a request by conversation: counterparty, responsible, then line after line.

The customer and the responsible manager are kept in the conversation's state; the order is
registered with its first complete line (`new_request_items`), so a request is never empty and
/cancel before the first line registers nothing. Every step reads and writes the state in the
database (see `new_request_state`).
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.handlers.new_request_state import (
    MAX_CHOICES,
    MAX_SEARCH,
    NewRequest,
    Step,
    button,
    chosen,
    next_option,
    offer,
    on_tap,
    on_typed,
    save,
)
from bot.staff import Staff
from core import use_cases as uc
from core.parsing import parse_id
from core.roles import Role
from core.stages import SALES
from core.use_cases.catalogue import CounterpartyChoice, ItemOffer
from core.views import OrderCard

T = "bot/new_request/"
Markup = InlineKeyboardMarkup | None


async def ask(staff: Staff, state: NewRequest, *, edit: bool = False, item: ItemOffer | None = None) -> None:
    """Show the question of the step the conversation is at, with its buttons."""
    text, markup = await question(staff, state, item)
    if edit:
        await staff.show(text, markup)
    else:
        await staff.send(text, markup)


async def question(staff: Staff, state: NewRequest, item: ItemOffer | None = None) -> tuple[str, Markup]:
    step = state.step
    if step == Step.COUNTERPARTY:
        if state.choices:
            return counterparty_choices(staff, state)
        return staff.text(T + "ask_counterparty.html.j2"), None
    if step == Step.RESPONSIBLE:
        return await responsible_question(staff, state)
    line = state.line
    if step == Step.ITEM or line is None:
        done = [[button(staff, state, "d")]] if state.lines else []
        return staff.text(T + "ask_item.html.j2", request=state), InlineKeyboardMarkup(done) if done else None
    item = item or await offer(staff, line.item_id)
    context = {"request": state, "offer": item, "chosen": chosen(item, line.options)}
    context["unit_price"] = item.price_with(line.options)
    if step == Step.OPTION:
        index, choice = next_option(item, line.options)
        rows = [
            [button(staff, state, "o", item.id, index, number, shows="option", value=value, delta=delta)]
            for number, (value, delta) in enumerate(choice.values)
        ]
        text = staff.text(T + "ask_option.html.j2", option=choice.option, **context)
        return text, InlineKeyboardMarkup(rows)
    if step == Step.QUANTITY:
        return staff.text(T + "ask_quantity.html.j2", **context), None
    return staff.text(T + "ask_date.html.j2", quantity=line.quantity, **context), None


# --- the counterparty and the responsible manager ---


@on_typed(Step.COUNTERPARTY)
async def counterparty_typed(staff: Staff, text: str, state: NewRequest) -> None:
    """Part of the customer's name or tax id: the matches as buttons; one exact tax id is taken at once."""
    typed = text.strip()
    if len(typed) > MAX_SEARCH:
        await staff.send(staff.text(T + "search_too_long.html.j2", length=len(typed), what="counterparty"))
        return
    found = await uc.find_counterparties(staff.services.db, text=typed, limit=MAX_CHOICES)
    exact = [choice for choice in found if choice.tax_id and choice.tax_id == typed]
    if len(exact) == 1:
        await counterparty_chosen(staff, state, exact[0], edit=False)
        return
    if not found:
        await staff.send(staff.text(T + "counterparty_none.html.j2", typed=typed))
        return
    state.choices, state.typed = list(found), typed
    await save(staff, state)
    await staff.send(*counterparty_choices(staff, state))


def counterparty_choices(staff: Staff, state: NewRequest) -> tuple[str, Markup]:
    rows = [
        [button(staff, state, "c", choice.id, shows="counterparty", name=choice.name, tax_id=choice.tax_id)]
        for choice in state.choices
    ]
    return staff.text(T + "counterparty_choices.html.j2", typed=state.typed), InlineKeyboardMarkup(rows)


@on_tap("c", Step.COUNTERPARTY)
async def counterparty_tapped(staff: Staff, state: NewRequest, args: tuple[str, ...]) -> None:
    """A customer picked from the matches (only those the bot offered count)."""
    wanted = args[0] if args else ""
    picked = [choice for choice in state.choices if str(choice.id) == wanted]
    if not picked:
        await staff.answer(staff.text("bot/button_unknown.html.j2"), alert=True)
        return
    await counterparty_chosen(staff, state, picked[0], edit=True)


async def counterparty_chosen(staff: Staff, state: NewRequest, choice: CounterpartyChoice, *, edit: bool) -> None:
    """A head of sales names the responsible manager; anyone else is responsible themselves. Then the lines."""
    state.choices, state.typed = [], ""
    state.counterparty_id, state.counterparty_name = choice.id, choice.name
    if Role.HEAD in staff.person.roles:
        state.step = Step.RESPONSIBLE
    else:
        state.step, state.responsible_name = Step.ITEM, staff.person.full_name
    await save(staff, state)
    await ask(staff, state, edit=edit)


async def responsible_question(staff: Staff, state: NewRequest) -> tuple[str, Markup]:
    rows = [[button(staff, state, "r", staff.person.id, shows="me", name=staff.person.full_name)]]
    rows += [
        [button(staff, state, "r", person_id, shows="person", name=name)] for person_id, name in await sales(staff)
    ]
    return staff.text(T + "ask_responsible.html.j2", request=state), InlineKeyboardMarkup(rows)


async def sales(staff: Staff) -> list[tuple[int, str]]:
    """The other managers the request may be assigned to: (id, name), by name."""
    people = await uc.list_people(staff.services.db)
    others = (person for person in people if person.roles & SALES and person.id != staff.person.id)
    return sorted(((person.id, person.full_name) for person in others), key=lambda pair: pair[1])


@on_typed(Step.RESPONSIBLE)
async def responsible_typed(staff: Staff, _text: str, state: NewRequest) -> None:
    """The responsible manager is picked with a button: say so and show them again."""
    await staff.send(staff.text(T + "tap_a_button.html.j2"))
    await ask(staff, state)


@on_tap("r", Step.RESPONSIBLE)
async def responsible_tapped(staff: Staff, state: NewRequest, args: tuple[str, ...]) -> None:
    """The responsible manager picked among those offered (the core checks again at registration)."""
    person_id = parse_id(args[0]) if args else None
    offered = dict(await sales(staff)) | {staff.person.id: staff.person.full_name}
    if person_id is None or person_id not in offered:
        await staff.answer(staff.text("bot/button_unknown.html.j2"), alert=True)
        return
    state.responsible_id = None if person_id == staff.person.id else person_id
    state.responsible_name, state.step = offered[person_id], Step.ITEM
    await save(staff, state)
    await ask(staff, state, edit=True)


def registered_as(state: NewRequest, card: OrderCard) -> None:
    """What the questions show of the order from now on: its number, customer, lines and total."""
    state.order_id, state.number = card.id, card.number
    state.counterparty_id, state.responsible_id = None, None
    state.counterparty_name, state.responsible_name = card.counterparty_name, card.responsible_name
    state.lines, state.total, state.currency = len(card.lines), card.total.amount, card.total.currency
