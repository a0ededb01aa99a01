"""An approver's inbox: what waits for their decision, oldest first, and approving all of it at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, exists, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, raiseload

from core.access import acting_person, can_see
from core.db import Database
from core.delegation import principals_of
from core.errors import DomainError
from core.models import Decision, Order, OrderApprovalStep, OrderLine, Person, StepState
from core.models.base import Money as MoneyColumn
from core.models.people import roles_loaded
from core.money import Money
from core.policy import stand_in_step, votable_step
from core.stages import Stage, Verb, transition
from core.use_cases.approval import vote
from core.views import OrderCard
from core.working_time import WorkingCalendar


@dataclass(frozen=True, slots=True)
class InboxRow:
    """An order waiting for this person's decision, as the list shows it."""

    order_id: int
    version: int
    number: str
    counterparty_name: str
    total: Money
    planned_cost: Money
    step: str  # the title of the step the person would decide
    waiting_since: datetime  # when that step opened
    waited: timedelta  # working time since then (`core.working_time`)
    on_behalf_of: str | None = None  # the approver away the person decides it for

    @property
    def margin(self) -> Money:
        return Money(self.total.amount - self.planned_cost.amount, self.total.currency)


@dataclass(frozen=True, slots=True)
class Inbox:
    """What waits for the person; `approver` says whether they decide approvals at all."""

    approver: bool
    rows: tuple[InboxRow, ...]


@dataclass(frozen=True, slots=True)
class ShownOrder:
    """An order as a list showed it: the version the person saw is the one they approve."""

    order_id: int
    version: int


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """One order of a bulk approval: approved (`card` as it is now) or refused (`refusal` says why)."""

    order_id: int
    number: str
    card: OrderCard | None = None
    refusal: DomainError | None = None

    @property
    def approved(self) -> bool:
        return self.card is not None


@dataclass(frozen=True, slots=True)
class _Waiting:
    order: Order
    step: OrderApprovalStep
    planned_cost: Decimal
    principal: Person | None  # the approver away whose step this is, when the person stands in


def decides_approvals(person: Person) -> bool:
    """Whether the person holds a role the stage table lets approve at all."""
    approve = transition(Verb.APPROVE, Stage.APPROVAL)
    return approve is not None and bool(person.roles & approve.roles)


async def inbox(db: Database, *, actor_id: int, now: datetime, calendar: WorkingCalendar) -> Inbox:
    """What waits for the person's decision now.

    Rules:
    - an order is listed when a step of its current round is open and the person could decide it
      now, as the vote itself would judge them (`core.policy.votable_step`: their role or their
      name, no stake in the order, within their amount limit, one step of a round each), or could
      decide it in the stead of an approver away who handed them their approvals (`stand_in_step`);
    - a step waits from the moment it opened (`opened_at`), else from the order's last stage move;
      the age counts working time only (`calendar`);
    - oldest first; the margin is the total less the lines' planned cost;
    - one read for the whole list, whatever its length: the orders with their steps and planned cost.
    """
    async with db.reading() as session:
        actor = await acting_person(session, actor_id)
        principals = await principals_of(session, actor.id, at=now)
        if not decides_approvals(actor) and not principals:
            return Inbox(approver=False, rows=())
        waiting = await _waiting(session, actor, principals)
    rows = [
        InboxRow(
            order_id=order.id,
            version=order.version,
            number=order.number,
            counterparty_name=order.counterparty.name,
            total=Money(order.total_amount, order.currency),
            planned_cost=Money(cost, order.currency),
            step=step.title,
            waiting_since=(since := step.opened_at or order.stage_changed_at),
            waited=calendar.working_time(since, now),
            on_behalf_of=principal.full_name if principal is not None else None,
        )
        for order, step, cost, principal in ((w.order, w.step, w.planned_cost, w.principal) for w in waiting)
    ]
    rows.sort(key=lambda row: (row.waiting_since, row.order_id))
    return Inbox(approver=True, rows=tuple(rows))


async def waiting_for(session: AsyncSession, actor: Person) -> list[_Waiting]:
    """What waits for this person's own decision (not what they hold for someone away)."""
    return await _waiting(session, actor, ())


async def _waiting(session: AsyncSession, actor: Person, principals: Sequence[Person]) -> list[_Waiting]:
    """Orders in approval with an open step asking for one of the roles of the person (or of those they
    stand in for): each with the step the person would decide, in whose stead, and its planned cost;
    one statement, the order's row once per step of its round."""
    roles = set(actor.roles).union(*(p.roles for p in principals))
    this_round = and_(OrderApprovalStep.order_id == Order.id, OrderApprovalStep.round == Order.approval_round)
    asking = aliased(OrderApprovalStep)  # any step of the round, not the row's own: those are all read
    open_for_role = exists().where(
        asking.order_id == Order.id,
        asking.round == Order.approval_round,
        asking.state == StepState.PENDING,
        asking.role.in_(sorted(roles)),
    )
    cost = (
        select(func.coalesce(func.sum(OrderLine.planned_cost), 0))
        .where(OrderLine.order_id == Order.id)
        .scalar_subquery()
    )
    query = (
        select(Order, OrderApprovalStep, type_coerce(cost, MoneyColumn()))
        .join(OrderApprovalStep, this_round)
        .where(Order.stage == Stage.APPROVAL, open_for_role)
        .options(raiseload(Order.lines))
        .order_by(Order.id, OrderApprovalStep.position, OrderApprovalStep.id)
    )
    by_order: dict[int, tuple[Order, list[OrderApprovalStep], Decimal]] = {}
    for order, step, planned in (await session.execute(query)).unique().all():
        by_order.setdefault(order.id, (order, [], planned))[1].append(step)
    found: list[_Waiting] = []
    for order, steps, planned in by_order.values():
        mine = votable_step(actor, order, steps)
        if mine is not None:
            found.append(_Waiting(order, mine, planned, None))
        elif (standing_in := stand_in_step(actor, order, steps, principals)) is not None:
            found.append(_Waiting(order, standing_in[0], planned, standing_in[1]))
    return found


async def approve_all(db: Database, *, actor_id: int, orders: Sequence[ShownOrder], now: datetime) -> list[BulkOutcome]:
    """Approve every order shown, each as if its card's button were tapped alone.

    Rules:
    - each order is one vote (`core.use_cases.approval.vote`) in its own unit of work, against the
      version the person saw: an order changed since is refused, never approved unseen;
    - a refusal of one order (changed, decided by someone else meanwhile, over the person's limit…)
      stops nothing: it is returned with its reason, and the rest go on;
    - the outcomes come back in the order given.
    """
    outcomes: list[BulkOutcome] = []
    for shown in orders:
        try:
            card = await vote(
                db,
                actor_id=actor_id,
                order_id=shown.order_id,
                decision=Decision.APPROVE,
                now=now,
                expected_version=shown.version,
            )
        except DomainError as refusal:
            outcomes.append(BulkOutcome(order_id=shown.order_id, number="", refusal=refusal))
        else:
            outcomes.append(BulkOutcome(order_id=card.id, number=card.number, card=card))
    return await _numbered(db, actor_id, outcomes)


async def _numbered(db: Database, actor_id: int, outcomes: list[BulkOutcome]) -> list[BulkOutcome]:
    """The refused orders' numbers, for those the person may see (a refusal need not name its order)."""
    unnamed = [outcome.order_id for outcome in outcomes if not outcome.number]
    if not unnamed:
        return outcomes
    async with db.reading() as session:
        actor = await session.get(Person, actor_id, options=[roles_loaded()])
        found = await session.scalars(select(Order).where(Order.id.in_(unnamed)).options(raiseload(Order.lines)))
        numbers = {order.id: order.number for order in found if actor is not None and can_see(actor, order)}
    return [
        outcome
        if outcome.number
        else BulkOutcome(
            order_id=outcome.order_id,
            number=numbers.get(outcome.order_id, ""),
            card=outcome.card,
            refusal=outcome.refusal,
        )
        for outcome in outcomes
    ]
