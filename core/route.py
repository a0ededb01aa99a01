"""An order's round on the approval route: which steps it gets, when they open, and starting over."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import DomainError, ErrorCode
from core.events import ApprovalRestarted, ApprovalStepOpened
from core.journal import ActivityKind, announce, record
from core.models import ApprovalRoute, Order, OrderApprovalStep, StepState


async def start_round(session: AsyncSession, order: Order, *, now: datetime) -> list[OrderApprovalStep]:
    """A new round of steps from the default route: the first group opens at once, later ones wait."""
    route = await session.scalar(select(ApprovalRoute).where(ApprovalRoute.is_default.is_(True)).limit(1))
    if route is None:
        raise DomainError(ErrorCode.NO_APPROVAL_ROUTE)
    order.approval_round += 1
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
                opened_at=now if group == 1 else None,
            )
        )
    session.add_all(steps)
    await session.flush()
    return steps


def close_open_steps(steps: Sequence[OrderApprovalStep], *, now: datetime) -> None:
    """The round is over: steps nobody decided are withdrawn, not left waiting forever."""
    for step in steps:
        if step.state in (StepState.PENDING, StepState.WAITING):
            step.state = StepState.WITHDRAWN
            step.decided_at = now


def has_votes(steps: Sequence[OrderApprovalStep]) -> bool:
    return any(step.decided_by_id is not None for step in steps)


async def restart_round(
    session: AsyncSession,
    order: Order,
    steps: Sequence[OrderApprovalStep],
    *,
    changed: Sequence[str],
    actor_id: int,
    now: datetime,
) -> list[OrderApprovalStep]:
    """What the approvers saw has changed: their votes no longer count and the route starts over.

    The journal says why, and an event lets the approvers who voted be told.
    """
    voters = sorted({step.decided_by_id for step in steps if step.decided_by_id is not None})
    close_open_steps(steps, now=now)
    fresh = await start_round(session, order, now=now)
    record(
        session,
        order,
        kind=ActivityKind.APPROVAL_RESTARTED,
        actor_id=actor_id,
        now=now,
        details={"changed": list(changed), "round": order.approval_round, "steps": [s.title for s in fresh]},
    )
    restarted = ApprovalRestarted(changed=tuple(changed), round=order.approval_round, voided_voters=tuple(voters))
    announce(session, restarted, order=order, actor_id=actor_id, now=now)
    announce_open_steps(session, order, fresh, actor_id=actor_id, now=now)
    return fresh


def open_next_group(steps: Sequence[OrderApprovalStep], *, now: datetime) -> list[OrderApprovalStep]:
    """When every step of a group is approved, the next group's steps open."""
    waiting = [s for s in steps if s.state == StepState.WAITING]
    if not waiting or any(s.state == StepState.PENDING for s in steps):
        return []
    group = min(s.group for s in waiting)
    opened = [s for s in waiting if s.group == group]
    for step in opened:
        step.state = StepState.PENDING
        step.opened_at = now
    return opened


def announce_open_steps(
    session: AsyncSession, order: Order, steps: Sequence[OrderApprovalStep], *, actor_id: int, now: datetime
) -> None:
    for step in steps:
        if step.state == StepState.PENDING:
            opened = ApprovalStepOpened(
                step_id=step.id,
                step=step.title,
                role=step.role,
                person_id=step.person_id,
                total=order.total_amount,
                currency=order.currency,
            )
            announce(session, opened, order=order, actor_id=actor_id, now=now)
