"""The order (a customer's request through to its closing) and its lines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, Money, Quantity, UTCDateTime
from core.models.catalogue import Counterparty, Item
from core.models.contracts import Contract, PaymentTerms
from core.models.people import Person


class ProductionState(StrEnum):
    NOT_PLANNED = "not_planned"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_stage_created", "stage", "created_at"),
        Index("ix_orders_responsible_created", "responsible_id", "created_at"),
        Index("ix_orders_counterparty_created", "counterparty_id", "created_at"),
        Index("ix_orders_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    stage: Mapped[str] = mapped_column(String(20))
    counterparty_id: Mapped[int] = mapped_column(ForeignKey("counterparties.id"))
    responsible_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    payment_terms_id: Mapped[int | None] = mapped_column(ForeignKey("payment_terms.id"))
    currency: Mapped[str] = mapped_column(String(3), default="RUB")
    total_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    comment: Mapped[str] = mapped_column(Text, default="")
    # Set by a front end that may send the same registration twice (a double tap, a retry on
    # another replica): the second one finds the first order instead of making another.
    request_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # The catalogue's reason (`core.models.reasons.CancelReason.code`) the demand analysis counts by.
    cancel_reason_code: Mapped[str | None] = mapped_column(String(20))
    # Set when the order enters execution and kept wherever it goes next: demand counts it as ordered.
    reached_execution: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Which submission the approval steps belong to: a return for rework starts a new round.
    approval_round: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    stage_changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    counterparty: Mapped[Counterparty] = relationship(lazy="joined")
    responsible: Mapped[Person] = relationship(foreign_keys=[responsible_id], lazy="joined")
    contract: Mapped[Contract | None] = relationship(lazy="joined")
    payment_terms: Mapped[PaymentTerms | None] = relationship(lazy="joined")
    lines: Mapped[list[OrderLine]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OrderLine.position"
    )


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (Index("ix_order_lines_order_position", "order_id", "position", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    order_number: Mapped[str] = mapped_column(String(30), index=True)
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    # The chosen configuration: [{"option": ..., "value": ..., "price_delta": "..."}].
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    required_by: Mapped[date] = mapped_column(Date)
    price: Mapped[Decimal] = mapped_column(Money())
    price_overridden: Mapped[bool] = mapped_column(default=False)
    # Where the price came from (`core.pricing.PriceSource`): the base list, the counterparty's list
    # (named in `price_list_name`), or set by hand (by `price_set_by_id`, because `price_reason`), the
    # list's price then kept in `list_price` to show the discount against.
    price_source: Mapped[str] = mapped_column(String(20), default="base", server_default="base")
    price_list_name: Mapped[str | None] = mapped_column(String(200))
    list_price: Mapped[Decimal | None] = mapped_column(Money())
    price_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    price_reason: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(Money())
    planned_cost: Mapped[Decimal] = mapped_column(Money())
    actual_cost: Mapped[Decimal | None] = mapped_column(Money())
    production_state: Mapped[str] = mapped_column(String(20), default=ProductionState.NOT_PLANNED)
    produced_quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    shipped_quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    # The risk to the required-by date last announced (`core.production.Risk`): told once per change.
    production_risk: Mapped[str] = mapped_column(String(10), default="none", server_default="none")

    item: Mapped[Item] = relationship(lazy="joined")
    price_set_by: Mapped[Person | None] = relationship(foreign_keys=[price_set_by_id], lazy="joined")


class Counter(Base):
    """A named sequence (order numbers), advanced under a row lock so numbers never repeat."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
