"""Moving an order between stages, and the guard on entering execution."""

from __future__ import annotations

from collections.abc import Sequence
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
from core.stages import Stage, Verb, transition


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
    blockers = await execution_blockers(session, order, steps, today=today)
    if blockers:
        blocked = ApprovalCompleteBlocked(missing=tuple(blockers), responsible_id=order.responsible_id)
        announce(session, blocked, order=order, actor_id=actor_id, now=now)
        return False
    change_stage(session, order, Verb.START_EXECUTION, actor_id=actor_id, now=now, details={"automatic": True})
    return True


async def execution_blockers(
    session: AsyncSession, order: Order, steps: Sequence[OrderApprovalStep], *, today: date
) -> list[str]:
    """What stands between the order and execution; empty when it may go."""
    missing: list[str] = []
    if any(step.state != StepState.APPROVED for step in steps):
        missing.append("approvals")
    if order.contract_id is None:
        missing.append("contract")
    if order.payment_terms_id is None:
        missing.append("payment_terms")
    if order.contract is not None:
        try:
            await check_contract(session, order, order.contract, today=today)
        except DomainError as refusal:
            missing.append(refusal.code.value)
    return missing


async def check_contract(session: AsyncSession, order: Order, contract: Contract, *, today: date) -> None:
    """The contract is the counterparty's, in force today, and has room for this order."""
    if contract.counterparty_id != order.counterparty_id:
        raise DomainError(ErrorCode.CONTRACT_OF_OTHER_COUNTERPARTY, contract=contract.number)
    if contract.valid_from > today or (contract.valid_to is not None and contract.valid_to < today):
        raise DomainError(
            ErrorCode.CONTRACT_NOT_VALID,
            contract=contract.number,
            valid_from=contract.valid_from.isoformat(),
            valid_to=contract.valid_to.isoformat() if contract.valid_to else "",
        )
    others = (
        Order.contract_id == contract.id,
        Order.id != order.id,
        Order.cancel_reason.is_(None),
        Order.stage != Stage.CANCELLED,
    )
    if contract.kind == ContractKind.VALUE_LIMITED and contract.limit_amount is not None:
        used_amount = await session.scalar(select(summed(Order.total_amount, scale=2)).where(*others))
        assert used_amount is not None
        if used_amount + order.total_amount > contract.limit_amount:
            raise DomainError(
                ErrorCode.CONTRACT_LIMIT_EXCEEDED,
                contract=contract.number,
                limit=str(contract.limit_amount),
                used=str(used_amount),
                needed=str(order.total_amount),
                unit=order.currency,
            )
    if contract.kind == ContractKind.QUANTITY_LIMITED and contract.limit_quantity is not None:
        used_quantity = await session.scalar(
            select(summed(OrderLine.quantity, scale=3)).join(Order, Order.id == OrderLine.order_id).where(*others)
        )
        assert used_quantity is not None
        needed = sum((line.quantity for line in order.lines), Decimal(0))
        if used_quantity + needed > contract.limit_quantity:
            raise DomainError(
                ErrorCode.CONTRACT_LIMIT_EXCEEDED,
                contract=contract.number,
                limit=str(contract.limit_quantity),
                used=str(used_quantity),
                needed=str(needed),
                unit="",
            )
