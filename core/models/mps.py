"""The master production schedule: what is planned to be made for each order line, and what was made."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, Money, Quantity, UTCDateTime


class MpsEntryState(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class MpsEntry(Base):
    """A quantity of an order line planned to be made by a date; what of it was made, and at what cost.

    A line may have several: replenishing the plan adds an entry for what is not yet planned.
    """

    __tablename__ = "mps_entries"
    __table_args__ = (
        Index("ix_mps_entries_line_planned", "line_id", "planned_date", "id"),
        Index("ix_mps_entries_planned_date", "planned_date", "id"),
        Index("ix_mps_entries_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"))
    planned_quantity: Mapped[Decimal] = mapped_column(Quantity())
    # When the quantity is to be made: the line's required-by date less the item's lead time.
    planned_date: Mapped[date] = mapped_column(Date)
    produced_quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    actual_cost: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    state: Mapped[str] = mapped_column(String(20), default=MpsEntryState.PLANNED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class ProductionRecord(Base):
    """Progress recorded on an entry: how much was made, what it cost, and when (the digest counts by day)."""

    __tablename__ = "production_records"
    __table_args__ = (Index("ix_production_records_on_date", "on_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("mps_entries.id", ondelete="CASCADE"), index=True)
    produced: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    cost: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    # The planner's local date of the recording.
    on_date: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
