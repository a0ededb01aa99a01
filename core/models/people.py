"""Staff: a person linked to one Telegram user, with roles and notification settings."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship
from sqlalchemy.orm.strategy_options import _AbstractLoad

from core.models.base import Base, Money, UTCDateTime
from core.roles import Role


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="ru")
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    # An approver may be limited: orders above this total need someone else.
    approval_limit: Mapped[Decimal | None] = mapped_column(Money())
    can_override_price: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Notification settings, read by the dispatcher.
    notify_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_from: Mapped[time | None] = mapped_column(Time)
    quiet_to: Mapped[time | None] = mapped_column(Time)
    unreachable_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Event kinds (`core.events`) the person chose not to hear of; decisions waiting for them still come.
    muted_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    # Loaded only where the person acts (`roles_loaded`): the people an order merely names
    # (its manager, who voted, who changed it) need their names, not their roles.
    role_rows: Mapped[list[PersonRole]] = relationship(
        cascade="all, delete-orphan", lazy="raise", order_by="PersonRole.role"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(row.role) for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


def roles_loaded() -> _AbstractLoad:
    """The loader option for a query of people whose roles will be checked (in the same query: a
    person has a role or two, and every tap identifies someone)."""
    return joinedload(Person.role_rows)


class PersonRole(Base):
    __tablename__ = "person_roles"
    __table_args__ = (UniqueConstraint("person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))


class Invite(Base):
    """A single-use, expiring link an admin makes for someone to join with a role."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Draft(Base):
    """Where a person is in a conversation with a front end, kept so a restart or another replica loses nothing."""

    __tablename__ = "drafts"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
