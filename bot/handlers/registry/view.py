"""The registry on screen: a page of orders with numbered buttons, ◀ ▶, and the filters as buttons.

Every button carries prefix `r` (see `bot.routes` and `bot.handlers.registry.browse` for what each does); the filters
themselves are in the person's draft, so a button names only a page, an order or a choice.
"""

from __future__ import annotations

import zlib
from datetime import UTC, date, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Prefix, pack
from bot.handlers.registry.filters import PERIODS, STAGES, RegistryFilters, may_choose_whose
from bot.staff import Reply
from core import use_cases as uc
from core.validation import zone
from core.views import OrderPage
from templates.rendering import to_plain

NUMBERS_PER_ROW = 5

# What the second part of an `r:` button says.
PAGE, OPEN, MENU, STAGE, PERIOD, WHOSE, COUNTERPARTY, RESET, BACK = "p", "o", "m", "s", "d", "w", "c", "x", "b"
EXPORT_FOUND = "e"
ALL = "all"


class PageMissing(Exception):
    """The page asked for is past the end of the list (a forged or an old button)."""

    def __init__(self, pages: int) -> None:
        super().__init__(pages)
        self.pages = pages


def button(text: str, *args: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=pack(Prefix.REGISTRY, *args))


def label(reply: Reply, name: str, filters: RegistryFilters, value: str = "") -> str:
    """A button's text: plain, since Telegram shows a button's text as it is (no HTML entities)."""
    return to_plain(reply.text("bot/registry/label.html.j2", name=name, filters=filters, value=value))


async def read_page(reply: Reply, filters: RegistryFilters, page: int) -> OrderPage:
    """One page of the orders the filters match; PageMissing past the end (page 0 always exists)."""
    size = reply.services.settings.page_size
    found = await uc.list_orders(
        reply.services.db,
        viewer_id=reply.person.id,
        filters=filters.order_filter(reply),
        offset=page * size,
        limit=size,
    )
    if page > 0 and not found.rows:
        raise PageMissing(pages=max(1, -(-found.total_count // size)))
    return found


async def show_page(reply: Reply, filters: RegistryFilters, page: int = 0) -> OrderPage:
    """Put a page of the registry on screen: in place of the tapped message, or as a new one."""
    found = await read_page(reply, filters, page)
    await reply.show(page_text(reply, filters, found), page_keyboard(reply, filters, found, page))
    return found


def page_text(reply: Reply, filters: RegistryFilters, found: OrderPage) -> str:
    tz = reply.person.time_zone
    rows = [(found.offset + n, row, local_day(row.created_at, tz)) for n, row in enumerate(found.rows, start=1)]
    return reply.text(
        "bot/registry/page.html.j2", page=found, rows=rows, filters=filters, whose=may_choose_whose(reply)
    )


def page_keyboard(reply: Reply, filters: RegistryFilters, found: OrderPage, page: int) -> InlineKeyboardMarkup:
    """Numbered buttons for the orders, ◀ ▶, then the filters (or the way back from a search)."""
    numbers = [button(str(found.offset + n), OPEN, row.id) for n, row in enumerate(found.rows, start=1)]
    rows = [numbers[i : i + NUMBERS_PER_ROW] for i in range(0, len(numbers), NUMBERS_PER_ROW)]
    paging = []
    if found.has_previous:
        paging.append(button("◀", PAGE, page - 1))
    if found.has_next:
        paging.append(button("▶", PAGE, page + 1))
    if paging:
        rows.append(paging)
    if filters.search:
        rows.append([button(label(reply, "export_found", filters), EXPORT_FOUND, search_mark(filters.search))])
        rows.append([button(label(reply, "back", filters), BACK)])
        return InlineKeyboardMarkup(rows)
    rows.append(
        [button(label(reply, "stage", filters), MENU, STAGE), button(label(reply, "period", filters), MENU, PERIOD)]
    )
    whose = [button(label(reply, "counterparty", filters), MENU, COUNTERPARTY)]
    if may_choose_whose(reply):
        whose.append(
            button(label(reply, "everyone" if filters.mine else "mine", filters), WHOSE, 0 if filters.mine else 1)
        )
    rows.append(whose)
    if filters != RegistryFilters():
        rows.append([button(label(reply, "reset", filters), RESET)])
    return InlineKeyboardMarkup(rows)


async def show_menu(reply: Reply, filters: RegistryFilters, menu: str) -> None:
    """The choices of one filter, in place of the list; the current choice is ticked."""
    if menu == STAGE:
        choices = [button(label(reply, "stage_choice", filters, ""), STAGE, ALL)]
        choices += [button(label(reply, "stage_choice", filters, stage), STAGE, stage) for stage in STAGES]
    elif menu == PERIOD:
        choices = [button(label(reply, "period_choice", filters, period), PERIOD, period) for period in PERIODS]
    else:
        choices = (
            [button(label(reply, "any_counterparty", filters), COUNTERPARTY, 0)] if filters.counterparty_id else []
        )
    rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
    rows.append([button(label(reply, "back", filters), BACK)])
    name = {STAGE: "stage", PERIOD: "period"}.get(menu, "counterparty")
    text = reply.text("bot/registry/menu.html.j2", menu=name, filters=filters, whose=may_choose_whose(reply))
    await reply.show(text, InlineKeyboardMarkup(rows))


def counterparty_keyboard(reply: Reply, filters: RegistryFilters, choices: dict[str, str]) -> InlineKeyboardMarkup:
    rows = [[button(name, COUNTERPARTY, counterparty_id)] for counterparty_id, name in choices.items()]
    if filters.counterparty_id:
        rows.append([button(label(reply, "any_counterparty", filters), COUNTERPARTY, 0)])
    rows.append([button(label(reply, "back", filters), BACK)])
    return InlineKeyboardMarkup(rows)


def search_mark(text: str) -> str:
    """A short mark of a search's text for its export button: a search typed since then is not exported instead."""
    return f"{zlib.crc32(text.encode()):08x}"


def local_day(moment: datetime, time_zone: str) -> date:
    """The date on the reader's calendar; a time read back without its zone is UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone(time_zone)).date()
