"""Registering a request by conversation: counterparty, responsible, then line after line.

The order is registered as soon as its counterparty and responsible are known, and each
line is added as soon as it is complete, so a request left half-way is still registered.
Every step reads and writes the state in the database (see `new_request_state`).
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup

from bot.handlers.new_request_state import (
    MAX_CHOICES,
    MAX_SEARCH,
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
from core.roles import Role
from core.stages import SALES
from core.use_cases.catalogue import ItemOffer
from core.views import OrderCard

T = "bot/new_request/"
Markup = InlineKeyboardMarkup | None


async def ask(staff: Staff, state: dict[str, Any], *, edit: bool = False, item: ItemOffer | None = None) -> None:
    """Show the question of the step the conversation is at, with its buttons."""
    text, markup = await question(staff, state, item)
    if edit:
        await staff.show(text, markup)
    else:
        await staff.send(text, markup)


async def question(staff: Staff, state: dict[str, Any], item: ItemOffer | None = None) -> tuple[str, Markup]:
    step = state.get("step")
    if step == Step.COUNTERPARTY:
        if state.get("choices"):
            return counterparty_choices(staff, state, typed=state.get("typed", ""))
        return staff.text(T + "ask_counterparty.html.j2"), None
    if step == Step.RESPONSIBLE:
        return await responsible_question(staff, state)
    if step == Step.ITEM:
        done = [[button(staff, state, "d")]] if state.get("lines") else []
        return staff.text(T + "ask_item.html.j2", request=state), InlineKeyboardMarkup(done) if done else None
    line = state["line"]
    item = item or await offer(staff, line["item_id"])
    context = {"request": state, "offer": item, "chosen": chosen(item, line["options"])}
    context["unit_price"] = item.price_with(line["options"])
    if step == Step.OPTION:
        index, choice = next_option(item, line["options"])
        rows = [
            [button(staff, state, "o", item.id, index, number, shows="option", value=value, delta=delta)]
            for number, (value, delta) in enumerate(choice.values)
        ]
        text = staff.text(T + "ask_option.html.j2", option=choice.option, **context)
        return text, InlineKeyboardMarkup(rows)
    if step == Step.QUANTITY:
        return staff.text(T + "ask_quantity.html.j2", **context), None
    return staff.text(T + "ask_date.html.j2", quantity=line.get("quantity"), **context), None


# --- the counterparty and the responsible manager ---


@on_typed(Step.COUNTERPARTY)
async def counterparty_typed(staff: Staff, text: str, state: dict[str, Any]) -> None:
    """Part of the customer's name or tax id: the matches as buttons; one exact tax id is taken at once."""
    typed = text.strip()
    if len(typed) > MAX_SEARCH:
        await staff.send(staff.text(T + "search_too_long.html.j2", length=len(typed), what="counterparty"))
        return
    found = await uc.find_counterparties(staff.services.db, text=typed, limit=MAX_CHOICES)
    exact = [choice for choice in found if choice.tax_id and choice.tax_id == typed]
    if len(exact) == 1:
        await counterparty_chosen(staff, state, exact[0].id, exact[0].name, edit=False)
        return
    if not found:
        await staff.send(staff.text(T + "counterparty_none.html.j2", typed=typed))
        return
    state.update(choices=[{"id": c.id, "name": c.name, "tax_id": c.tax_id} for c in found], typed=typed)
    await save(staff, state)
    await staff.send(*counterparty_choices(staff, state, typed=typed))


def counterparty_choices(staff: Staff, state: dict[str, Any], *, typed: str) -> tuple[str, Markup]:
    rows = [
        [button(staff, state, "c", choice["id"], shows="counterparty", name=choice["name"], tax_id=choice["tax_id"])]
        for choice in state["choices"]
    ]
    return staff.text(T + "counterparty_choices.html.j2", typed=typed), InlineKeyboardMarkup(rows)


@on_tap("c", Step.COUNTERPARTY)
async def counterparty_tapped(staff: Staff, state: dict[str, Any], args: tuple[str, ...]) -> None:
    """A customer picked from the matches (only those the bot offered count)."""
    wanted = args[0] if args else ""
    picked = [choice for choice in state.get("choices", []) if str(choice["id"]) == wanted]
    if not picked:
        await staff.answer(staff.text("bot/button_unknown.html.j2"), alert=True)
        return
    await counterparty_chosen(staff, state, picked[0]["id"], picked[0]["name"], edit=True)


async def counterparty_chosen(
    staff: Staff, state: dict[str, Any], counterparty_id: int, name: str, *, edit: bool
) -> None:
    """A head of sales names the responsible manager; for anyone else the request is registered now."""
    state.pop("choices", None)
    state.pop("typed", None)
    if Role.HEAD in staff.person.roles:
        state.update(step=Step.RESPONSIBLE, counterparty_id=counterparty_id, counterparty_name=name)
        await save(staff, state)
        await ask(staff, state, edit=edit)
        return
    await register(staff, state, counterparty_id, None, edit=edit)


async def responsible_question(staff: Staff, state: dict[str, Any]) -> tuple[str, Markup]:
    people = await uc.list_people(staff.services.db)
    sales = sorted(
        (person for person in people if person.roles & SALES and person.id != staff.person.id),
        key=lambda person: person.full_name,
    )
    rows = [[button(staff, state, "r", staff.person.id, shows="me", name=staff.person.full_name)]]
    rows += [[button(staff, state, "r", person.id, shows="person", name=person.full_name)] for person in sales]
    return staff.text(T + "ask_responsible.html.j2", request=state), InlineKeyboardMarkup(rows)


@on_typed(Step.RESPONSIBLE)
async def responsible_typed(staff: Staff, _text: str, state: dict[str, Any]) -> None:
    """The responsible manager is picked with a button: say so and show them again."""
    await staff.send(staff.text(T + "tap_a_button.html.j2"))
    await ask(staff, state)


@on_tap("r", Step.RESPONSIBLE)
async def responsible_tapped(staff: Staff, state: dict[str, Any], args: tuple[str, ...]) -> None:
    """The responsible manager picked: the request is registered (the core checks who may assign whom)."""
    person_id = int(args[0]) if args and args[0].isdigit() and len(args[0]) <= 12 else None
    if person_id is None:
        await staff.answer(staff.text("bot/button_unknown.html.j2"), alert=True)
        return
    await register(staff, state, state["counterparty_id"], person_id, edit=True)


async def register(
    staff: Staff, state: dict[str, Any], counterparty_id: int, responsible_id: int | None, *, edit: bool
) -> None:
    """Register the request now, before any line: every request is registered, even an unfinished one."""
    settings = staff.services.settings
    card = await uc.register_request(
        staff.services.db,
        actor_id=staff.person.id,
        counterparty_id=counterparty_id,
        responsible_id=responsible_id,
        now=staff.services.now(),
        currency=settings.default_currency,
        number_prefix=settings.order_number_prefix,
        number_digits=settings.order_number_digits,
    )
    for key in ("counterparty_id", "choices", "typed"):
        state.pop(key, None)
    state.update(step=Step.ITEM, **order_summary(card))
    await save(staff, state)
    text = staff.text(T + "ask_item.html.j2", request=state, registered=True)
    await (staff.show(text) if edit else staff.send(text))


def order_summary(card: OrderCard) -> dict[str, Any]:
    """What the questions show of the order: its number, customer, lines and total."""
    return {
        "order_id": card.id,
        "number": card.number,
        "counterparty_name": card.counterparty_name,
        "responsible_name": card.responsible_name,
        "lines": len(card.lines),
        "total": str(card.total.amount),
        "currency": card.total.currency,
    }
