"""The registry: /orders with filters and pages, /find, a typed order number, the taps on a list.

Each kind of registry button (`r:<what>…`) has its own handler here, routed by PTB's patterns in
`bot.routes`.
The filters live in the person's draft (`registry.filters`); a button names only a page, an
order or a choice, and everything it names is checked again: a page past the end, a stage
that does not exist, a customer that was not offered, an order one may not see change nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.drafts import end_flow, flow, start_flow
from bot.handlers.card.screen import show_card, show_order
from bot.handlers.registry import export
from bot.handlers.registry.filters import (
    PERIODS,
    STAGES,
    RegistryFilters,
    change_filters,
    load_filters,
    may_choose_whose,
    save_filters,
)
from bot.handlers.registry.view import (
    ALL,
    COUNTERPARTY,
    PERIOD,
    STAGE,
    PageMissing,
    counterparty_keyboard,
    page_keyboard,
    page_text,
    read_page,
    show_menu,
    show_page,
)
from bot.staff import Reply
from core import use_cases as uc
from core.numbering import order_number
from core.validation import clean

COUNTERPARTY_FLOW = "registry_counterparty"
MIN_SEARCH = 2
MAX_SEARCH = 100


async def orders_command(reply: Reply) -> None:
    """/orders: the first page of the registry with the person's filters (a search is left behind)."""
    await registry_with_filters(reply)


async def find_command(reply: Reply) -> None:
    """/find TEXT: the orders whose number, customer or tax id contains the text, as a registry page."""
    message = reply.update.effective_message
    typed = (message.text or "").split(maxsplit=1)[1:] if message is not None else []
    text = clean(typed[0])[:MAX_SEARCH] if typed else ""
    if not text:
        await reply.send(reply.text("bot/registry/find_usage.html.j2"))
        return
    chosen = replace(await load_filters(reply), search=text)
    found = await read_page(reply, chosen, 0)
    if not found.total_count:
        await reply.send(reply.text("bot/registry/find_nothing.html.j2", text=text))
        return
    await end_own_flow(reply)
    await save_filters(reply, chosen)
    await reply.send(page_text(reply, chosen, found), page_keyboard(reply, chosen, found, 0))


async def refuse_button(reply: Reply) -> None:
    await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)


async def page_tap(reply: Reply) -> None:
    """◀ ▶: another page with the same filters; a page that is not there changes nothing."""
    tap = reply.tap
    page = tap.position(1)
    if page is None:
        await refuse_button(reply)
        return
    try:
        await show_page(reply, await load_filters(reply), page)
    except PageMissing as missing:
        await reply.answer(reply.text("bot/registry/page_missing.html.j2", pages=missing.pages), alert=True)


async def open_tap(reply: Reply) -> None:
    """A number under the list: the order's card, below the list; the core decides whether one may see it."""
    tap = reply.tap
    order_id = tap.id(1)
    if order_id is None:
        await refuse_button(reply)
        return
    card = await uc.get_order(reply.services.db, viewer_id=reply.person.id, order_id=order_id)
    await show_card(reply, card, new=True)


async def menu_tap(reply: Reply) -> None:
    """A filter's button: its choices; the customer is typed, so that one starts a short conversation."""
    tap = reply.tap
    menu = tap.arg(1)
    if menu not in (STAGE, PERIOD, COUNTERPARTY):
        await refuse_button(reply)
        return
    if menu == COUNTERPARTY:
        state = await flow(reply)
        if state and state.get("kind") != COUNTERPARTY_FLOW:
            await reply.answer(reply.text("bot/registry/flow_busy.html.j2"), alert=True)
            return
        await start_flow(reply, COUNTERPARTY_FLOW)
    await show_menu(reply, await load_filters(reply), menu)


async def stage_tap(reply: Reply) -> None:
    """A stage chosen (or every stage but the archive)."""
    tap = reply.tap
    stage = tap.arg(1)
    if stage != ALL and stage not in STAGES:
        await refuse_button(reply)
        return
    await show_page(reply, await change_filters(reply, stage="" if stage == ALL else stage))


async def period_tap(reply: Reply) -> None:
    """A period chosen: today, this week, this month, all time."""
    tap = reply.tap
    period = tap.arg(1)
    if period not in PERIODS:
        await refuse_button(reply)
        return
    await show_page(reply, await change_filters(reply, period=period))


async def whose_tap(reply: Reply) -> None:
    """A head of sales switches between their own orders and everyone's."""
    tap = reply.tap
    mine = tap.position(1)
    if mine not in (0, 1) or not may_choose_whose(reply):
        await refuse_button(reply)
        return
    await show_page(reply, await change_filters(reply, mine=mine == 1))


async def counterparty_tap(reply: Reply) -> None:
    """A customer picked from those just offered (0: any customer); one never offered changes nothing."""
    tap = reply.tap
    counterparty_id = tap.position(1)
    if counterparty_id is None:
        await refuse_button(reply)
        return
    current = await load_filters(reply)
    if counterparty_id and counterparty_id == current.counterparty_id:
        await show_page(reply, current)  # a second tap on the same customer: nothing more to do
        return
    state = await flow(reply)
    own = state.get("kind") == COUNTERPARTY_FLOW
    offered = state.get("choices") if own else None
    choices: dict[str, Any] = offered if isinstance(offered, dict) else {}
    if counterparty_id and str(counterparty_id) not in choices:
        await reply.answer(reply.text("bot/registry/choice_gone.html.j2"), alert=True)
        return
    name = str(choices.get(str(counterparty_id), ""))
    chosen = await change_filters(reply, counterparty_id=counterparty_id or None, counterparty_name=name)
    if own:
        await end_flow(reply)
    await show_page(reply, chosen)


async def export_found_tap(reply: Reply) -> None:
    """📥 under a search: the file of what that search found."""
    tap = reply.tap
    await export.export_found(reply, tap.arg(1))


async def reset_tap(reply: Reply) -> None:
    """Every filter back to the plain registry."""
    await end_own_flow(reply)
    chosen = RegistryFilters()
    await save_filters(reply, chosen)
    await show_page(reply, chosen)


async def back_tap(reply: Reply) -> None:
    """From a menu or a search back to the registry with its filters."""
    await registry_with_filters(reply)


async def registry_with_filters(reply: Reply) -> None:
    """The registry's page with the person's filters; a search on screen is left behind."""
    await end_own_flow(reply)
    chosen = await load_filters(reply)
    if chosen.search:
        chosen = replace(chosen, search="")
        await save_filters(reply, chosen)
    await show_page(reply, chosen)


async def end_own_flow(reply: Reply) -> None:
    """Stop typing a customer's name, if that is what the person was doing; leave other conversations be."""
    if (await flow(reply)).get("kind") == COUNTERPARTY_FLOW:
        await end_flow(reply)


async def counterparty_typed(reply: Reply, text: str, state: dict[str, Any]) -> None:
    """Part of a customer's name (or a tax id) typed for the filter: the customers it matches, as buttons."""
    typed = text.strip()[:MAX_SEARCH]
    if len(typed) < MIN_SEARCH:
        await reply.send(reply.text("bot/registry/counterparty_too_short.html.j2"))
        return
    found = await uc.find_counterparties(reply.services.db, text=typed)
    if not found:
        await reply.send(reply.text("bot/registry/counterparty_not_found.html.j2", text=typed))
        return
    choices = {str(choice.id): choice.name for choice in found}
    await start_flow(reply, COUNTERPARTY_FLOW, choices=choices)
    markup = counterparty_keyboard(reply, await load_filters(reply), choices)
    await reply.send(reply.text("bot/registry/counterparty_choices.html.j2", text=typed), markup)


async def typed_number(reply: Reply, text: str) -> bool:
    """An order number typed on its own (ЗС-000012, зс-12, 12) opens that order's card."""
    settings = reply.services.settings
    number = order_number(text, prefix=settings.order_number_prefix, digits=settings.order_number_digits)
    if number is None:
        return False
    await show_order(reply, number)
    return True
