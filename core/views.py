"""Plain, read-only pictures of orders that use cases return to front ends."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import has_stake
from core.delegation import principals_of
from core.lifecycle import execution_blockers
from core.models import Order, OrderApprovalStep, OrderLine, Person, PersonRole, StepState, StockBalance, Watch
from core.models.base import summed
from core.models.people import roles_loaded
from core.money import Money
from core.policy import Action, available_actions, could_decide, stand_in_step, votable_step
from core.roles import Role
from core.stages import Stage

# What keeps an order in approval from execution besides `core.lifecycle.execution_blockers`:
# a step of the round that nobody may decide (each approver has a stake in the order or a limit
# below its total).
NO_APPROVER = "no_approver"
# An order still open (from request to shipped, not yet closed or cancelled): what an approver counts
# among the customer's open orders.
OPEN_FOR_CUSTOMER = (Stage.REQUEST, Stage.APPROVAL, Stage.EXECUTION, Stage.SHIPPED)


@dataclass(frozen=True, slots=True)
class LineView:
    id: int
    position: int
    item_id: int
    item_code: str
    item_name: str
    unit: str
    options: tuple[tuple[str, str], ...]
    quantity: Decimal
    required_by: date
    price: Decimal
    price_overridden: bool
    amount: Decimal
    planned_cost: Decimal
    actual_cost: Decimal | None
    production_state: str
    produced_quantity: Decimal
    shipped_quantity: Decimal
    # The item's stock not yet reserved (on hand − reserved, summed over the warehouses), read only for an
    # approver's card in approval: what they weigh the required dates against. None when not read.
    free_stock: Decimal | None = None


@dataclass(frozen=True, slots=True)
class StepView:
    id: int
    title: str
    role: str
    person_name: str | None
    group: int
    state: str
    decided_by: str | None
    decided_at: datetime | None
    comment: str | None
    # Undecided, and nobody may decide it: the order says so rather than wait for no one.
    no_one_may_decide: bool = False
    # Decided by a delegate in this approver's stead.
    on_behalf_of: str | None = None


@dataclass(frozen=True, slots=True)
class OrderCard:
    id: int
    number: str
    stage: Stage
    version: int
    counterparty_id: int
    counterparty_name: str
    counterparty_tax_id: str | None
    responsible_id: int
    responsible_name: str
    contract_id: int | None
    contract_number: str | None
    payment_terms_id: int | None
    payment_terms_name: str | None
    total: Money
    planned_cost: Money
    lines: tuple[LineView, ...]
    steps: tuple[StepView, ...]
    comment: str
    cancel_reason: str | None
    created_at: datetime
    updated_at: datetime
    stage_changed_at: datetime
    actions: frozenset[Action]
    # While in approval: what keeps the order from execution (`templates.labels.BLOCKERS` names
    # them), so every front end shows the core's reasons; empty in every other stage.
    blockers: tuple[str, ...] = ()
    # The viewer watches the order (`core.use_cases.notifications.watch`): they hear of everything about it.
    watching: bool = False
    # The customer's other open orders (request to shipped) in this order's currency: how many and their
    # total. Read only for an approver's card in approval (`decision_facts`); None otherwise.
    customer_open: tuple[int, Money] | None = None
    # The approver away in whose stead the viewer's buttons decide (`core.delegation`); None: their own.
    deciding_for: str | None = None

    @property
    def margin(self) -> Money:
        """The total less the planned cost: shown wherever the planned cost is."""
        return Money(self.total.amount - self.planned_cost.amount, self.total.currency)

    @property
    def margin_percent(self) -> Decimal | None:
        """The margin as a share of the total, to a tenth of a percent; None for an order worth nothing."""
        if not self.total.amount:
            return None
        return (self.margin.amount * 100 / self.total.amount).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def nearest_required_by(self) -> date | None:
        return min((line.required_by for line in self.lines), default=None)


@dataclass(frozen=True, slots=True)
class OrderRow:
    id: int
    number: str
    stage: Stage
    counterparty_name: str
    responsible_name: str
    total: Money
    created_at: datetime
    version: int
    counterparty_tax_id: str | None = None
    contract_number: str | None = None
    payment_terms_name: str | None = None


@dataclass(frozen=True, slots=True)
class OrderPage:
    """A page of the registry; `totals` sum only the open orders, the cancelled are counted apart."""

    rows: tuple[OrderRow, ...]
    total_count: int
    totals: tuple[Money, ...]
    offset: int
    limit: int
    cancelled_count: int = 0
    cancelled_totals: tuple[Money, ...] = ()

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.rows) < self.total_count

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    actor_name: str | None
    kind: str
    version: int
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class HistoryGroup:
    stage: Stage
    entries: tuple[HistoryEntry, ...]


def line_view(line: OrderLine) -> LineView:
    return LineView(
        id=line.id,
        position=line.position,
        item_id=line.item_id,
        item_code=line.item.code,
        item_name=line.item.name,
        unit=line.item.unit,
        options=tuple((row["option"], row["value"]) for row in line.options),
        quantity=line.quantity,
        required_by=line.required_by,
        price=line.price,
        price_overridden=line.price_overridden,
        amount=line.amount,
        planned_cost=line.planned_cost,
        actual_cost=line.actual_cost,
        production_state=line.production_state,
        produced_quantity=line.produced_quantity,
        shipped_quantity=line.shipped_quantity,
    )


async def current_steps(session: AsyncSession, order: Order) -> list[OrderApprovalStep]:
    """The approval steps of the order's latest submission."""
    return list(
        await session.scalars(
            select(OrderApprovalStep)
            .where(OrderApprovalStep.order_id == order.id, OrderApprovalStep.round == order.approval_round)
            .order_by(OrderApprovalStep.position)
        )
    )


async def order_card(
    session: AsyncSession,
    order: Order,
    viewer: Person,
    *,
    steps: Sequence[OrderApprovalStep] | None = None,
    now: datetime | None = None,
    watching: bool | None = None,
    to_decide: bool = False,
) -> OrderCard:
    """The order as `viewer` sees it; the contract's term is judged as of `now` (else its last change).

    `steps` are the current round's, and `watching` whether the viewer watches the order, when the
    caller has them already (read with the order or the viewer, or just decided): a query fewer each.
    `to_decide`: the card is opened to be read (not returned by a change), so an approver looking at an
    order in approval is shown what they decide on (`decision_facts`), at one statement more.
    """
    await session.flush()
    if steps is None:
        steps = await current_steps(session, order)
    lines = tuple(line_view(line) for line in order.lines)
    blockers: list[str] = []
    undecidable: set[int] = set()
    customer_open: tuple[int, Money] | None = None
    principals: list[Person] = []
    deciding_for: str | None = None
    if order.stage == Stage.APPROVAL:
        # Whom the viewer stands in for matters only when they would decide nothing of their own here
        # and could stand in at all (`stand_in_step`: no stake, no step of this round decided).
        voted = any(s.decided_by_id == viewer.id for s in steps)
        if not voted and not has_stake(viewer, order) and votable_step(viewer, order, steps) is None:
            principals = await principals_of(session, viewer.id, at=now or order.updated_at)
            standing_in = stand_in_step(viewer, order, steps, principals) if principals else None
            deciding_for = standing_in[1].full_name if standing_in is not None else None
        today = validation.local_today(now or order.updated_at, viewer.time_zone)
        blockers = await execution_blockers(session, order, steps, today=today)
        undecidable = await _steps_no_one_may_decide(session, order, steps)
        if undecidable:
            blockers.append(NO_APPROVER)
        # What an approver decides on, read in one statement for anyone holding the role (whether or not
        # their step is the one pending now: they weigh the order all the same); others never pay for it.
        if to_decide and (viewer.has_role(Role.APPROVER) or deciding_for is not None):
            customer_open, free = await decision_facts(session, order)
            lines = tuple(replace(line, free_stock=free.get(line.item_id)) for line in lines)
    if watching is None:
        watching = await _watches(session, viewer, order)
    return OrderCard(
        id=order.id,
        number=order.number,
        stage=Stage(order.stage),
        version=order.version,
        counterparty_id=order.counterparty_id,
        counterparty_name=order.counterparty.name,
        counterparty_tax_id=order.counterparty.tax_id,
        responsible_id=order.responsible_id,
        responsible_name=order.responsible.full_name,
        contract_id=order.contract_id,
        contract_number=order.contract.number if order.contract else None,
        payment_terms_id=order.payment_terms_id,
        payment_terms_name=order.payment_terms.name if order.payment_terms else None,
        total=Money(order.total_amount, order.currency),
        planned_cost=Money(sum((line.planned_cost for line in lines), Decimal("0.00")), order.currency),
        lines=lines,
        steps=tuple(
            StepView(
                id=step.id,
                title=step.title,
                role=step.role,
                person_name=step.person.full_name if step.person else None,
                group=step.group,
                state=step.state,
                decided_by=step.decided_by.full_name if step.decided_by else None,
                decided_at=step.decided_at,
                comment=step.comment,
                no_one_may_decide=step.id in undecidable,
                on_behalf_of=step.on_behalf_of.full_name if step.on_behalf_of else None,
            )
            for step in steps
        ),
        comment=order.comment,
        cancel_reason=order.cancel_reason,
        created_at=order.created_at,
        updated_at=order.updated_at,
        stage_changed_at=order.stage_changed_at,
        actions=available_actions(viewer, order, steps, watching=watching, principals=principals),
        blockers=tuple(blockers),
        watching=watching,
        customer_open=customer_open,
        deciding_for=deciding_for,
    )


async def decision_facts(session: AsyncSession, order: Order) -> tuple[tuple[int, Money], dict[int, Decimal]]:
    """The customer's other open orders in this order's currency (how many, their total) and each line item's
    free stock (on hand − reserved over every warehouse, never below zero), in one SELECT of scalar subqueries."""
    others = (
        Order.counterparty_id == order.counterparty_id,
        Order.id != order.id,
        Order.currency == order.currency,
        Order.stage.in_([stage.value for stage in OPEN_FOR_CUSTOMER]),
    )
    items = sorted({line.item_id for line in order.lines})
    row = (
        await session.execute(
            select(
                select(func.count(Order.id)).where(*others).scalar_subquery(),
                select(summed(Order.total_amount, scale=2)).where(*others).scalar_subquery(),
                *(
                    select(summed(StockBalance.on_hand - StockBalance.reserved, scale=3))
                    .where(StockBalance.item_id == item_id)
                    .scalar_subquery()
                    for item_id in items
                ),
            )
        )
    ).one()
    count, total, *stock = row
    free = {item_id: max(Decimal(quantity), Decimal(0)) for item_id, quantity in zip(items, stock, strict=True)}
    return (int(count), Money(Decimal(total), order.currency)), free


async def _watches(session: AsyncSession, viewer: Person, order: Order) -> bool:
    found = await session.scalar(select(Watch.id).where(Watch.person_id == viewer.id, Watch.order_id == order.id))
    return found is not None


async def _steps_no_one_may_decide(session: AsyncSession, order: Order, steps: Sequence[OrderApprovalStep]) -> set[int]:
    """The undecided steps of the round that no active person may decide."""
    undecided = [s for s in steps if s.state in (StepState.PENDING, StepState.WAITING)]
    if not undecided:
        return set()
    holders = select(PersonRole.person_id).where(PersonRole.role.in_({s.role for s in undecided}))
    people = (
        await session.scalars(
            select(Person).where(Person.active.is_(True), Person.id.in_(holders)).options(roles_loaded())
        )
    ).unique()
    deciders = list(people)
    return {s.id for s in undecided if not any(could_decide(p, order, steps, s) for p in deciders)}
