"""The approval route (data, not code) and each order's steps and votes on it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, Money, UTCDateTime
from core.models.people import Person


class ApprovalRoute(Base):
    __tablename__ = "approval_routes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)

    steps: Mapped[list[ApprovalRouteStep]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ApprovalRouteStep.position"
    )


class ApprovalRouteStep(Base):
    __tablename__ = "approval_route_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("approval_routes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    # A step may be for one named person (say, the finance director) rather than anyone with the role.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # The step applies only to orders whose total reaches this amount.
    min_amount: Mapped[Decimal | None] = mapped_column(Money())
    # Runs at the same time as the step before it rather than after it.
    parallel: Mapped[bool] = mapped_column(Boolean, default=False)


class StepState(StrEnum):
    WAITING = "waiting"  # an earlier step must be decided first
    PENDING = "pending"  # open for votes now
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"


class OrderApprovalStep(Base):
    __tablename__ = "order_approval_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    group: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    state: Mapped[str] = mapped_column(String(20))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comment: Mapped[str | None] = mapped_column(Text)
    # When the step opened for votes: its age, reminders and the approval-time report count from it.
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Decided by a delegate (`decided_by`) in this approver's stead.
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))

    decided_by: Mapped[Person | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")
    person: Mapped[Person | None] = relationship(foreign_keys=[person_id], lazy="joined")
    on_behalf_of: Mapped[Person | None] = relationship(foreign_keys=[on_behalf_of_id], lazy="joined")


class ApprovalVote(Base):
    __tablename__ = "approval_votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("order_approval_steps.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    decision: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class Delegation(Base):
    """An approver away hands their approvals to someone else for a while: [starts_at, ends_at)."""

    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    principal: Mapped[Person] = relationship(foreign_keys=[principal_id], lazy="joined")
    delegate: Mapped[Person] = relationship(foreign_keys=[delegate_id], lazy="joined")
