"""One-tap decisions on a card: submit, withdraw, approve, start execution, ship, close, archive."""

from __future__ import annotations

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

TARGETS = {
    Action.WITHDRAW: Stage.REQUEST,
    Action.START_EXECUTION: Stage.EXECUTION,
    Action.SHIP: Stage.SHIPPED,
    Action.CLOSE: Stage.CLOSED,
}


@on_action(Action.SUBMIT)
async def submit(staff: Staff, card: OrderCard, _action: str, _args: tuple[str, ...]) -> None:
    """Put the request on the approval route."""
    change = uc.submit_for_approval(
        staff.services.db,
        actor_id=staff.person.id,
        order_id=card.id,
        now=staff.services.now(),
        expected_version=card.version,
    )
    await act_and_show(staff, card, change, Action.SUBMIT)


@on_action(Action.APPROVE)
async def approve(staff: Staff, card: OrderCard, _action: str, _args: tuple[str, ...]) -> None:
    """Approve the step waiting for this approver: one tap."""
    change = uc.vote(
        staff.services.db,
        actor_id=staff.person.id,
        order_id=card.id,
        decision=Decision.APPROVE,
        now=staff.services.now(),
        expected_version=card.version,
    )
    await act_and_show(staff, card, change, Action.APPROVE)


@on_action(*TARGETS)
async def move(staff: Staff, card: OrderCard, action: str, _args: tuple[str, ...]) -> None:
    """Move the order one stage on (or back from approval)."""
    change = uc.move_stage(
        staff.services.db,
        actor_id=staff.person.id,
        order_id=card.id,
        target=TARGETS[Action(action)],
        now=staff.services.now(),
        expected_version=card.version,
    )
    await act_and_show(staff, card, change, action)


@on_action(Action.ARCHIVE)
async def archive(staff: Staff, card: OrderCard, _action: str, _args: tuple[str, ...]) -> None:
    change = uc.archive(
        staff.services.db,
        actor_id=staff.person.id,
        order_id=card.id,
        now=staff.services.now(),
        expected_version=card.version,
    )
    await act_and_show(staff, card, change, Action.ARCHIVE)


def handlers() -> list[BaseHandler[Update, Any, Any]]:
    return []  # the card's tap handler dispatches here through `on_action`
