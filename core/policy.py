"""What a person may do with an order now: the buttons a front end shows, derived from the rules."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from core.access import can_see, has_stake, is_owner, may
from core.models import Order, OrderApprovalStep, Person, StepState
from core.roles import Role
from core.stages import EDITABLE_STAGES, SALES, Stage, Verb, transition


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
    WATCH = "watch"  # hear of everything that happens to the order
    UNWATCH = "unwatch"


TERMS_STAGES = frozenset({Stage.REQUEST, Stage.APPROVAL})


def could_decide(
    person: Person,
    order: Order,
    steps: Sequence[OrderApprovalStep],
    step: OrderApprovalStep,
    *,
    mind_limit: bool = True,
) -> bool:
    """Whether this step of the round is one the person would decide, whatever its turn.

    The step asks for their role; a step named for someone (the finance director) is theirs alone,
    and they decide that step, not the others; one person decides at most one step of a round;
    nobody judges an order they registered or are responsible for; and an approver with an amount
    limit decides only orders whose total it covers. A step decided in the person's stead (by their
    delegate) counts as theirs, and a delegate's vote counts as the delegate's own step too: one
    person is one step of a round, whichever way they voted.
    """
    if Role(step.role) not in person.roles:
        return False
    if any(person.id in (other.decided_by_id, other.on_behalf_of_id) for other in steps):
        return False
    named_for_them = any(other.person_id == person.id for other in steps)
    if step.person_id != (person.id if named_for_them else None):
        return False
    vote = transition(Verb.APPROVE, Stage.APPROVAL)
    if vote is None or not may(person, vote, order):
        return False
    return not (mind_limit and person.approval_limit is not None and order.total_amount > person.approval_limit)


def votable_step(person: Person, order: Order, steps: Sequence[OrderApprovalStep]) -> OrderApprovalStep | None:
    """The open step this person would decide now: the one named for them, else one for their role."""
    open_steps = [s for s in steps if s.state == StepState.PENDING and could_decide(person, order, steps, s)]
    return open_steps[0] if open_steps else None


def stand_in_step(
    delegate: Person, order: Order, steps: Sequence[OrderApprovalStep], principals: Sequence[Person]
) -> tuple[OrderApprovalStep, Person] | None:
    """The open step a delegate would decide now in an absent approver's stead, and that approver.

    The step is judged as the approver's own (their role or name, their amount limit, their one
    step of the round); the delegate must have no stake in the order and must not have decided a
    step of this round themselves, whether as themselves or for someone else, nor have a step of it
    named for them still to decide: standing in would spend their one step, and nobody else may
    decide a step named for them.
    """
    if has_stake(delegate, order) or any(s.decided_by_id == delegate.id for s in steps):
        return None
    if any(s.person_id == delegate.id and s.decided_by_id is None and s.state != StepState.WITHDRAWN for s in steps):
        return None
    for principal in principals:
        step = votable_step(principal, order, steps)
        if step is not None:
            return step, principal
    return None


def available_actions(
    person: Person,
    order: Order,
    steps: Sequence[OrderApprovalStep],
    *,
    watching: bool = False,
    principals: Sequence[Person] = (),
) -> frozenset[Action]:
    """The buttons of the order's card for this person now; `watching`: they watch the order already;
    `principals`: the approvers whose approvals the person holds now (`core.delegation`).

    Anyone who sees an order may watch it, except whoever registered it or is responsible for it:
    they hear of everything about it anyway (`core.notify_rules`).
    """
    if not can_see(person, order):
        return frozenset()
    stage = Stage(order.stage)
    actions = {Action.HISTORY}
    if watching:
        actions.add(Action.UNWATCH)
    elif not has_stake(person, order):
        actions.add(Action.WATCH)
    sales = bool(person.roles & SALES) and is_owner(person, order)
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
        mine = votable_step(person, order, steps) or stand_in_step(person, order, steps, principals)
        if mine is not None:
            actions |= {Action.APPROVE, Action.REJECT, Action.RETURN}
        if not all(s.state == StepState.APPROVED for s in steps):
            actions.discard(Action.START_EXECUTION)
    if not person.has_role(Role.HEAD):
        actions.discard(Action.CLOSE)  # paid in full, it closes by itself; otherwise a head closes it, with a reason
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
