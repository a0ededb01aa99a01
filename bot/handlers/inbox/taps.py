"""The inbox's handlers: /inbox, a tap on an order, «Approve all», «Yes», «Back» (routed in `bot.routes`)."""

from __future__ import annotations

from bot.handlers.card.screen import show_card
from bot.handlers.inbox.view import (
    confirm_screen,
    forget,
    list_screen,
    remember,
    remembered,
    result_texts,
    shown_rows,
)
from bot.staff import Reply
from core import use_cases as uc


async def inbox_command(reply: Reply) -> None:
    """/inbox: what waits for my decision, oldest first."""
    await show_inbox(reply, new=True)


async def show_inbox(reply: Reply, *, new: bool = False) -> None:
    """The inbox as it is now (as a new message, or in place of the tapped one); what it shows is remembered."""
    services = reply.services
    found = await uc.inbox(
        services.db, actor_id=reply.person.id, now=services.now(), calendar=services.settings.working_calendar()
    )
    if not found.approver or not found.rows:
        await forget(reply)
        text = reply.text("bot/inbox/not_approver.html.j2" if not found.approver else "bot/inbox/empty.html.j2")
        await (reply.send(text) if new else reply.show(text))
        return
    rows = shown_rows(found)
    text, markup = list_screen(reply.recipient, found, rows, await remember(reply, rows))
    await (reply.send(text, markup) if new else reply.show(text, markup))


async def open_tap(reply: Reply) -> None:
    """An order of the list: its card, below the list; the core decides whether one may see it."""
    order_id = reply.tap.id(1)
    if order_id is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    card = await uc.get_order(reply.services.db, viewer_id=reply.person.id, order_id=order_id, now=reply.services.now())
    await show_card(reply, card, new=True)


async def all_tap(reply: Reply) -> None:
    """«Approve all»: the orders of the list, to confirm; a button of an older list shows the inbox afresh."""
    rows = await remembered(reply, reply.tap.arg(1))
    if rows is None:
        await list_gone(reply)
        return
    await reply.show(*confirm_screen(reply.recipient, rows, reply.tap.arg(1)))


async def yes_tap(reply: Reply) -> None:
    """«Yes, approve N»: each order approved as shown, each checked as if tapped alone; then what came of it."""
    rows = await remembered(reply, reply.tap.arg(1))
    if rows is None:  # an older list's, or «Yes» tapped twice: what is on screen stays, nothing is approved
        await reply.answer(reply.text("bot/inbox/list_gone.html.j2", approved_nothing=True), alert=True)
        return
    await forget(reply)  # a second tap on «Yes» approves nothing twice
    outcomes = await uc.approve_all(
        reply.services.db,
        actor_id=reply.person.id,
        orders=[uc.ShownOrder(row.order_id, row.version) for row in rows],
        now=reply.services.now(),
    )
    first, *more = result_texts(reply.recipient, rows, outcomes)
    await reply.show(first)
    for text in more:
        await reply.send(text)


async def back_tap(reply: Reply) -> None:
    """«Back» from the confirmation: the inbox as it is now."""
    await show_inbox(reply)


async def list_gone(reply: Reply) -> None:
    await reply.answer(reply.text("bot/inbox/list_gone.html.j2"), alert=True)
    await show_inbox(reply)
