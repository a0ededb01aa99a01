"""Registering a request by conversation: counterparty, responsible, then line after line.

The customer and the responsible manager are kept in the conversation's state; the order is
registered with its first complete line (`registering.lines`), so a request is never empty and
/cancel before the first line registers nothing. Every step reads and writes the state in the
database (see `registering.state`).
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.callbacks import Tap
from bot.handlers.registering.state import (
    MAX_CHOICES,
    MAX_SEARCH,
    NewRequest,
    Step,
    button,
    chosen,
    next_option,
    offer,
    save,
)
from bot.staff import Reply
from core import use_cases as uc
from core.roles import Role
from core.stages import SALES
from core.use_cases.catalogue import CounterpartyChoice, ItemOffer
from core.views import OrderCard

T = "bot/new_request/"
Markup = InlineKeyboardMarkup | None


async def ask(reply: Reply, state: NewRequest, *, edit: bool = False, item: ItemOffer | None = None) -> None:
    """Show the question of the step the conversation is at, with its buttons."""
    text, markup = await question(reply, state, item)
    if edit:
        await reply.show(text, markup)
    else:
        await reply.send(text, markup)


async def question(reply: Reply, state: NewRequest, item: ItemOffer | None = None) -> tuple[str, Markup]:
    step = state.step
    if step == Step.COUNTERPARTY:
        if state.choices:
            return counterparty_choices(reply, state)
        return reply.text(T + "ask_counterparty.html.j2"), None
    if step == Step.RESPONSIBLE:
        return await responsible_question(reply, state)
    line = state.line
    if step == Step.ITEM or line is None:
        done = [[button(reply, state, "d")]] if state.lines else []
        return reply.text(T + "ask_item.html.j2", request=state), InlineKeyboardMarkup(done) if done else None
    item = item or await offer(reply, line.item_id)
    context = {"request": state, "offer": item, "chosen": chosen(item, line.options)}
    context["unit_price"] = item.price_with(line.options)
    if step == Step.OPTION:
        index, choice = next_option(item, line.options)
        rows = [
            [button(reply, state, "o", item.id, index, number, shows="option", value=value, delta=delta)]
            for number, (value, delta) in enumerate(choice.values)
        ]
        text = reply.text(T + "ask_option.html.j2", option=choice.option, **context)
        return text, InlineKeyboardMarkup(rows)
    if step == Step.QUANTITY:
        return reply.text(T + "ask_quantity.html.j2", **context), None
    return reply.text(T + "ask_date.html.j2", quantity=line.quantity, **context), None


# --- the counterparty and the responsible manager ---


async def counterparty_typed(reply: Reply, text: str, state: NewRequest) -> None:
    """Part of the customer's name or tax id: the matches as buttons; one exact tax id is taken at once."""
    typed = text.strip()
    if len(typed) > MAX_SEARCH:
        await reply.send(reply.text(T + "search_too_long.html.j2", length=len(typed), what="counterparty"))
        return
    found = await uc.find_counterparties(reply.services.db, text=typed, limit=MAX_CHOICES)
    exact = [choice for choice in found if choice.tax_id and choice.tax_id == typed]
    if len(exact) == 1:
        await counterparty_chosen(reply, state, exact[0], edit=False)
        return
    if not found:
        await reply.send(reply.text(T + "counterparty_none.html.j2", typed=typed))
        return
    state.choices, state.typed = list(found), typed
    await save(reply, state)
    await reply.send(*counterparty_choices(reply, state))


def counterparty_choices(reply: Reply, state: NewRequest) -> tuple[str, Markup]:
    rows = [
        [button(reply, state, "c", choice.id, shows="counterparty", name=choice.name, tax_id=choice.tax_id)]
        for choice in state.choices
    ]
    return reply.text(T + "counterparty_choices.html.j2", typed=state.typed), InlineKeyboardMarkup(rows)


async def counterparty_tapped(reply: Reply, state: NewRequest, tap: Tap) -> None:
    """A customer picked from the matches (only those the bot offered count)."""
    wanted = tap.id(0)
    picked = [choice for choice in state.choices if choice.id == wanted]
    if not picked:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    await counterparty_chosen(reply, state, picked[0], edit=True)


async def counterparty_chosen(reply: Reply, state: NewRequest, choice: CounterpartyChoice, *, edit: bool) -> None:
    """A head of sales names the responsible manager; anyone else is responsible themselves. Then the lines."""
    state.choices, state.typed = [], ""
    state.counterparty_id, state.counterparty_name = choice.id, choice.name
    if Role.HEAD in reply.person.roles:
        state.step = Step.RESPONSIBLE
    else:
        state.step, state.responsible_name = Step.ITEM, reply.person.full_name
    await save(reply, state)
    await ask(reply, state, edit=edit)


async def responsible_question(reply: Reply, state: NewRequest) -> tuple[str, Markup]:
    rows = [[button(reply, state, "r", reply.person.id, shows="me", name=reply.person.full_name)]]
    rows += [
        [button(reply, state, "r", person_id, shows="person", name=name)] for person_id, name in await sales(reply)
    ]
    return reply.text(T + "ask_responsible.html.j2", request=state), InlineKeyboardMarkup(rows)


async def sales(reply: Reply) -> list[tuple[int, str]]:
    """The other managers the request may be assigned to: (id, name), by name."""
    people = await uc.list_people(reply.services.db)
    others = (person for person in people if person.roles & SALES and person.id != reply.person.id)
    return sorted(((person.id, person.full_name) for person in others), key=lambda pair: pair[1])


async def responsible_typed(reply: Reply, _text: str, state: NewRequest) -> None:
    """The responsible manager is picked with a button: say so and show them again."""
    await reply.send(reply.text(T + "tap_a_button.html.j2"))
    await ask(reply, state)


async def responsible_tapped(reply: Reply, state: NewRequest, tap: Tap) -> None:
    """The responsible manager picked among those offered (the core checks again at registration)."""
    person_id = tap.id(0)
    offered = dict(await sales(reply)) | {reply.person.id: reply.person.full_name}
    if person_id is None or person_id not in offered:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    state.responsible_id = None if person_id == reply.person.id else person_id
    state.responsible_name, state.step = offered[person_id], Step.ITEM
    await save(reply, state)
    await ask(reply, state, edit=True)


def registered_as(state: NewRequest, card: OrderCard) -> None:
    """What the questions show of the order from now on: its number, customer, lines and total."""
    state.order_id, state.number = card.id, card.number
    state.counterparty_id, state.responsible_id = None, None
    state.counterparty_name, state.responsible_name = card.counterparty_name, card.responsible_name
    state.lines, state.total, state.currency = len(card.lines), card.total.amount, card.total.currency
