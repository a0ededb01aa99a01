"""/export: the registry with the person's current filters as an XLSX file.

A search is exported by its own button under the search's result, never by /export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from telegram import InputFile
from telegram.constants import ChatAction, ParseMode

from bot.handlers.registry.filters import RegistryFilters, load_filters, may_choose_whose
from bot.handlers.registry.view import local_day, search_mark
from bot.staff import Reply
from bot.workbook import ExportRow, registry_workbook
from core import use_cases as uc
from core.views import OrderPage, OrderRow
from templates import language, render_plain
from templates.catalogue import translations
from templates.labels import STAGES, namer

BATCH = 100  # the most the core gives in one page
CENT = Decimal("0.01")


async def export_command(reply: Reply) -> None:
    """/export: what the person's registry shows (its filters, never a search typed since); a search has its button."""
    await send_export(reply, replace(await load_filters(reply), search=""))


async def export_found(reply: Reply, mark: str) -> None:
    """The export button under a search: what that search found, unless another search has been typed since."""
    chosen = await load_filters(reply)
    if not chosen.search or search_mark(chosen.search) != mark:
        await reply.answer(reply.text("bot/registry/search_gone.html.j2"), alert=True)
        return
    await reply.answer()
    await send_export(reply, chosen)


async def send_export(reply: Reply, chosen: RegistryFilters) -> None:
    """Every order the filters match, all pages, as a spreadsheet with a caption."""
    first, rows = await all_rows(reply, chosen)
    whose = may_choose_whose(reply)
    if not rows:
        await reply.send(reply.text("bot/registry/export_nothing.html.j2", filters=chosen, whose=whose))
        return
    chat = reply.update.effective_chat
    assert chat is not None
    await chat.send_action(ChatAction.UPLOAD_DOCUMENT)  # a long registry takes a moment
    title, *headers = render_plain("bot/registry/export_columns.html.j2", lang=reply.lang).splitlines()
    stage_name = namer(STAGES, translations(language(reply.lang)).gettext)
    exported = [export_row(row, time_zone=reply.person.time_zone, stage_name=stage_name) for row in rows]
    workbook = registry_workbook(exported, headers=headers, title=title)
    today = local_day(reply.services.now(), reply.person.time_zone)
    await chat.send_document(
        InputFile(workbook, filename=f"orders-{today.isoformat()}.xlsx"),
        caption=reply.text("bot/registry/export_caption.html.j2", page=first, filters=chosen, whose=whose),
        parse_mode=ParseMode.HTML,
    )


async def all_rows(reply: Reply, chosen: RegistryFilters) -> tuple[OrderPage, list[OrderRow]]:
    """Every row the filters match, page after page; the first page carries the count and totals."""
    order_filter = chosen.order_filter(reply)
    pages: list[OrderPage] = []
    while not pages or pages[-1].has_next:
        pages.append(
            await uc.list_orders(
                reply.services.db,
                viewer_id=reply.person.id,
                filters=order_filter,
                offset=len(pages) * BATCH,
                limit=BATCH,
            )
        )
    return pages[0], [row for page in pages for row in page.rows]


def export_row(row: OrderRow, *, time_zone: str, stage_name: Callable[[object], str]) -> ExportRow:
    """One order as the file shows it: the registry's row carries everything, the card is not read."""
    return ExportRow(
        number=row.number,
        created_on=local_day(row.created_at, time_zone),
        stage=stage_name(row.stage),
        counterparty=row.counterparty_name,
        tax_id=row.counterparty_tax_id or "",
        responsible=row.responsible_name,
        contract=row.contract_number or "",
        payment_terms=row.payment_terms_name or "",
        total=row.total.amount.quantize(CENT),
        currency=row.total.currency,
    )
