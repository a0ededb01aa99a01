"""The stages of an order's life and the transitions between them, as data.

The table is read by the use cases (to refuse what is not allowed) and by the
front ends (to show only the buttons a person may press), so both agree.
"""

from dataclasses import dataclass
from enum import StrEnum

from core.roles import Role


class Stage(StrEnum):
    REQUEST = "request"
    APPROVAL = "approval"
    EXECUTION = "execution"
    SHIPPED = "shipped"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    ARCHIVED = "archived"


class Verb(StrEnum):
    """A business verb that moves an order from one stage to another."""

    SUBMIT = "submit"  # request -> approval
    APPROVE = "approve"  # approval -> approval, by an approver; the last approval leads on to execution
    WITHDRAW = "withdraw"  # approval -> request, by the manager, before a decision
    RETURN = "return"  # approval -> request, by an approver, for rework
    REJECT = "reject"  # approval -> cancelled, by an approver
    START_EXECUTION = "start_execution"  # approval -> execution, when every guard holds
    SHIP = "ship"  # execution -> shipped
    CLOSE = "close"  # shipped -> closed
    CANCEL = "cancel"  # request/approval/execution -> cancelled
    ARCHIVE = "archive"  # cancelled/closed -> archived


# The sales side: who registers requests and moves orders (a head of sales on every order).
SALES = frozenset({Role.MANAGER, Role.HEAD})
APPROVERS = frozenset({Role.APPROVER})


@dataclass(frozen=True, slots=True)
class Transition:
    verb: Verb
    source: Stage
    target: Stage
    roles: frozenset[Role]
    # Whether a manager may make it only on the orders they are responsible for;
    # a head of sales may always make what a manager may.
    owner_only: bool = True
    # Whether the person must have no stake in the order: an approver does not decide on an
    # order they registered or are responsible for (the head of sales included).
    impartial: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Verb.SUBMIT, Stage.REQUEST, Stage.APPROVAL, SALES),
    Transition(Verb.WITHDRAW, Stage.APPROVAL, Stage.REQUEST, SALES),
    Transition(Verb.APPROVE, Stage.APPROVAL, Stage.APPROVAL, APPROVERS, owner_only=False, impartial=True),
    Transition(Verb.RETURN, Stage.APPROVAL, Stage.REQUEST, APPROVERS, owner_only=False, impartial=True),
    Transition(Verb.REJECT, Stage.APPROVAL, Stage.CANCELLED, APPROVERS, owner_only=False, impartial=True),
    Transition(Verb.START_EXECUTION, Stage.APPROVAL, Stage.EXECUTION, SALES),
    Transition(Verb.SHIP, Stage.EXECUTION, Stage.SHIPPED, SALES),
    Transition(Verb.CLOSE, Stage.SHIPPED, Stage.CLOSED, SALES | {Role.ACCOUNTANT}),
    Transition(Verb.CANCEL, Stage.REQUEST, Stage.CANCELLED, SALES),
    Transition(Verb.CANCEL, Stage.APPROVAL, Stage.CANCELLED, SALES),
    # Cancelling an order in production costs the company money: only the head decides.
    Transition(Verb.CANCEL, Stage.EXECUTION, Stage.CANCELLED, frozenset({Role.HEAD}), owner_only=False),
    Transition(Verb.ARCHIVE, Stage.CANCELLED, Stage.ARCHIVED, SALES | {Role.ADMIN}),
    Transition(Verb.ARCHIVE, Stage.CLOSED, Stage.ARCHIVED, SALES | {Role.ADMIN}),
)

# Verbs that `move_stage` makes; the others have use cases of their own
# (submit_for_approval, vote, cancel, archive) because they take more than a target.
# The votes (approve, reject, return) are `vote`'s. Shipping takes quantities (`ship`: the order is
# «Отгружен» once all is shipped) and closing takes payment (an order shipped and paid closes by itself;
# otherwise `close_order`, by a head of sales with a reason): neither is a bare move.
MOVES: frozenset[Verb] = frozenset({Verb.WITHDRAW, Verb.START_EXECUTION})

EDITABLE_STAGES: frozenset[Stage] = frozenset({Stage.REQUEST})
OPEN_STAGES: frozenset[Stage] = frozenset({Stage.REQUEST, Stage.APPROVAL, Stage.EXECUTION, Stage.SHIPPED})


def transition(verb: Verb, source: Stage) -> Transition | None:
    """The transition `verb` makes from `source`, or None where it makes none."""
    for candidate in TRANSITIONS:
        if candidate.verb is verb and candidate.source is source:
            return candidate
    return None


def transition_to(source: Stage, target: Stage) -> Transition | None:
    """The move (one of MOVES) from `source` to `target`, or None where there is none."""
    for candidate in TRANSITIONS:
        if candidate.verb in MOVES and candidate.source is source and candidate.target is target:
            return candidate
    return None
