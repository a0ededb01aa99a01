"""Reminders: an approval step that waits too long reminds its approvers, and later reaches the head of sales."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.events import APPROVAL_REMINDER, ApprovalReminder
from core.journal import announce
from core.models import Order, OrderApprovalStep, OutboxEvent, StepState
from core.notify_rules import step_deciders
from core.stages import Stage
from core.working_time import WorkingCalendar

NAMED_APPROVERS = 5  # an escalation names this many of those who could decide, and counts the rest

# How far a step has been reminded: nothing yet, its approvers, and the head of sales as well.
NOT_YET, REMINDED, ESCALATED = 0, 1, 2


@dataclass(frozen=True)
class ReminderRules:
    """When a waiting step is reminded: working time counted by `calendar`."""

    calendar: WorkingCalendar
    remind_after: timedelta
    escalate_after: timedelta


@dataclass(frozen=True)
class RemindersResult:
    reminded: int  # steps whose approvers were reminded (first threshold)
    escalated: int  # steps whose reminder went to the head of sales as well (second threshold)


@dataclass(frozen=True)
class _Due:
    order: Order
    step: OrderApprovalStep
    waited: timedelta
    level: int


async def remind_approvers(db: Database, *, now: datetime, rules: ReminderRules) -> RemindersResult:
    """Remind the approvers of every step that has waited past a threshold, once per threshold.

    Rules:
    - a step waits from the moment it opened (`opened_at`) while it is open in
      the order's current round and the order is in approval; only working time counts (the
      company's hours, working days and holidays, in its time zone: `core.working_time`);
    - past `remind_after` its approvers are reminded (their card with its buttons, again); past
      `escalate_after` the reminder is escalated: the heads of sales hear as well, with who could
      decide it (`core.notify_rules`);
    - one reminder per threshold and step, however often this runs: the reminders announced are
      the outbox's, read again under the order's lock, so two runs at once announce each once;
      a step found past both thresholds at once gets the escalation alone;
    - a reminder is not urgent (quiet hours and digests hold it): unlike the step's opening it
      tells nothing new, and nobody is woken for it;
    - a reminder changes nothing on the order: no version, no journal entry, so no card goes stale.
    """
    async with db.reading() as session:
        found = await _due(session, now=now, rules=rules)
    if not found:  # most runs: nothing is locked, nothing written
        return RemindersResult(reminded=0, escalated=0)
    async with db.unit_of_work() as session:
        order_ids = sorted({due.order.id for due in found})
        # The orders' locks, in one order, as a vote takes them: a vote deciding a step meanwhile waits, or is seen.
        await session.scalars(select(Order.id).where(Order.id.in_(order_ids)).order_by(Order.id).with_for_update())
        reminded = escalated = 0
        for due in await _due(session, now=now, rules=rules, order_ids=order_ids):
            await _announce(session, due, now=now)
            reminded, escalated = reminded + (due.level == REMINDED), escalated + (due.level == ESCALATED)
        return RemindersResult(reminded=reminded, escalated=escalated)


async def _due(
    session: AsyncSession, *, now: datetime, rules: ReminderRules, order_ids: Collection[int] | None = None
) -> list[_Due]:
    """The open steps that passed a threshold they have not been reminded of, oldest order first."""
    waiting = (
        select(OrderApprovalStep, Order)
        .join(Order, Order.id == OrderApprovalStep.order_id)
        .where(
            Order.stage == Stage.APPROVAL,
            OrderApprovalStep.state == StepState.PENDING,
            OrderApprovalStep.round == Order.approval_round,
        )
        .order_by(Order.id, OrderApprovalStep.position, OrderApprovalStep.id)
    )
    if order_ids is not None:
        waiting = waiting.where(Order.id.in_(order_ids))
    steps = [(step, order) for step, order in (await session.execute(waiting)).unique().all()]
    if not steps:
        return []
    told = await _told(session, [order.id for _step, order in steps])
    found: list[_Due] = []
    for step, order in steps:
        since = step.opened_at
        if since is None:
            continue  # no opening on record: nothing to count from
        waited = rules.calendar.working_time(since, now)
        level = ESCALATED if waited >= rules.escalate_after else REMINDED if waited >= rules.remind_after else NOT_YET
        if level > told.get(step.id, NOT_YET):
            found.append(_Due(order=order, step=step, waited=waited, level=level))
    return found


async def _told(session: AsyncSession, order_ids: Iterable[int]) -> dict[int, int]:
    """For each step of these orders: how far it has been reminded (from the outbox)."""
    rows = await session.scalars(
        select(OutboxEvent.payload).where(
            OutboxEvent.order_id.in_(sorted(set(order_ids))), OutboxEvent.kind == APPROVAL_REMINDER
        )
    )
    told: dict[int, int] = {}
    for payload in rows.all():
        step_id = (payload or {}).get("step_id")
        if isinstance(step_id, int):
            level = ESCALATED if payload.get("escalated") else REMINDED
            told[step_id] = max(told.get(step_id, NOT_YET), level)
    return told


async def _announce(session: AsyncSession, due: _Due, *, now: datetime) -> None:
    order, step = due.order, due.step
    names: list[str] = []
    if due.level == ESCALATED:
        names = [person.full_name for person in await step_deciders(session, order, step)]
    reminder = ApprovalReminder(
        step_id=step.id,
        step=step.title,
        role=step.role,
        person_id=step.person_id,
        total=order.total_amount,
        currency=order.currency,
        hours_waiting=int(due.waited / timedelta(hours=1)),
        escalated=due.level == ESCALATED,
        approvers=tuple(names[:NAMED_APPROVERS]),
        more_approvers=max(0, len(names) - NAMED_APPROVERS),
    )
    announce(session, reminder, order=order, actor_id=None, now=now)
