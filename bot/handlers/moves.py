"""One-tap decisions on a card: submit, approve, withdraw, start execution, ship, close, archive.

A move that cannot be undone (ship, close, and a cancel from execution) asks first, saying what
it means; the "Yes" button names the card's version, so a confirmation left on screen while the
order changed changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from bot.handlers.cards import act_and_show, on_action, order_button
from bot.handlers.order_prompts import back_button, column, label
from bot.staff import Staff
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
    Action.SHIP: (uc.move_stage, {"target": Stage.SHIPPED}),
    Action.CLOSE: (uc.move_stage, {"target": Stage.CLOSED}),
    Action.ARCHIVE: (uc.archive, {}),
}


# Moves that cannot be undone: the first tap says what the move means, and only "Yes" makes it.
IRREVERSIBLE = frozenset({Action.SHIP, Action.CLOSE})
CONFIRMED = "y"  # the last part of the "Yes" button's data; the button also names the card's version


def needs_confirmation(card: OrderCard, action: str) -> bool:
    """Shipping, closing, and cancelling an order already in execution ask first."""
    return action in IRREVERSIBLE or (action == Action.CANCEL and card.stage is Stage.EXECUTION)


async def confirm_first(staff: Staff, card: OrderCard, action: str) -> None:
    """What the move means, in place of the card, with "Yes" for this version of the card and "Back"."""
    yes = order_button(staff, card, action, CONFIRMED, label=label(staff, f"yes_{action}"))
    question = staff.text("bot/details/confirm_move.html.j2", card=card, action=action)
    await staff.show(question, column([yes], back_button(staff, card)))


@on_action(*ONE_TAP)
async def one_tap(staff: Staff, card: OrderCard, action: str, args: tuple[str, ...]) -> None:
    """Make the button's change against the version of the card that was tapped, and show the result."""
    if needs_confirmation(card, action) and args != (CONFIRMED,):
        await confirm_first(staff, card, action)
        return
    verb, fixed = ONE_TAP[Action(action)]
    change = verb(
        staff.services.db,
        actor_id=staff.person.id,
        order_id=card.id,
        now=staff.services.now(),
        expected_version=card.version,
        **fixed,
    )
    await act_and_show(staff, card, change, action)


def handlers() -> list[BaseHandler[Update, Any, Any]]:
    return []  # the card's tap handler dispatches here through `on_action`
