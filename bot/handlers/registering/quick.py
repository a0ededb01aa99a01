"""A request typed in one message: «Ромашка; ВК-12 x50 до 15.12; ВК-14 x10 до 20.12».

The core reads the message against the catalogues (`core.quick_entry`); this module shows the
preview it returns: the counterparty found, each line with its item, options, quantity, date,
price and amount, the total, and every part that could not be read pointed at with what to type
instead. The preview is kept in the flow state (never in a button), and [Создать] registers the
order with all its lines at once, or nothing.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.callbacks import Tap
from bot.handlers.card.screen import show_card
from bot.handlers.registering.state import (
    Created,
    NewRequest,
    Step,
    button,
    created_from,
    finish,
    new_state,
    save,
    today,
)
from bot.recipient import Recipient
from bot.staff import Reply
from core import use_cases as uc
from core.errors import DomainError
from core.parsing import looks_like_quick_entry
from core.quick_entry import QuickPreview, resolve_quick_entry
from core.stages import SALES
from templates import error_message
from templates.rendering import to_plain

T = "bot/new_request/"
MAX_MESSAGE = 4096


async def quick_entry(reply: Reply, text: str) -> bool:
    """A message with «;» and no conversation under way is read as a whole request (sales only)."""
    if not looks_like_quick_entry(text) or not reply.person.roles & SALES:
        return False
    await preview(reply, text)
    return True


async def preview(reply: Reply, text: str, *, edit: bool = False) -> None:
    """Read the message through the core, keep the result as the flow's state, show it with [Создать] [Исправить]."""
    currency = reply.services.settings.default_currency
    quick = await resolve_quick_entry(reply.services.db, text=text, today=today(reply), currency=currency)
    state = new_state(reply, Step.PREVIEW, text=text, quick=quick)
    await save(reply, state)
    await show_preview(reply, state, quick, edit=edit)


async def show_preview(reply: Reply, state: NewRequest, quick: QuickPreview, *, edit: bool) -> None:
    rows = [
        [button(reply, state, "qp", c.id, shows="counterparty", name=c.name, tax_id=c.tax_id)] for c in quick.candidates
    ]
    rows.append(
        [button(reply, state, "qc"), button(reply, state, "qe")] if quick.ready else [button(reply, state, "qe")]
    )
    text = preview_text(reply.recipient, quick)
    markup = InlineKeyboardMarkup(rows)
    await (reply.show(text, markup) if edit else reply.send(text, markup))


def preview_text(reader: Recipient, quick: QuickPreview) -> str:
    """The preview in one message: lines beyond what fits are counted rather than shown (the total has them all)."""

    def refused(refusal: DomainError) -> str:
        return error_message(refusal, lang=reader.lang, html=False)

    shown = len(quick.lines) + len(quick.unreadable)
    while True:
        text = reader.text(T + "quick_preview.html.j2", quick=quick, ready=quick.ready, shown=shown, refused=refused)
        if len(to_plain(text).encode("utf-16-le")) // 2 <= MAX_MESSAGE or shown == 0:
            return text
        shown -= 1


def kept(state: NewRequest) -> QuickPreview:
    """The preview of a conversation at the preview's steps (`NewRequest.from_data` guarantees one)."""
    if state.quick is None:
        raise LookupError("a preview step with no preview")
    return state.quick


# --- the preview's buttons, and text typed while it is shown ---


async def create_tapped(reply: Reply, state: NewRequest, _tap: Tap) -> None:
    """[Создать]: the order with all its lines at once; the conversation ends, so a second tap creates nothing."""
    quick = kept(state)
    if not quick.ready or quick.counterparty is None:
        await reply.answer(reply.text(T + "quick_not_ready.html.j2"), alert=True)
        return
    settings = reply.services.settings
    card = await uc.register_request(
        reply.services.db,
        actor_id=reply.person.id,
        counterparty_id=quick.counterparty.id,
        now=reply.services.now(),
        lines=quick.lines_to_register(),
        currency=quick.currency,
        number_prefix=settings.order_number_prefix,
        number_digits=settings.order_number_digits,
        # The preview's id: a second [Создать], even on another replica, finds this order.
        request_key=f"quick:{reply.person.id}:{state.fid}",
    )
    await finish(reply, created=Created(fid=state.fid, order_id=card.id, number=card.number))
    await show_card(reply, card)
    await reply.answer(reply.text(T + "created.html.j2", number=card.number))


async def already_created(reply: Reply, fid: str) -> bool:
    """A second tap on [Создать] of a preview already turned into an order: say which order it is."""
    created = await created_from(reply, fid)
    if created is None:
        return False
    await reply.answer(reply.text(T + "already_created.html.j2", number=created.number), alert=True)
    return True


async def fix_tapped(reply: Reply, state: NewRequest, _tap: Tap) -> None:
    """[Исправить]: ask for the corrected message, showing the previous text to copy."""
    state.step = Step.FIX
    await save(reply, state)
    await reply.send(reply.text(T + "quick_fix.html.j2", text=state.text))


async def counterparty_tapped(reply: Reply, state: NewRequest, tap: Tap) -> None:
    """One of the candidates picked as the counterparty: the preview again, with it."""
    counterparty_id = tap.id(0)
    picked = kept(state).picked(counterparty_id) if counterparty_id is not None else None
    if picked is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    state.quick = picked
    await save(reply, state)
    await show_preview(reply, state, picked, edit=True)


async def corrected(reply: Reply, text: str, state: NewRequest) -> None:
    """A corrected message replaces the preview; other text while a preview waits gets a hint."""
    if state.step == Step.FIX or looks_like_quick_entry(text):
        await preview(reply, text)
        return
    await reply.send(reply.text(T + "quick_hint.html.j2"))
