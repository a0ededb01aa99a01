"""Contract and payment terms: what execution needs besides the approvals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core import validation
from core.access import acting_person, ensure_may_edit, order_for_change, wrong_stage
from core.db import Database
from core.errors import ErrorCode, NotFound
from core.events import OrderChanged
from core.journal import ActivityKind, announce, record
from core.lifecycle import advance_when_approved, check_contract
from core.models import Contract, ContractKind, PaymentTerms
from core.policy import TERMS_STAGES
from core.route import has_votes, restart_round
from core.stages import Stage
from core.views import OrderCard, current_steps, order_card


async def set_contract_and_terms(
    db: Database,
    *,
    actor_id: int,
    order_id: int,
    payment_terms_id: int,
    now: datetime,
    contract_id: int | None = None,
    new_contract_number: str | None = None,
    expected_version: int | None = None,
) -> OrderCard:
    """Name the contract (an existing one of the counterparty, or a new number) and the payment terms.

    Rules:
    - while the order is a request or in approval, by its responsible manager or a head of sales;
    - the contract belongs to the order's counterparty, is in force today and has room for the order;
    - in `approval`, a contract or terms that differ from what an approver has already voted on void
      the votes: the route starts over, the journal says why, and the approvers can be told;
    - otherwise, if every approval is already in (a route with no step for this total), the order
      goes on to execution at once.
    """
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        order = await order_for_change(session, order_id, actor, expected_version=expected_version)
        ensure_may_edit(actor, order)
        if Stage(order.stage) not in TERMS_STAGES:
            raise wrong_stage(order, "set_terms")
        today = validation.local_today(now, actor.time_zone)
        terms = await session.get(PaymentTerms, payment_terms_id)
        if terms is None:
            raise NotFound(ErrorCode.PAYMENT_TERMS_NOT_FOUND, value=str(payment_terms_id))
        if contract_id is not None:
            contract = await session.get(Contract, contract_id)
            if contract is None:
                raise NotFound(ErrorCode.CONTRACT_NOT_FOUND, value=str(contract_id))
        else:
            number = validation.text(new_contract_number, field="contract", max_length=100)
            found = await session.scalar(
                select(Contract).where(Contract.counterparty_id == order.counterparty_id, Contract.number == number)
            )
            contract = found or Contract(
                number=number, counterparty_id=order.counterparty_id, kind=ContractKind.VALUE_LIMITED, valid_from=today
            )
            session.add(contract)
        await session.refresh(order, ["lines"])
        await check_contract(session, order, contract, today=today)
        await session.flush()
        changed = [
            name
            for name, before, after in (
                ("contract", order.contract_id, contract.id),
                ("payment_terms", order.payment_terms_id, terms.id),
            )
            if before != after
        ]
        order.contract, order.contract_id = contract, contract.id
        order.payment_terms, order.payment_terms_id = terms, terms.id
        record(
            session,
            order,
            kind=ActivityKind.CONTRACT_SET,
            actor_id=actor.id,
            now=now,
            details={"contract": contract.number, "payment_terms": terms.name},
        )
        changed_terms = OrderChanged(
            change=ActivityKind.CONTRACT_SET.value, total=order.total_amount, currency=order.currency
        )
        announce(session, changed_terms, order=order, actor_id=actor.id, now=now)
        steps = await current_steps(session, order)
        if order.stage == Stage.APPROVAL and changed and has_votes(steps):
            steps = await restart_round(session, order, steps, changed=changed, actor_id=actor.id, now=now)
        await advance_when_approved(session, order, steps, actor_id=actor.id, now=now, today=today)
        await session.flush()
        return await order_card(session, order, actor, now=now)
