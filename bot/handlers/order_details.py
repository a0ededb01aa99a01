"""The order card's details: decisions that need a reason, contract and terms, history, progress.

The card's buttons reach these through `on_action` (see order_decisions, order_terms, order_views);
this module adds the buttons of their own screens (`d:<view>:<order>[:<where>]`): back to the card,
and the pages of the history and of the progress. Nothing a button says is trusted: the order is
read again through the core, as the person may see it.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.callbacks import unpack
from bot.handlers.cards import show_card
from bot.handlers.order_decisions import REASON
from bot.handlers.order_prompts import BACK, DETAIL, HISTORY, PROGRESS, leave_flow
from bot.handlers.order_terms import TERMS
from bot.handlers.order_views import show_history, show_progress
from bot.staff import Staff, for_staff
from core import use_cases as uc
from core.policy import Action


@for_staff
async def detail_tap(staff: Staff) -> None:
    """A button of the card's own screens: back to the card, or another page of its history or progress."""
    assert staff.query is not None
    tap = unpack(staff.query.data)
    view, order_id, where = tap.arg(0), tap.int_arg(1), tap.int_arg(2)
    if order_id is None or view not in (BACK, HISTORY, PROGRESS) or (view != BACK and where is None):
        await staff.answer(staff.text("bot/button_unknown.html.j2"), alert=True)
        return
    card = await uc.get_order(staff.services.db, viewer_id=staff.person.id, order_id=order_id)
    if view == HISTORY:
        await show_history(staff, card, end=where)
    elif view == PROGRESS and Action.PROGRESS in card.actions:
        await show_progress(staff, card, page=where or 0)
    else:
        await leave_flow(staff, card.id, REASON, TERMS)
        await show_card(staff, card)
        if view == PROGRESS:
            await staff.answer(staff.text("bot/action_unavailable.html.j2", card=card), alert=True)


def handlers() -> list[BaseHandler[Update, Any, Any]]:
    return [CallbackQueryHandler(detail_tap, pattern=rf"^{DETAIL}:")]
