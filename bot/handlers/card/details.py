"""The order card's details: decisions that need a reason, contract and terms, history, progress.

The card's buttons reach these through `bot.routes.CARD_ACTIONS` (see `decisions`, `terms`,
`views`); this module handles the buttons of their own screens (`d:<view>:<order>[:<where>]`):
back to the card, and the pages of the history and of the progress. Nothing a button says is trusted: the order is
read again through the core, as the person may see it.
"""

from __future__ import annotations

from bot.handlers.card.decisions import REASON
from bot.handlers.card.prompts import BACK, HISTORY, PROGRESS, leave_flow
from bot.handlers.card.screen import show_card
from bot.handlers.card.terms import TERMS
from bot.handlers.card.views import show_history, show_progress
from bot.staff import Reply
from core import use_cases as uc
from core.policy import Action


async def detail_tap(reply: Reply) -> None:
    """A button of the card's own screens: back to the card, or another page of its history or progress."""
    tap = reply.tap
    view, order_id, where = tap.arg(0), tap.id(1), tap.position(2)
    if order_id is None or view not in (BACK, HISTORY, PROGRESS) or (view != BACK and where is None):
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    card = await uc.get_order(reply.services.db, viewer_id=reply.person.id, order_id=order_id)
    if view == HISTORY:
        await show_history(reply, card, end=where)
    elif view == PROGRESS and Action.PROGRESS in card.actions:
        await show_progress(reply, card, page=where or 0)
    else:
        await leave_flow(reply, card.id, REASON, TERMS)
        await show_card(reply, card)
        if view == PROGRESS:
            await reply.answer(reply.text("bot/action_unavailable.html.j2", card=card), alert=True)
