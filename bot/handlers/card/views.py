"""The card's read-only views: the order's history grouped by stage, and production progress by line.

Each fits one message: the history shows its latest entries and pages back with ◀ (`d:h:<order>:<end>`),
the progress pages its lines (`d:p:<order>:<page>`); both come back to the card. Paging only reads,
and reads again through the core, so an old or forged page button shows no more than the person may see.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import MADE, Prefix, Tap, pack
from bot.handlers.card.prompts import HISTORY, PROGRESS, back_button, label
from bot.handlers.card.screen import fits, paged
from bot.recipient import Recipient
from bot.staff import Reply
from core import use_cases as uc
from core import validation
from core.lateness import LineProgress
from core.models import ProductionState
from core.roles import Role
from core.stages import Stage
from core.views import HistoryEntry, OrderCard
from templates import render_plain

Entry = tuple[int, Stage, HistoryEntry]  # the number of its stage's group, the stage, the entry
HISTORY_PAGE = 12  # entries at most on one page of the history
PROGRESS_PAGE = 10  # lines at most on one page of the progress


async def history(reply: Reply, card: OrderCard, _action: str, _tap: Tap) -> None:
    """The order's journal, grouped by stage: the latest entries first."""
    await show_history(reply, card, end=None)


async def progress(reply: Reply, card: OrderCard, _action: str, _tap: Tap) -> None:
    """Production of the order, line by line, with what is late."""
    await show_progress(reply, card, page=0)


async def show_history(reply: Reply, card: OrderCard, *, end: int | None) -> None:
    """The entries before `end` (the latest if None), as many as fit, under their stages' headings."""
    groups = await uc.order_history(reply.services.db, viewer_id=reply.person.id, order_id=card.id)
    entries = [(number, group.stage, entry) for number, group in enumerate(groups) for entry in group.entries]
    text, start, end = history_page(reply.recipient, card, entries, end=end)
    paging = []
    if start > 0:
        paging.append(detail_button(reply, "earlier", HISTORY, card.id, start))
    if end < len(entries):
        paging.append(detail_button(reply, "later", HISTORY, card.id, min(len(entries), end + HISTORY_PAGE)))
    await reply.show(text, with_way_back(reply, card, paging))


def history_page(reader: Recipient, card: OrderCard, entries: list[Entry], *, end: int | None) -> tuple[str, int, int]:
    """The text of the entries before `end`, as many as fit one message (at most a page): (text, start, end)."""
    total = len(entries)
    end = total if end is None else min(max(end, 1), total)
    size = min(HISTORY_PAGE, end)
    while True:
        start = end - size
        shown = regroup(entries[start:end])
        text = reader.text("bot/details/history.html.j2", card=card, groups=shown, start=start, end=end, total=total)
        if size <= 1 or fits(text):
            return text, start, end
        size -= 1


def regroup(entries: list[Entry]) -> list[tuple[Stage, list[HistoryEntry]]]:
    """Entries under the heading of their stage, a stage returned to being a heading of its own."""
    groups: list[tuple[int, Stage, list[HistoryEntry]]] = []
    for number, stage, entry in entries:
        if not groups or groups[-1][0] != number:
            groups.append((number, stage, []))
        groups[-1][2].append(entry)
    return [(stage, shown) for _number, stage, shown in groups]


async def show_progress(reply: Reply, card: OrderCard, *, page: int) -> None:
    """Per line made of planned, the percent, the expected finish against the required-by date, late lines
    marked, the actual cost against the planned; a planner gets a button per line to record what was made."""
    progress = await uc.production_progress(
        reply.services.db, viewer_id=reply.person.id, now=reply.services.now(), order_id=card.id
    )
    today = validation.local_today(reply.services.now(), reply.person.time_zone)

    def render_page(shown: tuple[Any, ...], number: int, pages: int) -> str:
        return reply.text(
            "bot/details/progress.html.j2",
            card=card,
            rows=shown,
            page=number,
            pages=pages,
            today=today,
            progress=progress,
            made=progress.made,
            late=progress.late,
        )

    text, page, pages = paged(render_page, list(progress.rows), page=page, most=PROGRESS_PAGE)
    paging = []
    if page > 0:
        paging.append(detail_button(reply, "page_back", PROGRESS, card.id, page - 1))
    if page < pages - 1:
        paging.append(detail_button(reply, "page_on", PROGRESS, card.id, page + 1))
    markup = with_way_back(reply, card, paging)
    if Role.PLANNER in reply.person.roles and card.stage is Stage.EXECUTION:
        shown = progress.rows[page * PROGRESS_PAGE : (page + 1) * PROGRESS_PAGE] if pages > 1 else progress.rows
        markup = InlineKeyboardMarkup([*made_buttons(reply, card, shown), *markup.inline_keyboard])
    await reply.show(text, markup)


def made_buttons(reply: Reply, card: OrderCard, rows: Sequence[LineProgress]) -> list[list[InlineKeyboardButton]]:
    """«✏️ Made: line N», three to a row, for the lines not made yet (`bot.handlers.mps.made`)."""
    buttons = [
        InlineKeyboardButton(
            mps_label(reply.recipient, "made", position=row.line.position), callback_data=made_data(card, row)
        )
        for row in rows
        if row.line.production_state != ProductionState.DONE and row.planned
    ]
    return [buttons[i : i + 3] for i in range(0, len(buttons), 3)]


def mps_label(reader: Recipient, which: str, /, **context: Any) -> str:
    """A button of the MPS's screens: plain, since Telegram shows button texts as they are."""
    return render_plain("bot/mps/label.html.j2", lang=reader.lang, which=which, **context)


def made_data(card: OrderCard, row: LineProgress) -> str:
    return pack(Prefix.MPS, MADE, card.id, row.line.position)


def with_way_back(reply: Reply, card: OrderCard, paging: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([row for row in (paging, [back_button(reply, card, "to_order")]) if row])


def detail_button(reply: Reply, which: str, view: str, order_id: int, where: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label(reply, which), callback_data=pack(Prefix.DETAIL, view, order_id, where))
