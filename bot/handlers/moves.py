"""One-tap decisions on a card: submit, approve, withdraw, start execution, ship, close, archive."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from bot.handlers.cards import act_and_show, on_action
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


@on_action(*ONE_TAP)
async def one_tap(staff: Staff, card: OrderCard, action: str, _args: tuple[str, ...]) -> None:
    """Make the button's change against the version of the card that was tapped, and show the result."""
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
