"""Putting an order on its approval route, and the approvers' votes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import acting_person, already_done, ensure_may, order_for_change, wrong_stage
from core.db import Database
from core.errors import Conflict, DomainError, ErrorCode, Forbidden
from core.journal import ActivityKind, EventKind, announce, record
from core.lifecycle import change_stage, close_open_steps, execution_blockers
from core.models import ApprovalRoute, ApprovalVote, Decision, Order, OrderApprovalStep, Person, StepState
from core.policy import votable_step
from core.roles import Role
from core.stages import Stage, Verb, transition
from core.views import OrderCard, current_steps, order_card


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
        step = transition(Verb.SUBMIT, Stage(order.stage))
        if step is None:
            raise wrong_stage(order, Verb.SUBMIT.value)
        ensure_may(actor, step, order)
        await session.refresh(order, ["lines"])
        if not order.lines:
            raise DomainError(ErrorCode.NO_LINES, number=order.number)
        route = await session.scalar(select(ApprovalRoute).where(ApprovalRoute.is_default.is_(True)).limit(1))
        if route is None:
            raise DomainError(ErrorCode.NO_APPROVAL_ROUTE)
        order.approval_round += 1
        steps = _steps_for(order, route)
        session.add_all(steps)
        change_stage(
            session,
            order,
            Stage.APPROVAL,
            actor_id=actor.id,
            now=now,
            kind=ActivityKind.SUBMITTED,
            details={"total": str(order.total_amount), "steps": [s.title for s in steps]},
        )
        announce(
            session,
            kind=EventKind.ORDER_SUBMITTED,
            order=order,
            actor_id=actor.id,
            now=now,
            payload={"total": str(order.total_amount), "currency": order.currency},
        )
        await session.flush()
        _announce_open_steps(session, order, steps, actor_id=actor.id, now=now)
        if not steps:
            await _finish_approval(session, order, steps, actor=actor, now=now)
        return await order_card(session, order, actor)


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
    - only while the order is in `approval`, by a person whose role (or name) an open step asks for;
    - one person decides at most one step of a round, once;
    - an approver with an amount limit cannot approve an order above it;
    - rejecting or returning needs a reason; a rejection cancels the order, a return sends it
      back to `request` for rework;
    - the last approval moves the order to `execution` if contract and payment terms are there,
      otherwise the manager is told what is missing.
    """
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        if not actor.has_role(Role.APPROVER):
            raise Forbidden(ErrorCode.NOT_ALLOWED, action=decision.value, stage=Stage.APPROVAL.value)
        order = await order_for_change(session, order_id, actor, expected_version=expected_version)
        steps = await current_steps(session, order)
        step = await _step_to_decide(session, order, steps, actor, decision)
        if (
            decision is Decision.APPROVE
            and actor.approval_limit is not None
            and order.total_amount > actor.approval_limit
        ):
            raise Forbidden(
                ErrorCode.APPROVAL_LIMIT_EXCEEDED,
                number=order.number,
                limit=str(actor.approval_limit),
                total=str(order.total_amount),
                unit=order.currency,
            )
        reason = (
            validation.reason(comment)
            if decision is not Decision.APPROVE
            else (validation.text(comment, field="comment", max_length=1000, required=False) or None)
        )
        step.decided_by = actor
        step.decided_at = now
        step.comment = reason
        session.add(ApprovalVote(step_id=step.id, person_id=actor.id, decision=decision, comment=reason, at=now))
        announce(
            session,
            kind=EventKind.APPROVAL_VOTED,
            order=order,
            actor_id=actor.id,
            now=now,
            payload={"decision": decision.value, "step": step.title, "comment": reason or ""},
        )
        if decision is Decision.APPROVE:
            step.state = StepState.APPROVED
            record(
                session,
                order,
                kind=ActivityKind.APPROVED,
                actor_id=actor.id,
                now=now,
                details={"step": step.title, "comment": reason or ""},
            )
            opened = _open_next_group(steps)
            _announce_open_steps(session, order, opened, actor_id=actor.id, now=now)
            if all(s.state == StepState.APPROVED for s in steps):
                await _finish_approval(session, order, steps, actor=actor, now=now)
        else:
            step.state = StepState.REJECTED if decision is Decision.REJECT else StepState.RETURNED
            close_open_steps(steps, now=now)
            if decision is Decision.REJECT:
                order.cancel_reason = reason
                change_stage(
                    session,
                    order,
                    Stage.CANCELLED,
                    actor_id=actor.id,
                    now=now,
                    kind=ActivityKind.REJECTED,
                    details={"step": step.title, "reason": reason},
                )
            else:
                change_stage(
                    session,
                    order,
                    Stage.REQUEST,
                    actor_id=actor.id,
                    now=now,
                    kind=ActivityKind.RETURNED,
                    details={"step": step.title, "reason": reason},
                )
        await session.flush()
        return await order_card(session, order, actor)


async def _step_to_decide(
    session: AsyncSession, order: Order, steps: list[OrderApprovalStep], actor: Person, decision: Decision
) -> OrderApprovalStep:
    """The step this vote decides, or why there is none."""
    mine = [s for s in steps if s.decided_by_id == actor.id]
    if mine:
        raise Conflict(ErrorCode.ALREADY_VOTED, number=order.number, step=mine[0].title, decision=mine[0].state)
    if order.stage != Stage.APPROVAL:
        if any(s.decided_by_id is not None for s in steps):
            raise await already_done(session, order, decision.value)
        raise wrong_stage(order, decision.value)
    step = votable_step(actor, steps)
    if step is not None:
        return step
    decided = [
        s
        for s in steps
        if s.decided_by_id is not None and Role(s.role) in actor.roles and s.person_id in (None, actor.id)
    ]
    if decided and not any(s.state == StepState.PENDING and s.person_id in (None, actor.id) for s in steps):
        raise await already_done(session, order, decision.value)
    raise DomainError(ErrorCode.NOTHING_TO_VOTE, number=order.number)


def _steps_for(order: Order, route: ApprovalRoute) -> list[OrderApprovalStep]:
    steps: list[OrderApprovalStep] = []
    group = 0
    for route_step in route.steps:
        if route_step.min_amount is not None and order.total_amount < route_step.min_amount:
            continue
        if not (steps and route_step.parallel):
            group += 1
        steps.append(
            OrderApprovalStep(
                order_id=order.id,
                round=order.approval_round,
                position=route_step.position,
                group=group,
                title=route_step.title,
                role=route_step.role,
                person_id=route_step.person_id,
                state=StepState.PENDING if group == 1 else StepState.WAITING,
            )
        )
    return steps


def _open_next_group(steps: list[OrderApprovalStep]) -> list[OrderApprovalStep]:
    """When every step of a group is approved, the next group's steps open."""
    waiting = [s for s in steps if s.state == StepState.WAITING]
    if not waiting or any(s.state == StepState.PENDING for s in steps):
        return []
    group = min(s.group for s in waiting)
    opened = [s for s in waiting if s.group == group]
    for step in opened:
        step.state = StepState.PENDING
    return opened


def _announce_open_steps(
    session: AsyncSession, order: Order, steps: list[OrderApprovalStep], *, actor_id: int, now: datetime
) -> None:
    for step in steps:
        if step.state == StepState.PENDING:
            announce(
                session,
                kind=EventKind.APPROVAL_STEP_OPENED,
                order=order,
                actor_id=actor_id,
                now=now,
                payload={
                    "step_id": step.id,
                    "step": step.title,
                    "role": step.role,
                    "person_id": step.person_id,
                    "total": str(order.total_amount),
                    "currency": order.currency,
                },
            )


async def _finish_approval(
    session: AsyncSession, order: Order, steps: list[OrderApprovalStep], *, actor: Person, now: datetime
) -> None:
    """Every step approved: on to execution if the guards hold, else tell the manager what is missing."""
    blockers = await execution_blockers(session, order, steps, today=validation.local_today(now, actor.time_zone))
    if blockers:
        announce(
            session,
            kind=EventKind.APPROVAL_COMPLETE_BLOCKED,
            order=order,
            actor_id=actor.id,
            now=now,
            payload={"missing": blockers, "responsible_id": order.responsible_id},
        )
        return
    change_stage(session, order, Stage.EXECUTION, actor_id=actor.id, now=now, details={"automatic": True})
