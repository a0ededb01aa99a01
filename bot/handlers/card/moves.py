"""One-tap decisions on a card: submit, approve, withdraw, start execution, archive (shipping has its own screen,
`bot.handlers.card.shipping`, and closing asks the head of sales why, `bot.handlers.card.decisions`).

A move that cannot be undone (ship, close, and a cancel from execution) asks first, saying what
it means; the "Yes" button names the card's version, so a confirmation left on screen while the
order changed changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.callbacks import Tap
from bot.handlers.card.prompts import back_button, column, label
from bot.handlers.card.screen import card_for, make_change, order_button
from bot.staff import Reply
from core import use_cases as uc
from core.models import Decision
from core.policy import Action
from core.stages import Stage
from core.views import OrderCard

Change = Callable[..., Awaitable[OrderCard]]

# Each button, and the core verb (with its one fixed argument, if any) a tap on it makes.
ONE_TAP: dict[Action, tuple[Change, dict[str, Any]]] = {
    Action.SUBMIT: (uc.submit_for_approval, {}),
    Action.APPROVE: (uc.vote, {"decision": Decision.APPROVE}),
    Action.WITHDRAW: (uc.move_stage, {"target": Stage.REQUEST}),
    Action.START_EXECUTION: (uc.move_stage, {"target": Stage.EXECUTION}),
    Action.ARCHIVE: (uc.archive, {}),
}


# Moves that cannot be undone: the first tap says what the move means, and only "Yes" makes it.
IRREVERSIBLE = frozenset({Action.SHIP, Action.CLOSE})
CONFIRMED = "y"  # the last part of the "Yes" button's data; the button also names the card's version


def needs_confirmation(card: OrderCard, action: str) -> bool:
    """Shipping, closing, and cancelling an order already in execution ask first."""
    return action in IRREVERSIBLE or (action == Action.CANCEL and card.stage is Stage.EXECUTION)


async def confirm_first(reply: Reply, card: OrderCard, action: str) -> None:
    """What the move means, in place of the card, with "Yes" for this version of the card and "Back"."""
    yes = order_button(reply.recipient, card, action, CONFIRMED, label=label(reply, f"yes_{action}"))
    question = reply.text("bot/details/confirm_move.html.j2", card=card, action=action)
    await reply.show(question, column([yes], back_button(reply, card)))


async def move(reply: Reply, order_id: int, version: int, action: str, tap: Tap) -> None:
    """Make the button's move against the version it names, with no read first: the core re-checks both."""
    verb, fixed = ONE_TAP[Action(action)]
    if Action(action) in IRREVERSIBLE and tap.args != (CONFIRMED,):
        card = await card_for(reply, order_id, version, action)
        if card is not None:
            await confirm_first(reply, card, action)
        return
    db, now = reply.services.db, reply.services.now()
    change = verb(db, actor_id=reply.person.id, order_id=order_id, now=now, expected_version=version, **fixed)
    await make_change(reply, order_id, version, change, action, in_approval=action == Action.APPROVE)
