"""Moving an order between stages, and the guard on entering execution."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import DomainError, ErrorCode
from core.events import ApprovalCompleteBlocked, Event, StageMoved
from core.journal import ActivityKind, announce, record
from core.models import Contract, ContractKind, Order, OrderApprovalStep, OrderLine, StepState
from core.models.base import summed
from core.money import DEFAULT_CURRENCY
from core.payment_schedule import make_schedule
from core.stages import Stage, Verb, transition
from core.stock import reserve_for_order


def change_stage(
    session: AsyncSession,
    order: Order,
    verb: Verb,
    *,
    actor_id: int | None,
    now: datetime,
    kind: ActivityKind = ActivityKind.STAGE_MOVED,
    details: dict[str, Any] | None = None,
    fact: Event | None = None,
) -> None:
    """Make the stage table's move `verb`, journal it under the stage it left, and tell whoever cares.

    A move the table does not have from the order's stage is refused: no use case can bypass it.
    Whether the person may make it is the caller's question (`core.access.ensure_may_make`): the
    route itself moves an order on to execution.

    What is told is a `StageMoved` (automatic, and why, as `details` say), unless the caller names
    the `fact` this move is (a vote's return or rejection): one move, told once.
    """
    source = order.stage
    step = transition(verb, Stage(source))
    if step is None or step.target.value == source:
        raise DomainError(ErrorCode.WRONG_STAGE, number=order.number, action=verb.value, stage=source)
    target = step.target
    record(
        session,
        order,
        kind=kind,
        actor_id=actor_id,
        now=now,
        stage=source,
        details={"from": source, "to": target.value, **(details or {})},
    )
    order.stage = target
    order.stage_changed_at = now
    if fact is None:
        said = details or {}
        fact = StageMoved(
            source=source,
            target=target.value,
            automatic=bool(said.get("automatic", False)),
            reason=str(said.get("reason") or ""),
        )
    announce(session, fact, order=order, actor_id=actor_id, now=now)


async def advance_when_approved(
    session: AsyncSession,
    order: Order,
    steps: Sequence[OrderApprovalStep],
    *,
    actor_id: int,
    now: datetime,
    today: date,
) -> bool:
    """Every step of the round is approved: on to execution if the guards hold, else the manager is told
    what is missing. The one place an order goes to execution by itself; True when it went."""
    if order.stage != Stage.APPROVAL or any(step.state != StepState.APPROVED for step in steps):
        return False
    await lock_contract(session, order)
    blockers = await execution_blockers(session, order, steps, today=today)
    if blockers:
        blocked = ApprovalCompleteBlocked(missing=tuple(blockers), responsible_id=order.responsible_id)
        announce(session, blocked, order=order, actor_id=actor_id, now=now)
        return False
    await start_execution(session, order, actor_id=actor_id, now=now, automatic=True)
    await make_schedule(session, order, today=today, now=now)
    return True


async def execution_blockers(
    session: AsyncSession,
    order: Order,
    steps: Sequence[OrderApprovalStep],
    *,
    today: date,
    room: ContractRoom | None = None,
) -> list[str]:
    """What stands between the order and execution; empty when it may go. `room`: the contract's, when the
    caller has read it already (`contract_room`) for an order not yet using it."""
    missing: list[str] = []
    if any(step.state != StepState.APPROVED for step in steps):
        missing.append("approvals")
    if order.contract_id is None:
        missing.append("contract")
    if order.payment_terms_id is None:
        missing.append("payment_terms")
    if order.contract is not None:
        try:
            await check_contract(session, order, order.contract, today=today, room=room)
        except DomainError as refusal:
            missing.append(refusal.code.value)
    return missing


async def check_contract(
    session: AsyncSession, order: Order, contract: Contract, *, today: date, room: ContractRoom | None = None
) -> None:
    """The contract is the counterparty's, in force today, and has room for this order (`room`: read already)."""
    if contract.counterparty_id != order.counterparty_id:
        raise DomainError(ErrorCode.CONTRACT_OF_OTHER_COUNTERPARTY, contract=contract.number)
    if contract.valid_from > today or (contract.valid_to is not None and contract.valid_to < today):
        raise DomainError(
            ErrorCode.CONTRACT_NOT_VALID,
            contract=contract.number,
            valid_from=contract.valid_from.isoformat(),
            valid_to=contract.valid_to.isoformat() if contract.valid_to else "",
        )
    if room is None:
        room = await contract_room(session, contract, except_order_id=order.id, currency=order.currency)
    if room is None:
        return
    needed = order.total_amount if room.unit else sum((line.quantity for line in order.lines), Decimal(0))
    if needed > room.left:
        raise DomainError(
            ErrorCode.CONTRACT_LIMIT_EXCEEDED,
            contract=contract.number,
            limit=str(room.limit),
            used=str(room.used),
            needed=str(needed),
            left=str(room.left),
            unit=room.unit,
        )


async def start_execution(
    session: AsyncSession, order: Order, *, actor_id: int | None, now: datetime, automatic: bool = False
) -> None:
    """Move an order whose guards hold into execution and hold free stock for its lines (`core.stock`);
    the journal's entry of the move says how much each line holds."""
    reserved = await reserve_for_order(session, order)
    order.reached_execution = True
    held = {str(line.position): str(reserved.by_line[line.id]) for line in order.lines if reserved.by_line[line.id]}
    details: dict[str, Any] = {"automatic": True} if automatic else {}
    if held:
        details["reserved"] = held
    change_stage(session, order, Verb.START_EXECUTION, actor_id=actor_id, now=now, details=details or None)


async def lock_contract(session: AsyncSession, order: Order) -> None:
    """Lock the order's contract until commit: orders entering execution on one contract go one at a time,
    so two never both take the room that is left for one."""
    if order.contract_id is not None:
        await session.execute(select(Contract.id).where(Contract.id == order.contract_id).with_for_update())


# The stages in which an order takes up its contract's room: from entering execution on (an archived
# order counts unless it was cancelled).
USING_CONTRACT = (Stage.EXECUTION, Stage.SHIPPED, Stage.CLOSED, Stage.ARCHIVED)


@dataclass(frozen=True, slots=True)
class ContractRoom:
    """A limited contract's limit, what orders in execution or later use of it, and what is left.

    `unit` is the currency of a value-limited contract, empty for a quantity-limited one (in items'
    units, summed over the lines)."""

    limit: Decimal
    used: Decimal
    unit: str

    @property
    def left(self) -> Decimal:
        return self.limit - self.used


async def contract_room(
    session: AsyncSession,
    contract: Contract,
    *,
    except_order_id: int | None = None,
    currency: str = DEFAULT_CURRENCY,
) -> ContractRoom | None:
    """What is left of a limited contract (None for one without a limit), in one statement."""
    using = [
        Order.contract_id == contract.id,
        Order.cancel_reason.is_(None),
        Order.stage.in_([stage.value for stage in USING_CONTRACT]),
    ]
    if except_order_id is not None:
        using.append(Order.id != except_order_id)
    if contract.kind == ContractKind.VALUE_LIMITED and contract.limit_amount is not None:
        used = await session.scalar(select(summed(Order.total_amount, scale=2)).where(*using))
        return ContractRoom(limit=contract.limit_amount, used=used or Decimal("0.00"), unit=currency)
    if contract.kind == ContractKind.QUANTITY_LIMITED and contract.limit_quantity is not None:
        used = await session.scalar(
            select(summed(OrderLine.quantity, scale=3)).join(Order, Order.id == OrderLine.order_id).where(*using)
        )
        return ContractRoom(limit=contract.limit_quantity, used=used or Decimal("0.000"), unit="")
    return None
