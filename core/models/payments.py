"""The money side of an order after approval: its payment schedule, shipments, invoices and payments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, Money, Quantity, UTCDateTime


class PaymentRow(Base):
    """One instalment of an order's payment schedule: its amount, when it is due, and how much of it is paid.

    Made from the order's payment terms when the order enters execution; `due_date` is set when its
    basis happens (approval: at once; shipment: when the order is fully shipped).
    """

    __tablename__ = "payment_rows"
    __table_args__ = (
        Index("ix_payment_rows_order_position", "order_id", "position", unique=True),
        Index("ix_payment_rows_due_date", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    basis: Mapped[str] = mapped_column(String(20))
    days: Mapped[int] = mapped_column(Integer, default=0)
    share_percent: Mapped[Decimal] = mapped_column(Money())
    amount: Mapped[Decimal] = mapped_column(Money())
    due_date: Mapped[date | None] = mapped_column(Date)
    paid_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    # A date the customer promised to pay by (recorded by the manager; the overdue reminders wait for it).
    promised_date: Mapped[date | None] = mapped_column(Date)


class Shipment(Base):
    """Goods that left for the customer on one day: a quantity of some of the order's lines."""

    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    shipped_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))

    lines: Mapped[list[ShipmentLine]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class ShipmentLine(Base):
    __tablename__ = "shipment_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    # What of it came out of stock (the line's reservation, then free stock); the rest was produced for it.
    from_stock: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))


class Invoice(Base):
    """A bill to the customer: for the whole order, or for one of its shipments."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    issued_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class Payment(Base):
    """Money received from a customer, named for an order; what no row of it took is the customer's credit."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_counterparty_paid", "counterparty_id", "paid_on", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    counterparty_id: Mapped[int] = mapped_column(ForeignKey("counterparties.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    # What of the amount no schedule row has taken yet: the customer's credit.
    unallocated: Mapped[Decimal] = mapped_column(Money())
    paid_on: Mapped[date] = mapped_column(Date)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class PaymentAllocation(Base):
    """How much of a payment went to a schedule row."""

    __tablename__ = "payment_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"), index=True)
    row_id: Mapped[int] = mapped_column(ForeignKey("payment_rows.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
