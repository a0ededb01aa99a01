"""The shipment screen of a card: per line «all» or a typed quantity, then confirm; the core ships and checks.

The chosen quantities are kept in the person's draft (section `shipment`) for the order and the card's
version, so a tap on another replica carries on; a card that changed starts the choice afresh.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Tap
from bot.drafts import end_flow, put_section, section, start_flow
from bot.handlers.card.prompts import back_button, send_prompt
from bot.handlers.card.screen import make_change, order_button
from bot.staff import Reply
from core import use_cases as uc
from core.policy import Action
from core.views import OrderCard
from templates import render_plain

SHIPMENT = "shipment"  # the draft section with the quantities chosen so far
TYPED = "ship_typed"  # the flow of a typed quantity
ALL, TYPE, CONFIRM = "a", "t", "y"


async def shipment_screen(reply: Reply, card: OrderCard, _action: str, tap: Tap) -> None:
    """«Отгрузить»: the screen; «всё» on a line chooses what may leave now; ✏️ asks for a quantity; ✅ ships."""
    what, line_id = tap.arg(0), tap.id(1)
    chosen = await _chosen(reply, card)
    if what == CONFIRM:
        await put_section(reply, SHIPMENT, None)
        quantities = {int(key): value for key, value in chosen.items()}
        change = _ship(reply, card, quantities)
        await make_change(reply, card.id, card.version, change, Action.SHIP, in_approval=False)
        return
    screen = await uc.shipment_screen(reply.services.db, viewer_id=reply.person.id, order_id=card.id)
    if what == ALL and line_id is not None:
        line = next((line for line in screen.lines if line.line_id == line_id), None)
        if line is not None:
            chosen[str(line_id)] = str(line.available)
            await _keep(reply, card, chosen)
    if what == TYPE and line_id is not None:
        await start_flow(reply, TYPED, order_id=card.id, version=card.version, line_id=line_id)
        await reply.answer()
        prompt = reply.text("bot/details/shipment_prompt.html.j2", number=card.number)
        await send_prompt(
            reply, prompt, render_plain("bot/details/shipment_label.html.j2", lang=reply.lang, which="qty")
        )
        return
    await reply.answer()
    await reply.show(*_screen(reply, card, screen, chosen))


async def shipment_typed(reply: Reply, text: str, state: dict[str, Any]) -> None:
    """The typed quantity of a line: kept (the core checks it on confirming), and the screen shown again."""
    await end_flow(reply)
    order_id, line_id = state.get("order_id"), state.get("line_id")
    if not isinstance(order_id, int) or not isinstance(line_id, int):
        await reply.send(reply.text("bot/not_understood.html.j2"))
        return
    card = await uc.get_order(reply.services.db, viewer_id=reply.person.id, order_id=order_id, now=reply.services.now())
    chosen = await _chosen(reply, card)
    chosen[str(line_id)] = text.strip()[:20]
    await _keep(reply, card, chosen)
    screen = await uc.shipment_screen(reply.services.db, viewer_id=reply.person.id, order_id=card.id)
    await reply.send(*_screen(reply, card, screen, chosen))


def _screen(
    reply: Reply, card: OrderCard, screen: uc.ShipmentScreen, chosen: dict[str, str]
) -> tuple[str, InlineKeyboardMarkup]:
    text = reply.text("bot/details/shipment.html.j2", card=card, screen=screen, chosen=chosen)
    rows: list[list[InlineKeyboardButton]] = []
    for line in screen.lines:
        if line.left <= 0:
            continue
        every = _label(reply, "all", line=line.position, quantity=line.available)
        typed = _label(reply, "type", line=line.position)
        rows.append(
            [
                order_button(reply.recipient, card, Action.SHIP, ALL, line.line_id, label=every),
                order_button(reply.recipient, card, Action.SHIP, TYPE, line.line_id, label=typed),
            ]
        )
    if chosen:
        rows.append([order_button(reply.recipient, card, Action.SHIP, CONFIRM, label=_label(reply, "confirm"))])
    rows.append([back_button(reply, card)])
    return text, InlineKeyboardMarkup(rows)


def _label(reply: Reply, which: str, **context: Any) -> str:
    return render_plain("bot/details/shipment_label.html.j2", lang=reply.lang, which=which, **context)


async def _chosen(reply: Reply, card: OrderCard) -> dict[str, str]:
    kept = await section(reply, SHIPMENT)
    if kept.get("order_id") != card.id or kept.get("version") != card.version:
        return {}
    found = kept.get("lines")
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


async def _keep(reply: Reply, card: OrderCard, chosen: dict[str, str]) -> None:
    await put_section(reply, SHIPMENT, {"order_id": card.id, "version": card.version, "lines": chosen})


async def _ship(reply: Reply, card: OrderCard, quantities: dict[int, str]) -> OrderCard:
    done = await uc.ship(
        reply.services.db,
        actor_id=reply.person.id,
        order_id=card.id,
        quantities=quantities,
        now=reply.services.now(),
        expected_version=card.version,
    )
    return done.card
