"""The stage table read against DESIGN.md: every transition, allowed or refused, by stage and role."""

from __future__ import annotations

import itertools

import pytest

from core.access import may
from core.models import Order, OrderApprovalStep, OrderLine, Person, PersonRole, StepState
from core.policy import Action, available_actions
from core.roles import Role
from core.stages import Stage, Verb, transition

S, R = Stage, Role
OWNER_ID, STRANGER_ID = 1, 2

# (verb, from, to): who may, as DESIGN.md states it. "manager" means the responsible manager;
# an approver decides only on orders they neither registered nor are responsible for.
EXPECTED: dict[tuple[Verb, Stage], tuple[Stage, set[Role]]] = {
    (Verb.SUBMIT, S.REQUEST): (S.APPROVAL, {R.MANAGER, R.HEAD}),
    (Verb.WITHDRAW, S.APPROVAL): (S.REQUEST, {R.MANAGER, R.HEAD}),
    (Verb.APPROVE, S.APPROVAL): (S.APPROVAL, {R.APPROVER}),
    (Verb.RETURN, S.APPROVAL): (S.REQUEST, {R.APPROVER}),
    (Verb.REJECT, S.APPROVAL): (S.CANCELLED, {R.APPROVER}),
    (Verb.START_EXECUTION, S.APPROVAL): (S.EXECUTION, {R.MANAGER, R.HEAD}),
    (Verb.SHIP, S.EXECUTION): (S.SHIPPED, {R.MANAGER, R.HEAD}),
    (Verb.CLOSE, S.SHIPPED): (S.CLOSED, {R.MANAGER, R.HEAD, R.ACCOUNTANT}),
    (Verb.CANCEL, S.REQUEST): (S.CANCELLED, {R.MANAGER, R.HEAD}),
    (Verb.CANCEL, S.APPROVAL): (S.CANCELLED, {R.MANAGER, R.HEAD}),
    (Verb.CANCEL, S.EXECUTION): (S.CANCELLED, {R.HEAD}),
    (Verb.ARCHIVE, S.CANCELLED): (S.ARCHIVED, {R.MANAGER, R.HEAD, R.ADMIN}),
    (Verb.ARCHIVE, S.CLOSED): (S.ARCHIVED, {R.MANAGER, R.HEAD, R.ADMIN}),
}


def person(*roles: Role, person_id: int = OWNER_ID) -> Person:
    return Person(id=person_id, full_name="x", role_rows=[PersonRole(role=r.value) for r in roles])


def order(stage: Stage, *, lines: int = 1) -> Order:
    return Order(
        id=7,
        number="ЗС-000007",
        stage=stage.value,
        responsible_id=OWNER_ID,
        lines=[OrderLine(position=n) for n in range(lines)],
    )


@pytest.mark.parametrize(("verb", "stage", "role"), list(itertools.product(Verb, Stage, Role)))
def test_each_transition_is_allowed_exactly_where_the_design_says(verb: Verb, stage: Stage, role: Role) -> None:
    expected = EXPECTED.get((verb, stage))
    found = transition(verb, stage)
    if expected is None:
        assert found is None, f"{verb} from {stage} is not in the design"
        return
    assert found is not None and found.target is expected[0]
    someone = person(role, person_id=STRANGER_ID if found.impartial else OWNER_ID)
    assert may(someone, found, order(stage)) is (role in expected[1])


@pytest.mark.parametrize(("verb", "stage"), [key for key, (_, roles) in EXPECTED.items() if R.MANAGER in roles])
def test_a_manager_acts_only_on_orders_they_are_responsible_for(verb: Verb, stage: Stage) -> None:
    found = transition(verb, stage)
    assert found is not None
    assert may(person(R.MANAGER), found, order(stage))
    assert not may(person(R.MANAGER, person_id=STRANGER_ID), found, order(stage))
    assert may(person(R.HEAD, person_id=STRANGER_ID), found, order(stage))


@pytest.mark.parametrize("verb", [Verb.APPROVE, Verb.REJECT, Verb.RETURN])
def test_no_one_decides_on_an_order_they_registered_or_are_responsible_for(verb: Verb) -> None:
    found = transition(verb, S.APPROVAL)
    assert found is not None
    head_and_approver = (R.APPROVER, R.HEAD)
    assert not may(person(*head_and_approver, person_id=OWNER_ID), found, order(S.APPROVAL))
    registered_by_them = order(S.APPROVAL)
    registered_by_them.author_id = STRANGER_ID
    assert not may(person(*head_and_approver, person_id=STRANGER_ID), found, registered_by_them)
    assert may(person(*head_and_approver, person_id=3), found, registered_by_them)


def test_archived_is_the_end_of_the_road() -> None:
    assert all(transition(verb, S.ARCHIVED) is None for verb in Verb)


def test_a_request_without_lines_offers_no_submit_button() -> None:
    assert Action.SUBMIT not in available_actions(person(R.MANAGER), order(S.REQUEST, lines=0), [])
    assert Action.SUBMIT in available_actions(person(R.MANAGER), order(S.REQUEST), [])


def test_an_approver_sees_the_vote_buttons_only_while_a_step_waits_for_them() -> None:
    open_step = OrderApprovalStep(role=R.APPROVER.value, state=StepState.PENDING, person_id=None)
    approver = person(R.APPROVER, person_id=STRANGER_ID)
    assert {Action.APPROVE, Action.REJECT, Action.RETURN} <= available_actions(approver, order(S.APPROVAL), [open_step])
    done = OrderApprovalStep(role=R.APPROVER.value, state=StepState.APPROVED, decided_by_id=9)
    assert Action.APPROVE not in available_actions(approver, order(S.APPROVAL), [done])


def test_a_step_named_for_someone_is_theirs_alone() -> None:
    finance = OrderApprovalStep(role=R.APPROVER.value, state=StepState.PENDING, person_id=6)
    anyone = OrderApprovalStep(role=R.APPROVER.value, state=StepState.PENDING, person_id=None)
    director = person(R.APPROVER, person_id=6)
    other = person(R.APPROVER, person_id=STRANGER_ID)
    from core.policy import votable_step

    assert votable_step(director, order(S.APPROVAL), [anyone, finance]) is finance
    assert votable_step(other, order(S.APPROVAL), [anyone, finance]) is anyone
    assert votable_step(other, order(S.APPROVAL), [finance]) is None


def test_an_approver_limited_below_the_total_decides_no_step() -> None:
    from decimal import Decimal

    from core.policy import votable_step

    step = OrderApprovalStep(role=R.APPROVER.value, state=StepState.PENDING, person_id=None)
    limited = person(R.APPROVER, person_id=STRANGER_ID)
    limited.approval_limit = Decimal("1000.00")
    large = order(S.APPROVAL)
    large.total_amount = Decimal("1000.01")
    assert votable_step(limited, large, [step]) is None
    large.total_amount = Decimal("1000.00")
    assert votable_step(limited, large, [step]) is step


def test_lines_can_be_edited_only_in_request_and_only_by_their_sales_people() -> None:
    for stage in Stage:
        actions = available_actions(person(R.MANAGER), order(stage), [])
        assert (Action.ADD_LINE in actions) is (stage is S.REQUEST)
    assert Action.ADD_LINE not in available_actions(person(R.MANAGER, person_id=STRANGER_ID), order(S.REQUEST), [])
    assert available_actions(person(R.MANAGER, person_id=STRANGER_ID), order(S.REQUEST), []) == frozenset()
    assert Action.ADD_LINE not in available_actions(person(R.PLANNER), order(S.REQUEST), [])
