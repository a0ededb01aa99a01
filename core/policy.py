"""What a person may do with an order now: the buttons a front end shows, derived from the rules."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from core.access import can_see, is_owner, may
from core.models import Order, OrderApprovalStep, Person, StepState
from core.roles import Role
from core.stages import EDITABLE_STAGES, Stage, Verb, transition


class Action(StrEnum):
    ADD_LINE = "add_line"
    EDIT_LINES = "edit_lines"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"
    SET_TERMS = "set_terms"
    NOTE = "note"
    START_EXECUTION = "start_execution"
    SHIP = "ship"
    CLOSE = "close"
    CANCEL = "cancel"
    ARCHIVE = "archive"
    HISTORY = "history"
    PROGRESS = "progress"


TERMS_STAGES = frozenset({Stage.REQUEST, Stage.APPROVAL})


def votable_step(person: Person, steps: Sequence[OrderApprovalStep]) -> OrderApprovalStep | None:
    """The open step this person would decide: the one named for them, else one for their role."""
    if any(step.decided_by_id == person.id for step in steps):
        return None  # one person decides at most one step of a round
    if any(s.person_id == person.id for s in steps):
        # Someone the route names for a step (the finance director) decides that step, not the others.
        candidates = [s for s in steps if s.person_id == person.id]
    else:
        candidates = [s for s in steps if s.person_id is None]
    open_steps = [s for s in candidates if s.state == StepState.PENDING and Role(s.role) in person.roles]
    return open_steps[0] if open_steps else None


def available_actions(person: Person, order: Order, steps: Sequence[OrderApprovalStep]) -> frozenset[Action]:
    if not can_see(person, order):
        return frozenset()
    stage = Stage(order.stage)
    actions = {Action.HISTORY}
    sales = person.has_role(Role.MANAGER, Role.HEAD) and is_owner(person, order)
    if stage in EDITABLE_STAGES and sales:
        actions.add(Action.ADD_LINE)
        if order.lines:
            actions.add(Action.EDIT_LINES)
    if stage in TERMS_STAGES and sales:
        actions |= {Action.SET_TERMS, Action.NOTE}
    if stage in (Stage.EXECUTION, Stage.SHIPPED):
        actions.add(Action.PROGRESS)
    for verb, action in _MOVES:
        step = transition(verb, stage)
        if step is not None and may(person, step, order):
            actions.add(action)
    if stage is Stage.REQUEST and not order.lines:
        actions.discard(Action.SUBMIT)
    if stage is Stage.APPROVAL:
        if votable_step(person, steps) is not None:
            actions |= {Action.APPROVE, Action.REJECT, Action.RETURN}
        if not all(s.state == StepState.APPROVED for s in steps):
            actions.discard(Action.START_EXECUTION)
    return frozenset(actions)


_MOVES = (
    (Verb.SUBMIT, Action.SUBMIT),
    (Verb.WITHDRAW, Action.WITHDRAW),
    (Verb.START_EXECUTION, Action.START_EXECUTION),
    (Verb.SHIP, Action.SHIP),
    (Verb.CLOSE, Action.CLOSE),
    (Verb.CANCEL, Action.CANCEL),
    (Verb.ARCHIVE, Action.ARCHIVE),
)
