"""The registry: /orders with filters and pages, /find, a typed order number, the taps on a list.

The filters live in the person's draft (`registry_filters`); a button names only a page, an
order or a choice, and everything it names is checked again: a page past the end, a stage
that does not exist, a customer that was not offered, an order one may not see change nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.callbacks import Tap, unpack
from bot.drafts import end_flow, flow, start_flow
from bot.handlers import registry_export
from bot.handlers.cards import show_card, show_order
from bot.handlers.registry_filters import (
    PERIODS,
    STAGES,
    RegistryFilters,
    change_filters,
    load_filters,
    may_choose_whose,
    save_filters,
)
from bot.handlers.registry_view import (
    ALL,
    BACK,
    COUNTERPARTY,
    EXPORT_FOUND,
    MENU,
    OPEN,
    PAGE,
    PERIOD,
    REGISTRY,
    RESET,
    STAGE,
    WHOSE,
    PageMissing,
    counterparty_keyboard,
    page_keyboard,
    page_text,
    read_page,
    show_menu,
    show_page,
)
from bot.handlers.text import claims_text, on_flow
from bot.staff import Staff, for_staff
from core import use_cases as uc
from core.numbering import order_number
from core.validation import clean

COUNTERPARTY_FLOW = "registry_counterparty"
MIN_SEARCH = 2
MAX_SEARCH = 100

RegistryTap = Callable[[Staff, Tap], Awaitable[None]]
TAPS: dict[str, RegistryTap] = {}


def on_tap(what: str) -> Callable[[RegistryTap], RegistryTap]:
    def register(handler: RegistryTap) -> RegistryTap:
        TAPS[what] = handler
        return handler

    return register


@for_staff
async def orders_command(staff: Staff) -> None:
    """/orders: the first page of the registry with the person's filters (a search is left behind)."""
    await end_own_flow(staff)
    chosen = await load_filters(staff)
    if chosen.search:
        chosen = replace(chosen, search="")
        await save_filters(staff, chosen)
    await show_page(staff, chosen)


@for_staff
async def find_command(staff: Staff) -> None:
    """/find TEXT: the orders whose number, customer or tax id contains the text, as a registry page."""
    message = staff.update.effective_message
    typed = (message.text or "").split(maxsplit=1)[1:] if message is not None else []
    text = clean(typed[0])[:MAX_SEARCH] if typed else ""
    if not text:
        await staff.send(staff.text("bot/registry/find_usage.html.j2"))
        return
    chosen = replace(await load_filters(staff), search=text)
    found = await read_page(staff, chosen, 0)
    if not found.total_count:
        await staff.send(staff.text("bot/registry/find_nothing.html.j2", text=text))
        return
    await end_own_flow(staff)
    await save_filters(staff, chosen)
    await staff.send(page_text(staff, chosen, found), page_keyboard(staff, chosen, found, 0))


@for_staff
async def registry_tap(staff: Staff) -> None:
    """A tap on a registry's button: a page, an order, a filter; anything else changes nothing."""
    assert staff.query is not None
    tap = unpack(staff.query.data)
    handler = TAPS.get(tap.arg(0))
    if handler is None:
        await refuse_button(staff)
        return
    await handler(staff, tap)


def choice_arg(tap: Tap, index: int) -> int | None:
    """A page or a choice, where 0 means something (the first page, any customer, everyone's), unlike in an id."""
    return 0 if tap.arg(index) == "0" else tap.int_arg(index)


async def refuse_button(staff: Staff) -> None:
    await staff.answer(staff.text("bot/button_unknown.html.j2"), alert=True)


@on_tap(PAGE)
async def page_tap(staff: Staff, tap: Tap) -> None:
    """◀ ▶: another page with the same filters; a page that is not there changes nothing."""
    page = choice_arg(tap, 1)
    if page is None:
        await refuse_button(staff)
        return
    try:
        await show_page(staff, await load_filters(staff), page)
    except PageMissing as missing:
        await staff.answer(staff.text("bot/registry/page_missing.html.j2", pages=missing.pages), alert=True)


@on_tap(OPEN)
async def open_tap(staff: Staff, tap: Tap) -> None:
    """A number under the list: the order's card, below the list; the core decides whether one may see it."""
    order_id = tap.int_arg(1)
    if order_id is None:
        await refuse_button(staff)
        return
    card = await uc.get_order(staff.services.db, viewer_id=staff.person.id, order_id=order_id)
    await show_card(staff, card, new=True)


@on_tap(MENU)
async def menu_tap(staff: Staff, tap: Tap) -> None:
    """A filter's button: its choices; the customer is typed, so that one starts a short conversation."""
    menu = tap.arg(1)
    if menu not in (STAGE, PERIOD, COUNTERPARTY):
        await refuse_button(staff)
        return
    if menu == COUNTERPARTY:
        state = await flow(staff)
        if state and state.get("kind") != COUNTERPARTY_FLOW:
            await staff.answer(staff.text("bot/registry/flow_busy.html.j2"), alert=True)
            return
        await start_flow(staff, COUNTERPARTY_FLOW)
    await show_menu(staff, await load_filters(staff), menu)


@on_tap(STAGE)
async def stage_tap(staff: Staff, tap: Tap) -> None:
    """A stage chosen (or every stage but the archive)."""
    stage = tap.arg(1)
    if stage != ALL and stage not in STAGES:
        await refuse_button(staff)
        return
    await show_page(staff, await change_filters(staff, stage="" if stage == ALL else stage))


@on_tap(PERIOD)
async def period_tap(staff: Staff, tap: Tap) -> None:
    """A period chosen: today, this week, this month, all time."""
    period = tap.arg(1)
    if period not in PERIODS:
        await refuse_button(staff)
        return
    await show_page(staff, await change_filters(staff, period=period))


@on_tap(WHOSE)
async def whose_tap(staff: Staff, tap: Tap) -> None:
    """A head of sales switches between their own orders and everyone's."""
    mine = choice_arg(tap, 1)
    if mine not in (0, 1) or not may_choose_whose(staff):
        await refuse_button(staff)
        return
    await show_page(staff, await change_filters(staff, mine=mine == 1))


@on_tap(COUNTERPARTY)
async def counterparty_tap(staff: Staff, tap: Tap) -> None:
    """A customer picked from those just offered (0: any customer); one never offered changes nothing."""
    counterparty_id = choice_arg(tap, 1)
    if counterparty_id is None:
        await refuse_button(staff)
        return
    current = await load_filters(staff)
    if counterparty_id and counterparty_id == current.counterparty_id:
        await show_page(staff, current)  # a second tap on the same customer: nothing more to do
        return
    state = await flow(staff)
    own = state.get("kind") == COUNTERPARTY_FLOW
    offered = state.get("choices") if own else None
    choices: dict[str, Any] = offered if isinstance(offered, dict) else {}
    if counterparty_id and str(counterparty_id) not in choices:
        await staff.answer(staff.text("bot/registry/choice_gone.html.j2"), alert=True)
        return
    name = str(choices.get(str(counterparty_id), ""))
    chosen = await change_filters(staff, counterparty_id=counterparty_id or None, counterparty_name=name)
    if own:
        await end_flow(staff)
    await show_page(staff, chosen)


@on_tap(EXPORT_FOUND)
async def export_found_tap(staff: Staff, tap: Tap) -> None:
    """📥 under a search: the file of what that search found."""
    await registry_export.export_found(staff, tap.arg(1))


@on_tap(RESET)
async def reset_tap(staff: Staff, tap: Tap) -> None:
    """Every filter back to the plain registry."""
    await end_own_flow(staff)
    chosen = RegistryFilters()
    await save_filters(staff, chosen)
    await show_page(staff, chosen)


@on_tap(BACK)
async def back_tap(staff: Staff, tap: Tap) -> None:
    """From a menu or a search back to the registry with its filters."""
    await end_own_flow(staff)
    chosen = await load_filters(staff)
    if chosen.search:
        chosen = replace(chosen, search="")
        await save_filters(staff, chosen)
    await show_page(staff, chosen)


async def end_own_flow(staff: Staff) -> None:
    """Stop typing a customer's name, if that is what the person was doing; leave other conversations be."""
    if (await flow(staff)).get("kind") == COUNTERPARTY_FLOW:
        await end_flow(staff)


@on_flow(COUNTERPARTY_FLOW)
async def counterparty_typed(staff: Staff, text: str, state: dict[str, Any]) -> None:
    """Part of a customer's name (or a tax id) typed for the filter: the customers it matches, as buttons."""
    typed = text.strip()[:MAX_SEARCH]
    if len(typed) < MIN_SEARCH:
        await staff.send(staff.text("bot/registry/counterparty_too_short.html.j2"))
        return
    found = await uc.find_counterparties(staff.services.db, text=typed)
    if not found:
        await staff.send(staff.text("bot/registry/counterparty_not_found.html.j2", text=typed))
        return
    choices = {str(choice.id): choice.name for choice in found}
    await start_flow(staff, COUNTERPARTY_FLOW, choices=choices)
    markup = counterparty_keyboard(staff, await load_filters(staff), choices)
    await staff.send(staff.text("bot/registry/counterparty_choices.html.j2", text=typed), markup)


@claims_text
async def typed_number(staff: Staff, text: str) -> bool:
    """An order number typed on its own (ЗС-000012, зс-12, 12) opens that order's card."""
    settings = staff.services.settings
    number = order_number(text, prefix=settings.order_number_prefix, digits=settings.order_number_digits)
    if number is None:
        return False
    await show_order(staff, number)
    return True


def handlers() -> list[BaseHandler[Update, Any, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("orders", orders_command, filters=private),
        CommandHandler("find", find_command, filters=private),
        *registry_export.handlers(),
        CallbackQueryHandler(registry_tap, pattern=rf"^{REGISTRY}:"),
    ]
