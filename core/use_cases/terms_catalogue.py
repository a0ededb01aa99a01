"""What a manager picks from when filling contract and payment terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from core.db import Database
from core.models import Contract, PaymentTerms


@dataclass(frozen=True, slots=True)
class ContractChoice:
    id: int
    number: str
    kind: str
    limit_amount: Decimal | None
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class TermsChoice:
    id: int
    name: str


async def list_contracts(db: Database, *, counterparty_id: int, on: date) -> tuple[ContractChoice, ...]:
    """The counterparty's contracts in force on the day, newest first."""
    async with db.reading() as session:
        rows = await session.scalars(
            select(Contract)
            .where(Contract.counterparty_id == counterparty_id, Contract.valid_from <= on)
            .where((Contract.valid_to.is_(None)) | (Contract.valid_to >= on))
            .order_by(Contract.valid_from.desc(), Contract.id.desc())
        )
        return tuple(
            ContractChoice(
                id=c.id,
                number=c.number,
                kind=c.kind,
                limit_amount=c.limit_amount,
                valid_from=c.valid_from,
                valid_to=c.valid_to,
            )
            for c in rows
        )


async def list_payment_terms(db: Database) -> tuple[TermsChoice, ...]:
    async with db.reading() as session:
        rows = await session.scalars(select(PaymentTerms).order_by(PaymentTerms.name))
        return tuple(TermsChoice(id=t.id, name=t.name) for t in rows)
