"""Notifications: the outbox fanned out to people, and the dispatcher's side of each notice.

The life of a notice: `fan_out` writes it `pending` (or `held` in quiet hours); `release_held`
makes held ones pending when quiet hours end; a dispatcher (in `bot/`) calls `claim_due`, sends
what it got, then `mark_sent`, `retry_later` or `mark_failed`; on a 403 it calls `mark_unreachable`,
and the bot calls `person_wrote_again` when that person writes. A claim is a lease: if the
dispatcher dies, the notice is claimed again once the lease ends (so a notice may go twice, never
zero times). Operators see and resend notices with `list_notifications` and `retry`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.access import acting_person, can_see
from core.db import Database
from core.errors import ErrorCode, NotFound
from core.events import StoredEvent, from_payload
from core.models import NoticeStatus, Notification, Order, OutboxEvent, Person, Watch
from core.notify_rules import quiet_until, recipients

DEFAULT_LEASE = timedelta(seconds=60)


@dataclass(frozen=True)
class FanOutResult:
    events: int  # outbox events processed
    notices: int  # notification rows written
    held: int  # of them, held for quiet hours


@dataclass(frozen=True)
class DueNotice:
    """What a dispatcher needs to send one notice, read in the claiming transaction."""

    id: int
    person_id: int
    chat_id: int
    language: str
    time_zone: str
    event: StoredEvent
    order_id: int | None
    purpose: str
    urgent: bool
    attempts: int


@dataclass(frozen=True)
class NoticeRow:
    """One notice as an operator sees it."""

    id: int
    status: str
    person_name: str
    telegram_id: int | None
    kind: str
    purpose: str
    number: str | None
    due_at: datetime
    attempts: int
    last_error: str | None
    sent_at: datetime | None


def read_event(row: OutboxEvent) -> StoredEvent:
    return StoredEvent(
        id=row.id,
        at=row.created_at,
        order_id=row.order_id,
        actor_id=row.actor_id,
        fact=from_payload(row.kind, row.payload or {}),
    )


async def fan_out(db: Database, *, now: datetime, limit: int = 500) -> FanOutResult:
    """Turn unprocessed outbox events into notices, oldest first.

    Rules:
    - who hears each event, and whether it is urgent, is `core.notify_rules`;
    - one notice per event and person: rows already there are left alone, so a second run (or a
      second process) writes nothing twice; on PostgreSQL the events are claimed with
      `FOR UPDATE SKIP LOCKED`, so two processes split the work rather than wait;
    - a notice that is not urgent and falls in the person's quiet hours is held until they end;
    - every event taken is marked processed, including those nobody hears.
    """
    async with db.unit_of_work() as session:
        rows = list(
            await session.scalars(
                select(OutboxEvent)
                .where(OutboxEvent.processed_at.is_(None))
                .order_by(OutboxEvent.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        notices = held = 0
        for row in rows:
            written, quiet = await _notify(session, read_event(row), now=now)
            notices, held = notices + written, held + quiet
            row.processed_at = now
        return FanOutResult(events=len(rows), notices=notices, held=held)


async def _notify(session: AsyncSession, event: StoredEvent, *, now: datetime) -> tuple[int, int]:
    existing = set(await session.scalars(select(Notification.person_id).where(Notification.event_id == event.id)))
    written = held = 0
    for recipient in await recipients(session, event):
        if recipient.person_id in existing:
            continue
        person = await session.get(Person, recipient.person_id)
        assert person is not None  # recipients() returns only people it found
        until = None
        if not recipient.urgent:
            until = quiet_until(now, time_zone=person.time_zone, quiet_from=person.quiet_from, quiet_to=person.quiet_to)
        session.add(
            Notification(
                event_id=event.id,
                person_id=person.id,
                order_id=event.order_id,
                kind=event.kind,
                purpose=recipient.purpose.value,
                status=NoticeStatus.HELD if until is not None else NoticeStatus.PENDING,
                urgent=recipient.urgent,
                due_at=until or now,
                attempts=0,
                created_at=now,
            )
        )
        written, held = written + 1, held + (until is not None)
    return written, held


async def release_held(db: Database, *, now: datetime) -> int:
    """Held notices whose quiet hours have ended become pending; how many did."""
    async with db.unit_of_work() as session:
        done = await session.execute(
            update(Notification)
            .where(Notification.status == NoticeStatus.HELD, Notification.due_at <= now)
            .values(status=NoticeStatus.PENDING)
        )
        return int(done.rowcount)  # type: ignore[attr-defined]


async def claim_due(
    db: Database, *, worker: str, now: datetime, limit: int = 50, lease: timedelta = DEFAULT_LEASE
) -> list[DueNotice]:
    """Claim pending notices that are due, urgent first, for `worker` until `now + lease`.

    Rules:
    - due: pending, `due_at` and any `next_try_at` reached, and not under someone else's lease;
      a lease that ran out (the claimer died) makes the notice claimable again;
    - on PostgreSQL rows another dispatcher is claiming are skipped (`SKIP LOCKED`), not waited for;
    - each claim counts as an attempt; nobody unreachable is sent anything.
    """
    async with db.unit_of_work() as session:
        found = await session.execute(
            select(Notification, Person, OutboxEvent)
            .join(Person, Person.id == Notification.person_id)
            .join(OutboxEvent, OutboxEvent.id == Notification.event_id)
            .where(
                Notification.status == NoticeStatus.PENDING,
                Notification.due_at <= now,
                or_(Notification.next_try_at.is_(None), Notification.next_try_at <= now),
                or_(Notification.lease_until.is_(None), Notification.lease_until <= now),
                Person.unreachable_since.is_(None),
                Person.telegram_id.is_not(None),
            )
            .order_by(Notification.urgent.desc(), Notification.due_at, Notification.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=Notification)
        )
        claimed: list[DueNotice] = []
        for notice, person, event in found.all():
            notice.lease_until = now + lease
            notice.claimed_by = worker[:100]
            notice.attempts += 1
            chat_id = notice.chat_id or person.telegram_id
            assert chat_id is not None  # the query wants a Telegram id
            claimed.append(
                DueNotice(
                    id=notice.id,
                    person_id=person.id,
                    chat_id=chat_id,
                    language=person.language,
                    time_zone=person.time_zone,
                    event=read_event(event),
                    order_id=notice.order_id,
                    purpose=notice.purpose,
                    urgent=notice.urgent,
                    attempts=notice.attempts,
                )
            )
        return claimed


async def mark_sent(
    db: Database, *, notice_id: int, message_id: int, now: datetime, chat_id: int | None = None
) -> bool:
    """The notice went out as this Telegram message; False if it was no longer pending (sent twice)."""
    async with db.unit_of_work() as session:
        notice = await _pending(session, notice_id)
        if notice is None:
            return False
        notice.status, notice.sent_at, notice.telegram_message_id = NoticeStatus.SENT, now, message_id
        notice.chat_id = chat_id or notice.chat_id
        notice.lease_until = notice.next_try_at = None
        return True


async def mark_failed(db: Database, *, notice_id: int, reason: str) -> bool:
    """Telegram refused it for good (a 400, or too many tries): it stays failed until an operator retries."""
    async with db.unit_of_work() as session:
        notice = await _pending(session, notice_id)
        if notice is None:
            return False
        notice.status, notice.last_error, notice.lease_until = NoticeStatus.FAILED, reason[:2000], None
        return True


async def retry_later(db: Database, *, notice_id: int, at: datetime, reason: str = "") -> bool:
    """Try again at `at` (a 429's retry_after, a backoff after a network fault); the lease ends now."""
    async with db.unit_of_work() as session:
        notice = await _pending(session, notice_id)
        if notice is None:
            return False
        notice.next_try_at, notice.lease_until, notice.last_error = at, None, reason[:2000] or notice.last_error
        return True


async def _pending(session: AsyncSession, notice_id: int) -> Notification | None:
    notice = await session.get(Notification, notice_id, with_for_update=True)
    return notice if notice is not None and notice.status == NoticeStatus.PENDING else None


async def mark_unreachable(db: Database, *, person_id: int, now: datetime) -> int:
    """The person blocked the bot (a 403): nothing more is sent; their waiting notices are cancelled.

    Returns how many notices were cancelled. Nothing is written for them until they write again.
    """
    async with db.unit_of_work() as session:
        person = await session.get(Person, person_id, with_for_update=True)
        if person is None:
            raise NotFound(ErrorCode.PERSON_NOT_FOUND, value=str(person_id))
        person.unreachable_since = person.unreachable_since or now
        done = await session.execute(
            update(Notification)
            .where(
                Notification.person_id == person_id,
                Notification.status.in_([NoticeStatus.PENDING, NoticeStatus.HELD]),
            )
            .values(status=NoticeStatus.CANCELLED, last_error="unreachable", lease_until=None)
        )
        return int(done.rowcount)  # type: ignore[attr-defined]


async def person_wrote_again(db: Database, *, person_id: int) -> bool:
    """Someone marked unreachable wrote to the bot: they hear of new events again. True if they were unreachable."""
    async with db.unit_of_work() as session:
        person = await session.get(Person, person_id, with_for_update=True)
        if person is None or person.unreachable_since is None:
            return False
        person.unreachable_since = None
        return True


async def watch(db: Database, *, actor_id: int, order_id: int, now: datetime) -> bool:
    """Hear of everything that happens to an order one may see; False if already watching."""
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        order = await session.get(Order, order_id)
        if order is None or not can_see(actor, order):
            raise NotFound(ErrorCode.ORDER_NOT_FOUND, value=str(order_id))
        already = await session.scalar(select(Watch.id).where(Watch.person_id == actor.id, Watch.order_id == order_id))
        if already is not None:
            return False
        session.add(Watch(person_id=actor.id, order_id=order_id, created_at=now))
        return True


async def unwatch(db: Database, *, actor_id: int, order_id: int) -> bool:
    """Stop watching an order; False if one was not watching it."""
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        found = await session.scalar(select(Watch).where(Watch.person_id == actor.id, Watch.order_id == order_id))
        if found is None:
            return False
        await session.delete(found)
        return True


async def list_notifications(
    db: Database, *, status: NoticeStatus | None = None, to: int | None = None, limit: int = 50
) -> list[NoticeRow]:
    """The newest notices, optionally of one status and to one Telegram id."""
    async with db.reading() as session:
        query = (
            select(Notification, Person, OutboxEvent)
            .join(Person, Person.id == Notification.person_id)
            .join(OutboxEvent, OutboxEvent.id == Notification.event_id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
        if status is not None:
            query = query.where(Notification.status == status)
        if to is not None:
            query = query.where(Person.telegram_id == to)
        found = await session.execute(query)
        return [
            NoticeRow(
                id=n.id,
                status=n.status,
                person_name=p.full_name,
                telegram_id=p.telegram_id,
                kind=n.kind,
                purpose=n.purpose,
                number=(e.payload or {}).get("number"),
                due_at=n.due_at,
                attempts=n.attempts,
                last_error=n.last_error,
                sent_at=n.sent_at,
            )
            for n, p, e in found.all()
        ]


async def retry(db: Database, *, ids: Sequence[int] = (), now: datetime) -> int:
    """Send failed notices again (the named ones, or every failed one): pending, due now, tries counted anew."""
    async with db.unit_of_work() as session:
        query = update(Notification).where(Notification.status == NoticeStatus.FAILED)
        if ids:
            query = query.where(Notification.id.in_(list(ids)))
        done = await session.execute(
            query.values(status=NoticeStatus.PENDING, due_at=now, next_try_at=None, lease_until=None, attempts=0)
        )
        return int(done.rowcount)  # type: ignore[attr-defined]
