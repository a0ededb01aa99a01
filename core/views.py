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
from core.lifecycle import ContractRoom, contract_room, execution_blockers
from core.models import Order, OrderApprovalStep, OrderLine, Person, PersonRole, StepState, StockBalance, Watch
from core.models.base import summed
from core.models.people import roles_loaded
from core.money import Money
from core.payment_schedule import payment_state, schedule_of
from core.policy import Action, available_actions, could_decide, stand_in_step, votable_step
from core.pricing import discount_percent
from core.receivables import overdue_query
from core.roles import Role
from core.stages import Stage
from core.stock import reserved_by_line

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
    # Where the price came from (`core.pricing.PriceSource`): "base", "counterparty" (from the list
    # `price_list_name`) or "manual" (by `price_set_by`, because `price_reason`, off `list_price`).
    price_source: str = "base"
    price_list_name: str | None = None
    list_price: Decimal | None = None
    price_set_by: str | None = None
    price_reason: str | None = None
    # From execution on: the stock the line holds (`core.stock`); None before.
    reserved: Decimal | None = None

    @property
    def discount(self) -> Decimal | None:
        """The discount off the list price in percent (negative: a mark-up); None unless set by hand."""
        if self.price_source != "manual" or self.list_price is None:
            return None
        return discount_percent(self.list_price, self.price)


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
class PaymentRowView:
    """A row of the order's payment schedule: its share, amount, due date (None: its basis has not happened)."""

    position: int
    basis: str
    days: int
    share_percent: Decimal
    amount: Decimal
    due_date: date | None
    paid_amount: Decimal
    promised_date: date | None = None


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
    # What the customer owes past due in this order's currency (`core.receivables`), read with `customer_open`.
    customer_overdue: Money | None = None
    # The approver away in whose stead the viewer's buttons decide (`core.delegation`); None: their own.
    deciding_for: str | None = None
    # What is left of the order's contract, when it is limited (`core.lifecycle.contract_room`).
    contract_room: ContractRoom | None = None
    # From execution on: the payment schedule's rows and the order's payment state (`core.payment_schedule`:
    # unpaid, partly_paid, paid, overdue); None before execution or without terms.
    schedule: tuple[PaymentRowView, ...] = ()
    payment_state: str | None = None

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
        price_source=line.price_source,
        price_list_name=line.price_list_name,
        list_price=line.list_price,
        price_set_by=line.price_set_by.full_name if line.price_set_by else None,
        price_reason=line.price_reason,
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
    # What is left of the contract: shown on the card, and weighed by the guards while in approval.
    room = await contract_room(session, order.contract, currency=order.currency) if order.contract else None
    lines = tuple(line_view(line) for line in order.lines)
    blockers: list[str] = []
    undecidable: set[int] = set()
    customer_open: tuple[int, Money] | None = None
    customer_overdue: Money | None = None
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
        blockers = await execution_blockers(session, order, steps, today=today, room=room)
        undecidable = await _steps_no_one_may_decide(session, order, steps)
        if undecidable:
            blockers.append(NO_APPROVER)
        # What an approver decides on, read in one statement for anyone holding the role (whether or not
        # their step is the one pending now: they weigh the order all the same); others never pay for it.
        if to_decide and (viewer.has_role(Role.APPROVER) or deciding_for is not None):
            customer_open, free, customer_overdue = await decision_facts(session, order, today=today)
            lines = tuple(replace(line, free_stock=free.get(line.item_id)) for line in lines)
    if watching is None:
        watching = await _watches(session, viewer, order)
    if order.stage in (Stage.EXECUTION, Stage.SHIPPED):
        held = await reserved_by_line(session, order.id)
        lines = tuple(replace(line, reserved=held.get(line.id, Decimal("0.000"))) for line in lines)
    schedule, paid_state = await _schedule(session, order, viewer, now=now)
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
        customer_overdue=customer_overdue,
        deciding_for=deciding_for,
        contract_room=room,
        schedule=schedule,
        payment_state=paid_state,
    )


# Stages with a payment schedule: it is made when the order enters execution.
SCHEDULED = (Stage.EXECUTION, Stage.SHIPPED, Stage.CLOSED, Stage.ARCHIVED)


async def _schedule(
    session: AsyncSession, order: Order, viewer: Person, *, now: datetime | None
) -> tuple[tuple[PaymentRowView, ...], str | None]:
    """The order's schedule rows and its payment state as of the viewer's today; nothing before execution."""
    if order.stage not in SCHEDULED:
        return (), None
    rows = await schedule_of(session, order.id)
    today = validation.local_today(now or order.updated_at, viewer.time_zone)
    state = payment_state(rows, today=today)
    views = tuple(
        PaymentRowView(
            position=row.position,
            basis=row.basis,
            days=row.days,
            share_percent=row.share_percent,
            amount=row.amount,
            due_date=row.due_date,
            paid_amount=row.paid_amount,
            promised_date=row.promised_date,
        )
        for row in rows
    )
    return views, state.value if state is not None else None


async def decision_facts(
    session: AsyncSession, order: Order, *, today: date
) -> tuple[tuple[int, Money], dict[int, Decimal], Money]:
    """The customer's other open orders in this order's currency (how many, their total), each line item's
    free stock (on hand − reserved over every warehouse, never below zero) and what the customer owes past
    due in this currency (`core.receivables.overdue_query`), in one SELECT of scalar subqueries."""
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
                overdue_query(order.counterparty_id, today=today, currency=order.currency).scalar_subquery(),
                *(
                    select(summed(StockBalance.on_hand - StockBalance.reserved, scale=3))
                    .where(StockBalance.item_id == item_id)
                    .scalar_subquery()
                    for item_id in items
                ),
            )
        )
    ).one()
    count, total, overdue, *stock = row
    free = {item_id: max(Decimal(quantity), Decimal(0)) for item_id, quantity in zip(items, stock, strict=True)}
    return (int(count), Money(Decimal(total), order.currency)), free, Money(Decimal(overdue), order.currency)


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
