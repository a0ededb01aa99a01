"""Who is asking, which order they mean, and whether they may: loaded and checked in one place."""

from __future__ import annotations

from sqlalchemy import Result, Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import Conflict, DomainError, ErrorCode, Forbidden, NotFound
from core.journal import ActivityKind
from core.models import Activity, Order, OrderApprovalStep, Person
from core.models.people import roles_loaded
from core.roles import Role
from core.stages import SALES, Stage, Transition, Verb, transition

# Those who see every order; a manager without `head` sees their own.
SEES_ALL = frozenset({Role.HEAD, Role.APPROVER, Role.PLANNER, Role.ACCOUNTANT, Role.ADMIN})


async def acting_person(session: AsyncSession, person_id: int) -> Person:
    person = await session.get(Person, person_id, options=[roles_loaded()])
    if person is None or not person.active:
        raise Forbidden(ErrorCode.NOT_REGISTERED)
    return person


async def person_by_telegram_id(session: AsyncSession, telegram_id: int) -> Person | None:
    found = await session.execute(select(Person).where(Person.telegram_id == telegram_id).options(roles_loaded()))
    person = found.unique().scalar_one_or_none()
    return person if person is not None and person.active else None


def can_see(person: Person, order: Order) -> bool:
    return person.has_role(*SEES_ALL) or order.responsible_id == person.id


def is_owner(person: Person, order: Order) -> bool:
    return person.has_role(Role.HEAD) or order.responsible_id == person.id


def has_stake(person: Person, order: Order) -> bool:
    """The person registered the order or is responsible for it: they do not judge it."""
    return person.id in (order.author_id, order.responsible_id)


def may(person: Person, transition: Transition, order: Order) -> bool:
    return refusal(person, transition, order) is None


def refusal(person: Person, transition: Transition, order: Order) -> DomainError | None:
    """Why the person may not make this transition of the order, or None when they may."""
    if not person.roles & transition.roles:
        return Forbidden(ErrorCode.NOT_ALLOWED, action=transition.verb.value, stage=order.stage)
    # A person who holds the transition only as a manager makes it only on their own orders.
    sales_only = not person.roles & (transition.roles - {Role.MANAGER})
    if transition.owner_only and sales_only and not is_owner(person, order):
        return Forbidden(ErrorCode.NOT_YOUR_ORDER, number=order.number)
    if transition.impartial and has_stake(person, order):
        return Forbidden(ErrorCode.OWN_ORDER_APPROVAL, number=order.number)
    return None


def ensure_may(person: Person, transition: Transition, order: Order) -> None:
    found = refusal(person, transition, order)
    if found is not None:
        raise found


def ensure_may_make(person: Person, verb: Verb, order: Order) -> Transition:
    """The one answer to "may this person make this verb on this order now": the stage table's row, or why not."""
    step = transition(verb, Stage(order.stage))
    if step is None:
        raise wrong_stage(order, verb.value)
    ensure_may(person, step, order)
    return step


def ensure_may_edit(person: Person, order: Order) -> None:
    """Lines and terms are the sales side's: the responsible manager or a head of sales."""
    if not person.roles & SALES:
        raise Forbidden(ErrorCode.NOT_ALLOWED, action="edit", stage=order.stage)
    if not is_owner(person, order):
        raise Forbidden(ErrorCode.NOT_YOUR_ORDER, number=order.number)


async def order_for_change(
    session: AsyncSession, order_id: int, person: Person, *, expected_version: int | None = None
) -> Order:
    """The order, locked until commit so concurrent changes queue up behind each other."""
    order = await session.scalar(select(Order).where(Order.id == order_id).with_for_update(of=Order))
    if order is None or not can_see(person, order):
        raise NotFound(ErrorCode.ORDER_NOT_FOUND, number="")
    if expected_version is not None and expected_version != order.version:
        raise await stale(session, order, expected_version)
    return order


async def order_to_read(session: AsyncSession, person: Person, *, order_id: int | None, number: str | None) -> Order:
    query = select(Order)
    query = query.where(Order.id == order_id) if order_id is not None else query.where(Order.number == number)
    order = await session.scalar(query)
    if order is None or not can_see(person, order):
        raise NotFound(ErrorCode.ORDER_NOT_FOUND, number=number or "")
    return order


async def order_and_steps_to_read(
    session: AsyncSession, person: Person, *, order_id: int | None, number: str | None
) -> tuple[Order, list[OrderApprovalStep]]:
    """The order one may see, with the steps of its current round (read with it: a card shows both)."""
    query = _with_current_steps(select(Order, OrderApprovalStep))
    query = query.where(Order.id == order_id) if order_id is not None else query.where(Order.number == number)
    order, steps = _order_and_steps(await session.execute(query))
    if order is None or not can_see(person, order):
        raise NotFound(ErrorCode.ORDER_NOT_FOUND, number=number or "")
    return order, steps


def _with_current_steps(query: Select[Order, OrderApprovalStep]) -> Select[Order, OrderApprovalStep]:
    """Each order's row once per step of its current round (once, with no step, when it has none)."""
    this_round = and_(OrderApprovalStep.order_id == Order.id, OrderApprovalStep.round == Order.approval_round)
    return query.outerjoin(OrderApprovalStep, this_round).order_by(OrderApprovalStep.position)


def _order_and_steps(rows: Result[Order, OrderApprovalStep]) -> tuple[Order | None, list[OrderApprovalStep]]:
    found: list[tuple[Order, OrderApprovalStep | None]] = [tuple(row) for row in rows]  # type: ignore[misc]
    if not found:
        return None, []
    return found[0][0], [step for _, step in found if step is not None]


async def stale(session: AsyncSession, order: Order, expected_version: int) -> Conflict:
    """Say who changed the order since the caller looked at it, and how."""
    changes = list(
        await session.scalars(
            select(Activity)
            .where(Activity.order_id == order.id, Activity.version > expected_version)
            .order_by(Activity.id)
        )
    )
    last = changes[-1] if changes else None
    return Conflict(
        ErrorCode.STALE_ORDER,
        number=order.number,
        changes=[change.kind for change in changes],
        by=last.actor.full_name if last is not None and last.actor is not None else "",
        at=last.at.isoformat() if last is not None else "",
        version=order.version,
    )


async def already_done(session: AsyncSession, order: Order, action: str) -> Conflict:
    """The thing asked for has just been done by someone else: say by whom and when."""
    last = await session.scalar(
        select(Activity)
        .where(Activity.order_id == order.id, Activity.kind != ActivityKind.REGISTERED)
        .order_by(Activity.id.desc())
        .limit(1)
    )
    return Conflict(
        ErrorCode.ALREADY_DONE,
        number=order.number,
        action=action,
        stage=order.stage,
        by=last.actor.full_name if last is not None and last.actor is not None else "",
        at=last.at.isoformat() if last is not None else "",
    )


def wrong_stage(order: Order, action: str) -> DomainError:
    return DomainError(ErrorCode.WRONG_STAGE, number=order.number, action=action, stage=Stage(order.stage).value)
