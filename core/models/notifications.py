"""Who is to hear of each outbox event (one row per event and person), and who watches which order."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime


class NoticeStatus(StrEnum):
    PENDING = "pending"  # due at `due_at`; a dispatcher may claim it
    HELD = "held"  # quiet hours: becomes pending at `due_at`
    SENT = "sent"
    FAILED = "failed"  # given up on; `orderbot notifications retry` sends it again
    CANCELLED = "cancelled"  # the person cannot be reached, or the notice no longer matters


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # A second fan-out of the same event finds the rows already there.
        UniqueConstraint("event_id", "person_id"),
        # Claiming and releasing: the due rows of one status, oldest first.
        Index("ix_notifications_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    # Why this person hears it (`core.notify_rules.Purpose`): an approver's decision, their own order…
    purpose: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12), default=NoticeStatus.PENDING)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # claims: a crash or a flood wait counts too
    # Sends Telegram failed (a 5xx, a network fault, a timeout): what gives up on a notice.
    failures: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A claim lasts until then; a dispatcher that died leaves the row to be claimed again.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    # Where it went, so a later change (a step decided by someone else) can edit it.
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Waits for the person's daily digest rather than going alone.
    in_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    # A send timed out and was tried again: the person may have it twice.
    doubtful: Mapped[bool] = mapped_column(Boolean, default=False)
    # An approver's card whose step was decided (by this event): its message is edited to say so.
    closed_by_event_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_events.id", ondelete="SET NULL"))
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Watch(Base):
    """A person who asked to hear of everything that happens to an order."""

    __tablename__ = "watches"
    __table_args__ = (UniqueConstraint("person_id", "order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class JobRun(Base):
    """The last period each periodic job was run for, so that several processes run it once a period."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    period_start: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
