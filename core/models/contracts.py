"""Contracts with counterparties and named payment terms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, Money, Quantity


class ContractKind(StrEnum):
    VALUE_LIMITED = "value_limited"
    QUANTITY_LIMITED = "quantity_limited"


class Contract(Base):
    __tablename__ = "contracts"
    __table_args__ = (UniqueConstraint("counterparty_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(100))
    counterparty_id: Mapped[int] = mapped_column(ForeignKey("counterparties.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=ContractKind.VALUE_LIMITED)
    limit_amount: Mapped[Decimal | None] = mapped_column(Money())
    limit_quantity: Mapped[Decimal | None] = mapped_column(Quantity())
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class PaymentBasis(StrEnum):
    ORDER_APPROVAL = "order_approval"
    SHIPMENT = "shipment"


class PaymentTerms(Base):
    __tablename__ = "payment_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    instalments: Mapped[list[PaymentInstalment]] = relationship(
        cascade="all, delete-orphan", lazy="raise", order_by="PaymentInstalment.position"
    )


class PaymentInstalment(Base):
    __tablename__ = "payment_instalments"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms_id: Mapped[int] = mapped_column(ForeignKey("payment_terms.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    share_percent: Mapped[Decimal] = mapped_column(Money())
    basis: Mapped[str] = mapped_column(String(20))
    days: Mapped[int] = mapped_column(Integer, default=0)
