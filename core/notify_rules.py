"""Who hears of an event, and when: the fan-out's rules, written once.

Who:
- the order's responsible manager and whoever registered it hear what happens to it;
- the approvers whose step just opened hear that a decision waits for them (urgent): anyone with
  the step's role, or only the person the step names, and never someone with a stake in the order
  or beyond their amount limit (`core.policy.could_decide` decides, as it does for the vote);
- those whose votes a restart voided hear that they must vote again (urgent);
- a step that waits too long reminds the approvers who could decide it (their card again, not
  urgent: quiet hours hold a reminder, since it tells nothing new); an escalated reminder reaches
  the heads of sales too; a reminder of a step decided meanwhile reaches nobody;
- the responsible manager hears urgently what needs them: a return for rework, an approved order
  that cannot go to execution;
- planners hear when an order reaches execution; watchers hear everything about their order;
- production: a line made, an order made (ready to ship) and a line whose risk to its required-by date
  changed reach the responsible manager and the planners; the MPS planning an order reaches its
  responsible manager;
- an approver away who handed their approvals to a delegate (`core.delegation`) is replaced by the
  delegate in all of the above that asks for a decision (a step opened, a reminder), and the delegate
  hears when approvals are handed to them or taken back;
- each planner gets their daily MPS digest (`core.use_cases.mps_digest_due`);
- the money side: an order shipped (partly or fully), a payment received and an order closed reach the
  responsible manager and the accountants;
- a customer's overdue payments (`core.use_cases.overdue`) reach the managers of its orders, and once
  escalated the heads of sales and the accountants; each accountant and head gets the weekly ageing;
- the admin who made an invitation hears that it was used; admins hear that someone blocked the bot;
- never the actor about their own act, nor anyone inactive, unreachable, without Telegram, or who
  muted the kind (a decision waiting for them cannot be muted).

When: at once, unless it is not urgent and the person's quiet hours (their local time, 21:00–08:00
when they set none) have begun; then it is held until they end. Someone who chose a daily digest
gets what is not urgent once a day, when their quiet hours end, as one message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.delegation import delegates_of
from core.events import (
    AgeingDigestDue,
    ApprovalCompleteBlocked,
    ApprovalReminder,
    ApprovalRestarted,
    ApprovalsDelegated,
    ApprovalsTakenBack,
    ApprovalStepOpened,
    InviteUsed,
    LineAtRisk,
    LineChanged,
    LineProduced,
    MpsDigestDue,
    MpsPlanned,
    OrderChanged,
    OrderClosed,
    OrderProduced,
    OrderRegistered,
    OrderRejected,
    OrderReturned,
    OrderShipped,
    OrderSubmitted,
    PaymentOverdue,
    PaymentReceived,
    PersonUnreachable,
    StageMoved,
    StoredEvent,
    VoteCast,
)
from core.models import Decision, Order, OrderApprovalStep, Person, PersonRole, StepState, Watch
from core.models.people import roles_loaded
from core.policy import could_decide, stand_in_step
from core.roles import Role
from core.stages import Stage

DEFAULT_QUIET_FROM = time(21, 0)
DEFAULT_QUIET_TO = time(8, 0)
FALLBACK_ZONE = "Europe/Moscow"


class Purpose(StrEnum):
    """Why a person hears of an event; the dispatcher renders by it."""

    DECIDE = "decide"  # a step waits for their decision
    REVOTE = "revote"  # their vote was voided by a change
    OWN_ORDER = "own_order"  # they are responsible for the order or registered it
    ACTION_NEEDED = "action_needed"  # their order waits for them (returned, blocked)
    PLAN = "plan"  # an order reached execution: planners plan it
    WATCHING = "watching"
    INVITE = "invite"
    STAFF = "staff"  # someone on the staff can no longer be reached: admins see to it
    ESCALATION = "escalation"  # a step waits too long for its approvers: the head of sales sees to it
    DELEGATION = "delegation"  # someone's approvals were handed to them, or taken back
    MONEY = "money"  # an order shipped, paid or closed: accountants keep the books
    MPS_DIGEST = "mps_digest"  # the planner's daily MPS digest
    OVERDUE = "overdue"  # their customer's payments are overdue: they may record a promised date
    AGEING = "ageing"  # the weekly ageing of receivables


@dataclass(frozen=True)
class Recipient:
    person_id: int
    purpose: Purpose
    urgent: bool


async def recipients(session: AsyncSession, event: StoredEvent) -> list[Recipient]:
    """Everyone who hears of this event, each once (the most pressing reason wins), by the rules above."""
    order = await session.get(Order, event.order_id) if event.order_id is not None else None
    wanted = await _wanted(session, event, order)
    chosen: dict[int, Recipient] = {}
    for recipient in wanted:
        current = chosen.get(recipient.person_id)
        if current is None or (recipient.urgent and not current.urgent):
            chosen[recipient.person_id] = recipient
    chosen.pop(event.actor_id or 0, None)
    people = await _people(session, chosen)
    return [r for r in chosen.values() if r.person_id in people and hears(people[r.person_id], event.kind, r)]


def hears(person: Person, kind: str, recipient: Recipient) -> bool:
    """A person's own settings: active, reachable on Telegram, and not muting this kind."""
    if not person.active or person.telegram_id is None or person.unreachable_since is not None:
        return False
    return recipient.purpose is Purpose.DECIDE or kind not in (person.muted_kinds or [])


async def _wanted(session: AsyncSession, event: StoredEvent, order: Order | None) -> list[Recipient]:
    fact = event.fact
    if isinstance(fact, InviteUsed):
        return [Recipient(fact.created_by_id, Purpose.INVITE, False)] if fact.created_by_id is not None else []
    if isinstance(fact, PersonUnreachable):
        return await _admins(session)
    if isinstance(fact, ApprovalsDelegated | ApprovalsTakenBack):
        return [Recipient(fact.delegate_id, Purpose.DELEGATION, False)] if fact.delegate_id is not None else []
    if isinstance(fact, MpsDigestDue):  # a digest of its own: never folded into a daily digest of notices
        return [Recipient(fact.planner_id, Purpose.MPS_DIGEST, True)] if fact.planner_id is not None else []
    if isinstance(fact, PaymentOverdue):  # about a customer, not one order
        managers = [Recipient(p, Purpose.OVERDUE, False) for p in fact.managers]
        return [*managers, *(await _heads(session) + await _accountants(session) if fact.escalated else [])]
    if isinstance(fact, AgeingDigestDue):
        return [Recipient(fact.person_id, Purpose.AGEING, False)] if fact.person_id is not None else []
    if order is None:
        return []
    owners = _owners(order)
    watchers = [Recipient(p, Purpose.WATCHING, False) for p in await _watchers(session, order.id)]
    if isinstance(fact, OrderRegistered):
        return [Recipient(order.responsible_id, Purpose.OWN_ORDER, False)]
    if isinstance(fact, LineChanged | OrderChanged | OrderSubmitted | StageMoved | OrderRejected):
        planners = await _planners(session) if isinstance(fact, StageMoved) and fact.target == Stage.EXECUTION else []
        return [*owners, *watchers, *planners]
    if isinstance(fact, VoteCast):
        # A rejection or a return is told by the stage move that follows it.
        return [*owners, *watchers] if fact.decision == Decision.APPROVE else []
    if isinstance(fact, OrderReturned | ApprovalCompleteBlocked):
        return [Recipient(order.responsible_id, Purpose.ACTION_NEEDED, True), *owners, *watchers]
    if isinstance(fact, ApprovalReminder):  # before ApprovalStepOpened, which it extends
        step = await _open_step(session, order, fact.step_id)
        if step is None:
            return []
        deciders = [Recipient(p, Purpose.DECIDE, False) for p in await _deciding(session, order, step, event.at)]
        return [*deciders, *(await _heads(session) if fact.escalated else [])]
    if isinstance(fact, ApprovalStepOpened):
        return await _approvers(session, order, fact, event.at)
    if isinstance(fact, ApprovalRestarted):
        return [*(Recipient(p, Purpose.REVOTE, True) for p in fact.voided_voters), *owners, *watchers]
    if isinstance(fact, LineProduced | OrderProduced | LineAtRisk):
        responsible = Recipient(order.responsible_id, Purpose.OWN_ORDER, False)
        return [responsible, *watchers, *await _planners(session)]
    if isinstance(fact, MpsPlanned):
        return [Recipient(order.responsible_id, Purpose.OWN_ORDER, False), *watchers]
    if isinstance(fact, OrderShipped | PaymentReceived | OrderClosed):
        responsible = Recipient(order.responsible_id, Purpose.OWN_ORDER, False)
        return [responsible, *watchers, *await _accountants(session)]
    return watchers


def _owners(order: Order) -> list[Recipient]:
    return [Recipient(p, Purpose.OWN_ORDER, False) for p in {order.responsible_id, order.author_id}]


async def _watchers(session: AsyncSession, order_id: int) -> list[int]:
    return list(await session.scalars(select(Watch.person_id).where(Watch.order_id == order_id)))


async def _admins(session: AsyncSession) -> list[Recipient]:
    found = await session.scalars(select(PersonRole.person_id).where(PersonRole.role == Role.ADMIN))
    return [Recipient(p, Purpose.STAFF, False) for p in found]


async def _planners(session: AsyncSession) -> list[Recipient]:
    found = await session.scalars(select(PersonRole.person_id).where(PersonRole.role == Role.PLANNER))
    return [Recipient(p, Purpose.PLAN, False) for p in found]


async def _accountants(session: AsyncSession) -> list[Recipient]:
    found = await session.scalars(select(PersonRole.person_id).where(PersonRole.role == Role.ACCOUNTANT))
    return [Recipient(p, Purpose.MONEY, False) for p in found]


async def _heads(session: AsyncSession) -> list[Recipient]:
    found = await session.scalars(select(PersonRole.person_id).where(PersonRole.role == Role.HEAD))
    return [Recipient(p, Purpose.ESCALATION, False) for p in found]


async def _approvers(session: AsyncSession, order: Order, fact: ApprovalStepOpened, at: datetime) -> list[Recipient]:
    """Those who would decide the step that opened, as the vote itself would judge them."""
    step = await _open_step(session, order, fact.step_id)
    if step is None:
        return []  # decided or closed before the fan-out came to it: nothing waits any more
    return [Recipient(p, Purpose.DECIDE, True) for p in await _deciding(session, order, step, at)]


async def _deciding(session: AsyncSession, order: Order, step: OrderApprovalStep, at: datetime) -> list[int]:
    """Who decides the step now: each approver who could, or the delegate holding their approvals at `at`
    when the delegate could decide it in their stead (`core.policy.stand_in_step`, as the vote judges)."""
    deciders = await step_deciders(session, order, step)
    away = await delegates_of(session, [p.id for p in deciders], at=at)
    if not away:
        return [p.id for p in deciders]
    steps = await _round(session, order, step)
    chosen: list[int] = []
    for person in deciders:
        delegate = away.get(person.id)
        standing_in = stand_in_step(delegate, order, steps, [person]) if delegate is not None else None
        chosen.append(delegate.id if delegate is not None and standing_in is not None else person.id)
    return list(dict.fromkeys(chosen))


async def _open_step(session: AsyncSession, order: Order, step_id: int | None) -> OrderApprovalStep | None:
    step = await session.get(OrderApprovalStep, step_id) if step_id is not None else None
    return step if step is not None and step.order_id == order.id and step.state == StepState.PENDING else None


async def step_deciders(session: AsyncSession, order: Order, step: OrderApprovalStep) -> list[Person]:
    """Everyone who could decide this step of the order, as the vote itself would judge them."""
    steps = await _round(session, order, step)
    candidates = select(Person).options(roles_loaded()).where(Person.active)
    if step.person_id is not None:
        candidates = candidates.where(Person.id == step.person_id)
    else:
        candidates = candidates.join(PersonRole).where(PersonRole.role == step.role)
    people = (await session.scalars(candidates)).unique()
    return [p for p in people if could_decide(p, order, steps, step)]


async def _round(session: AsyncSession, order: Order, step: OrderApprovalStep) -> list[OrderApprovalStep]:
    query = select(OrderApprovalStep).where(
        OrderApprovalStep.order_id == order.id, OrderApprovalStep.round == step.round
    )
    return list(await session.scalars(query))


async def _people(session: AsyncSession, chosen: Iterable[int]) -> dict[int, Person]:
    ids = list(chosen)
    if not ids:
        return {}
    return {p.id: p for p in await session.scalars(select(Person).where(Person.id.in_(ids)))}


def quiet_until(now: datetime, *, time_zone: str, quiet_from: time | None, quiet_to: time | None) -> datetime | None:
    """When the person's quiet hours end, if `now` falls within them; None when they may be told now."""
    start, end = quiet_from or DEFAULT_QUIET_FROM, quiet_to or DEFAULT_QUIET_TO
    if start == end:
        return None
    local = now.astimezone(_zone(time_zone))
    clock = local.time().replace(tzinfo=None)
    overnight = start > end
    inside = (clock >= start or clock < end) if overnight else (start <= clock < end)
    if not inside:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends = (local + timedelta(days=1)).replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return ends.astimezone(now.tzinfo)


def digest_due(now: datetime, *, time_zone: str, quiet_to: time | None) -> datetime:
    """When the person's next daily digest goes: the next end of their quiet hours (08:00 local by default)."""
    at = quiet_to or DEFAULT_QUIET_TO
    local = now.astimezone(_zone(time_zone))
    due = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if due <= local:
        due = (local + timedelta(days=1)).replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return due.astimezone(now.tzinfo)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(FALLBACK_ZONE)
