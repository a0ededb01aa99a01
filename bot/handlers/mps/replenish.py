"""/mps_replenish: what replenishing would add, then «Пополнить» adds it (`m:r`).

The button carries nothing but the wish: the core plans what is missing at the tap, so a stale
preview or a second tap adds nothing twice, and the reply says what was (or was not) added.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import REPLENISH, Prefix, pack
from bot.handlers.card.views import mps_label
from bot.staff import Reply
from core import use_cases as uc


async def mps_replenish_command(reply: Reply) -> None:
    """/mps_replenish: the preview, with «Пополнить» when there is something to add (planners only)."""
    preview = await uc.preview_replenishment(reply.services.db, actor_id=reply.person.id, now=reply.services.now())
    text = reply.text("bot/mps/replenish.html.j2", result=preview)
    if preview.nothing:
        await reply.send(text)
        return
    button = InlineKeyboardButton(mps_label(reply.recipient, "replenish"), callback_data=pack(Prefix.MPS, REPLENISH))
    await reply.send(text, InlineKeyboardMarkup([[button]]))


async def replenish_tap(reply: Reply) -> None:
    """«Пополнить»: plan what is missing now; the preview is replaced by what was added (or that nothing was)."""
    done = await uc.replenish_mps(reply.services.db, actor_id=reply.person.id, now=reply.services.now())
    await reply.show(reply.text("bot/mps/replenish.html.j2", result=done))
