"""Watching an order: /watch NUMBER, /unwatch NUMBER, and the card's 🔔 / 🔕 button.

A watcher hears of everything that happens to the order (`core.notify_rules`). Whether one may
watch is the card's to say (`core.policy`: anyone who sees the order, except its own people, who
hear of it anyway): the command reads the card first, so an order one may not see is not found.
"""

from __future__ import annotations

from bot.callbacks import Tap
from bot.handlers.card.screen import full_number, show_card
from bot.staff import Reply
from core import use_cases as uc
from core.policy import Action
from core.views import OrderCard


async def watch_command(reply: Reply) -> None:
    """/watch NUMBER: hear of everything that happens to that order."""
    await by_number(reply, watch=True)


async def unwatch_command(reply: Reply) -> None:
    """/unwatch NUMBER: stop hearing of that order (one's own orders are still heard of)."""
    await by_number(reply, watch=False)


async def by_number(reply: Reply, *, watch: bool) -> None:
    """The order named after the command, read as its card (so one it may not show is not found), then (un)watched."""
    message = reply.update.effective_message
    typed = (message.text or "").split(maxsplit=1)[1:] if message is not None else []
    if not typed or not typed[0].strip():
        await reply.send(reply.text("bot/settings/watch_usage.html.j2", command="watch" if watch else "unwatch"))
        return
    db, person_id, now = reply.services.db, reply.person.id, reply.services.now()
    card = await uc.get_order(db, viewer_id=person_id, number=full_number(reply, typed[0]), now=now)
    if watch and not card.actions & {Action.WATCH, Action.UNWATCH}:
        what = "own"
    elif watch:
        what = "watching" if await uc.watch(db, actor_id=person_id, order_id=card.id, now=now) else "already"
    else:
        what = "stopped" if await uc.unwatch(db, actor_id=person_id, order_id=card.id) else "not_watching"
    await reply.send(reply.text("bot/settings/watching.html.j2", what=what, number=card.number))


async def card_tap(reply: Reply, card: OrderCard, action: str, _tap: Tap) -> None:
    """🔔 Watch / 🔕 Stop watching on a card (open to the person now, as the card checked): done, and the card anew."""
    db, person_id, now = reply.services.db, reply.person.id, reply.services.now()
    if action == Action.WATCH:
        changed = await uc.watch(db, actor_id=person_id, order_id=card.id, now=now)
        what = "watching" if changed else "already"
    else:
        changed = await uc.unwatch(db, actor_id=person_id, order_id=card.id)
        what = "stopped" if changed else "not_watching"
    await reply.answer(reply.text("bot/settings/watching.html.j2", what=what, number=card.number))
    await show_card(reply, await uc.get_order(db, viewer_id=person_id, order_id=card.id, now=now))
