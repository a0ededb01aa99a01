"""Putting an order on its approval route, and the approvers' votes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import acting_person, already_done, ensure_may_make, order_for_change
from core.db import Database
from core.delegation import principals_of
from core.errors import Conflict, DomainError, ErrorCode, Forbidden
from core.events import OrderRejected, OrderReturned, OrderSubmitted, VoteCast
from core.journal import ActivityKind, announce, record
from core.lifecycle import advance_when_approved, change_stage
from core.models import ApprovalVote, Decision, Order, OrderApprovalStep, Person, StepState
from core.policy import could_decide, stand_in_step, votable_step
from core.route import announce_open_steps, close_open_steps, open_next_group, start_round
from core.stages import Stage, Verb
from core.views import OrderCard, current_steps, order_card

# The stage table's verb for each decision: the table says who may vote and where a vote leads.
VOTES = {Decision.APPROVE: Verb.APPROVE, Decision.REJECT: Verb.REJECT, Decision.RETURN: Verb.RETURN}


async def submit_for_approval(
    db: Database, *, actor_id: int, order_id: int, now: datetime, expected_version: int | None = None
) -> OrderCard:
    """Put a request on the approval route.

    Rules:
    - only from `request`, by its responsible manager or a head of sales;
    - the order has at least one line;
    - the route's steps that apply to the order's total become this round's steps:
      the first group opens at once, later ones when the group before is approved;
    - a route with no step for this total approves the order outright.
    """
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        order = await order_for_change(session, order_id, actor, expected_version=expected_version)
        if order.stage == Stage.APPROVAL:
            raise await already_done(session, order, Verb.SUBMIT.value)
        ensure_may_make(actor, Verb.SUBMIT, order)
        await session.refresh(order, ["lines"])
        if not order.lines:
            raise DomainError(ErrorCode.NO_LINES, number=order.number)
        steps = await start_round(session, order, now=now)
        change_stage(
            session,
            order,
            Verb.SUBMIT,
            actor_id=actor.id,
            now=now,
            kind=ActivityKind.SUBMITTED,
            details={"total": str(order.total_amount), "steps": [s.title for s in steps]},
            fact=OrderSubmitted(total=order.total_amount, currency=order.currency),  # one fact: no stage move besides
        )
        announce_open_steps(session, order, steps, actor_id=actor.id, now=now)
        today = validation.local_today(now, actor.time_zone)
        await advance_when_approved(session, order, steps, actor_id=actor.id, now=now, today=today)
        return await order_card(session, order, actor, now=now)  # read anew: the new steps' people are not loaded


async def vote(
    db: Database,
    *,
    actor_id: int,
    order_id: int,
    decision: Decision,
    now: datetime,
    comment: str | None = None,
    expected_version: int | None = None,
) -> OrderCard:
    """An approver approves, rejects or returns an order on its route.

    Rules:
    - the stage table says who may make each decision and from which stage (only from `approval`,
      by an approver);
    - nobody decides on an order they registered or are responsible for (the head of sales included);
    - a person decides an open step that asks for their role (or names them), at most one step of a
      round, once;
    - an approver with an amount limit decides no step of an order above it;
    - a delegate decides, while the delegation is in force, a step the absent approver would decide,
      as that approver would be judged (`core.policy.stand_in_step`); the step and the journal say
      on whose behalf, and the delegate's own step, if any, comes first;
    - rejecting or returning needs a reason; a rejection cancels the order, a return sends it
      back to `request` for rework; either is told once, as that fact (not also as a stage move);
    - the last approval moves the order to `execution` if contract and payment terms are there,
      otherwise the manager is told what is missing.
    """
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        order = await order_for_change(session, order_id, actor, expected_version=expected_version)
        # Read after the lock, not joined to it: PostgreSQL would give the steps as they were before
        # the vote we waited for, and the order as it is after it.
        steps = await current_steps(session, order)
        # Whom the actor stands in for is read only when they have no step of their own to decide here.
        own = order.stage != Stage.APPROVAL or votable_step(actor, order, steps) is not None
        principals = [] if own else await principals_of(session, actor.id, at=now)
        step, principal = await _step_to_decide(session, order, steps, actor, decision, principals)
        on_behalf = {"on_behalf_of": principal.full_name} if principal is not None else {}
        reason = (
            validation.reason(comment)
            if decision is not Decision.APPROVE
            else (validation.text(comment, field="comment", max_length=1000, required=False) or None)
        )
        step.decided_by = actor
        step.decided_at = now
        step.comment = reason
        if principal is not None:  # left alone otherwise: setting None would read the relation again
            step.on_behalf_of = principal
        session.add(
            ApprovalVote(
                step_id=step.id,
                person_id=actor.id,
                decision=decision,
                comment=reason,
                at=now,
                on_behalf_of_id=principal.id if principal is not None else None,
            )
        )
        if decision is Decision.APPROVE:
            step.state = StepState.APPROVED
            approved = VoteCast(
                decision=decision.value,
                step_id=step.id,
                step=step.title,
                role=step.role,
                comment=reason or "",
                on_behalf_of=principal.full_name if principal is not None else "",
            )
            announce(session, approved, order=order, actor_id=actor.id, now=now)
            record(
                session,
                order,
                kind=ActivityKind.APPROVED,
                actor_id=actor.id,
                now=now,
                details={"step": step.title, "comment": reason or "", **on_behalf},
            )
            announce_open_steps(session, order, open_next_group(steps, now=now), actor_id=actor.id, now=now)
            today = validation.local_today(now, actor.time_zone)
            await advance_when_approved(session, order, steps, actor_id=actor.id, now=now, today=today)
        else:
            step.state = StepState.REJECTED if decision is Decision.REJECT else StepState.RETURNED
            close_open_steps(steps, now=now)
            if decision is Decision.REJECT:
                order.cancel_reason = reason
            told = OrderRejected if decision is Decision.REJECT else OrderReturned
            change_stage(
                session,
                order,
                VOTES[decision],
                actor_id=actor.id,
                now=now,
                kind=ActivityKind.REJECTED if decision is Decision.REJECT else ActivityKind.RETURNED,
                details={"step": step.title, "reason": reason, **on_behalf},
                fact=told(
                    step_id=step.id,
                    step=step.title,
                    role=step.role,
                    reason=reason or "",
                    on_behalf_of=principal.full_name if principal is not None else "",
                ),
            )
        await session.flush()
        return await order_card(session, order, actor, steps=steps, now=now)


async def _step_to_decide(
    session: AsyncSession,
    order: Order,
    steps: list[OrderApprovalStep],
    actor: Person,
    decision: Decision,
    principals: Sequence[Person],
) -> tuple[OrderApprovalStep, Person | None]:
    """The step this vote decides and in whose stead (None: the actor's own), or why there is none."""
    mine = [s for s in steps if actor.id in (s.decided_by_id, s.on_behalf_of_id)]
    if mine:
        by = mine[0].decided_by.full_name if mine[0].on_behalf_of_id == actor.id and mine[0].decided_by else ""
        raise Conflict(
            ErrorCode.ALREADY_VOTED, number=order.number, step=mine[0].title, decision=mine[0].state, by=by
        )
    if order.stage != Stage.APPROVAL and any(s.decided_by_id is not None for s in steps):
        raise await already_done(session, order, decision.value)
    if order.stage == Stage.APPROVAL:
        step = votable_step(actor, order, steps)
        if step is not None:
            return step, None
        standing_in = stand_in_step(actor, order, steps, principals)
        if standing_in is not None:
            return standing_in
    ensure_may_make(actor, VOTES[decision], order)
    step = votable_step(actor, order, steps)
    if step is not None:
        return step, None
    open_steps = [s for s in steps if s.state == StepState.PENDING]
    if any(could_decide(actor, order, steps, s, mind_limit=False) for s in open_steps):
        raise Forbidden(
            ErrorCode.APPROVAL_LIMIT_EXCEEDED,
            number=order.number,
            limit=str(actor.approval_limit),
            total=str(order.total_amount),
            unit=order.currency,
        )
    decided = [
        s for s in steps if s.decided_by_id is not None and s.role in actor.roles and s.person_id in (None, actor.id)
    ]
    if decided and not any(s.person_id in (None, actor.id) for s in open_steps):
        raise await already_done(session, order, decision.value)
    raise DomainError(ErrorCode.NOTHING_TO_VOTE, number=order.number)
