"""Notifications: the outbox fanned out to people, and the dispatcher's side of each notice.

The life of a notice: `fan_out` writes it `pending` (or `held` in quiet hours, or held for the
person's daily digest); `release_held` makes held ones pending when quiet hours end, and
`release_digests` those waiting for a digest when its hour comes; a dispatcher (in `bot/`) calls `claim_due`, sends
what it got, then `mark_sent`, `retry_later` or `mark_failed`; on a 403 it calls `mark_unreachable`,
and the bot calls `person_wrote_again` when that person writes. A claim is a lease: if the
dispatcher dies, the notice is claimed again once the lease ends (so a notice may go twice, never
zero times). Operators see and resend notices with `list_notifications` and `retry`.

An approver's notice is the order's card with its buttons. Once the step is decided (or the order
leaves approval), the fan-out of that event closes the other approvers' cards: one not yet sent is
cancelled, one already sent is left for the dispatcher to edit (`claim_edits`, `mark_edited`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.access import acting_person, can_see
from core.db import Database
from core.errors import ErrorCode, NotFound
from core.events import (
    ApprovalRestarted,
    ApprovalStepOpened,
    OrderRejected,
    OrderReturned,
    PersonUnreachable,
    StageMoved,
    StoredEvent,
    VoteCast,
    from_payload,
)
from core.models import Decision, NoticeStatus, Notification, Order, OutboxEvent, Person, Watch
from core.models.people import roles_loaded
from core.notify_rules import Purpose, digest_due, quiet_until, recipients
from core.stages import Stage
from core.use_cases.people import PersonView, person_view

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
    person: PersonView
    chat_id: int
    event: StoredEvent
    actor_name: str | None  # who did what the notice tells of
    order_id: int | None
    purpose: str
    urgent: bool
    in_digest: bool
    attempts: int
    failures: int = 0  # sends Telegram failed so far

    @property
    def person_id(self) -> int:
        return self.person.id

    @property
    def language(self) -> str:
        return self.person.language


@dataclass(frozen=True)
class DueEdit:
    """An approver's card already sent whose step was decided: its message is to say so, without buttons."""

    id: int
    person: PersonView
    chat_id: int
    message_id: int
    order_id: int
    closing: StoredEvent  # the vote or the move that decided it
    actor_name: str | None


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
    await _close_decided_cards(session, event, now=now)
    existing = set(await session.scalars(select(Notification.person_id).where(Notification.event_id == event.id)))
    written = held = 0
    for recipient in await recipients(session, event):
        if recipient.person_id in existing:
            continue
        person = await session.get(Person, recipient.person_id)
        assert person is not None  # recipients() returns only people it found
        until, in_digest = None, False
        if person.notify_digest and not recipient.urgent:
            until, in_digest = digest_due(now, time_zone=person.time_zone, quiet_to=person.quiet_to), True
        elif not recipient.urgent:
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
                in_digest=in_digest,
                due_at=until or now,
                attempts=0,
                created_at=now,
            )
        )
        written, held = written + 1, held + (until is not None)
    return written, held


async def _close_decided_cards(session: AsyncSession, event: StoredEvent, *, now: datetime) -> None:
    """The approvers' cards this event decided: unsent ones are cancelled, sent ones marked to be edited.

    A vote decides the cards of its own step (the steps of a round run side by side); a move out of
    approval or a restart decides every card of the order asked before it. The voter's own card is
    the message they tapped, which already shows the result: it is closed without an edit.
    """
    fact = event.fact
    decisive = isinstance(fact, VoteCast | OrderReturned | OrderRejected | ApprovalRestarted) or (
        isinstance(fact, StageMoved) and fact.source == Stage.APPROVAL
    )
    if event.order_id is None or not decisive:
        return
    found = await session.execute(
        select(Notification, OutboxEvent)
        .join(OutboxEvent, OutboxEvent.id == Notification.event_id)
        .where(
            Notification.order_id == event.order_id,
            # An escalation to the head of sales is about a decision too: once it is made, it no longer waits.
            Notification.purpose.in_([Purpose.DECIDE, Purpose.ESCALATION]),
            Notification.event_id < event.id,
            Notification.closed_by_event_id.is_(None),
            Notification.status.in_([NoticeStatus.PENDING, NoticeStatus.HELD, NoticeStatus.SENT]),
        )
        .with_for_update(of=Notification)
    )
    for notice, opened in found.all():
        if not _decides(event, read_event(opened)):
            continue
        notice.closed_by_event_id = event.id
        if notice.status == NoticeStatus.SENT:
            mine = notice.person_id == event.actor_id
            if mine or notice.telegram_message_id is None or notice.purpose == Purpose.ESCALATION:
                notice.edited_at = now  # nothing to edit: the voter's own card, or a line with no buttons
        elif notice.lease_until is None or notice.lease_until <= now:  # not on its way: never send it
            notice.status, notice.last_error, notice.lease_until = NoticeStatus.CANCELLED, "decided", None


def _decides(event: StoredEvent, opened: StoredEvent) -> bool:
    """Whether `event` settles the step whose opening `opened` told of.

    An approval settles its own step (the steps of a round run side by side); a return, a rejection,
    a restart or a move out of approval ends the whole round.
    """
    fact, step = event.fact, opened.fact
    if not isinstance(step, ApprovalStepOpened):
        return False
    if isinstance(fact, VoteCast) and fact.decision == Decision.APPROVE:
        return fact.step_id == step.step_id if fact.step_id is not None else fact.step == step.step
    return True


async def release_held(db: Database, *, now: datetime) -> int:
    """Held notices whose quiet hours have ended become pending; how many did (digests wait for their own job)."""
    return await _release(db, now=now, in_digest=False)


async def release_digests(db: Database, *, now: datetime) -> int:
    """Notices waiting for a daily digest whose hour has come become pending; the dispatcher sends each
    person's as one message. How many were released."""
    return await _release(db, now=now, in_digest=True)


async def _release(db: Database, *, now: datetime, in_digest: bool) -> int:
    async with db.unit_of_work() as session:
        done = await session.execute(
            update(Notification)
            .where(
                Notification.status == NoticeStatus.HELD,
                Notification.in_digest.is_(in_digest),
                Notification.due_at <= now,
            )
            .values(status=NoticeStatus.PENDING)
        )
        return int(done.rowcount)  # type: ignore[attr-defined]


async def claim_due(
    db: Database,
    *,
    worker: str,
    now: datetime,
    limit: int = 50,
    lease: timedelta = DEFAULT_LEASE,
    about: tuple[int, int] | None = None,
) -> list[DueNotice]:
    """Claim pending notices that are due, urgent first, for `worker` until `now + lease`.

    `about` (person id, order id): only that person's instant notices about that order; the
    dispatcher adds them to a message about to go, so what came meanwhile goes with it.

    Rules:
    - due: pending, `due_at` and any `next_try_at` reached, and not under someone else's lease;
      a lease that ran out (the claimer died) makes the notice claimable again;
    - on PostgreSQL rows another dispatcher is claiming are skipped (`SKIP LOCKED`), not waited for;
    - each claim counts as an attempt; nobody unreachable is sent anything.
    """
    actor = aliased(Person)
    only = []
    if about is not None:
        only = [
            Notification.person_id == about[0],
            Notification.order_id == about[1],
            Notification.in_digest.is_(False),
        ]
        # Asked before nearly every send of a busy dispatcher, and most often nothing came: a read
        # says so without taking the write lock (one writer at a time on SQLite).
        async with db.reading() as session:
            due = select(Notification.id).join(Person, Person.id == Notification.person_id)
            if await session.scalar(due.where(*_claimable(now), *only).limit(1)) is None:
                return []
    async with db.unit_of_work() as session:
        found = await session.execute(
            select(Notification, Person, OutboxEvent, actor.full_name)
            .join(Person, Person.id == Notification.person_id)
            .join(OutboxEvent, OutboxEvent.id == Notification.event_id)
            .outerjoin(actor, actor.id == OutboxEvent.actor_id)
            .options(roles_loaded())
            .where(*_claimable(now), *only)
            .order_by(Notification.urgent.desc(), Notification.due_at, Notification.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=Notification)
        )
        claimed: list[DueNotice] = []
        for notice, person, event, actor_name in found.unique().all():
            notice.lease_until = now + lease
            notice.claimed_by = worker[:100]
            notice.attempts += 1
            chat_id = notice.chat_id or person.telegram_id
            assert chat_id is not None  # the query wants a Telegram id
            claimed.append(
                DueNotice(
                    id=notice.id,
                    person=person_view(person),
                    chat_id=chat_id,
                    event=read_event(event),
                    actor_name=actor_name,
                    order_id=notice.order_id,
                    purpose=notice.purpose,
                    urgent=notice.urgent,
                    in_digest=notice.in_digest,
                    attempts=notice.attempts,
                    failures=notice.failures,
                )
            )
        return claimed


def _claimable(now: datetime) -> list[ColumnElement[bool]]:
    """`claim_due`'s rules for a notice (joined with its person) that may be claimed at `now`."""
    return [
        Notification.status == NoticeStatus.PENDING,
        Notification.closed_by_event_id.is_(None),
        Notification.due_at <= now,
        or_(Notification.next_try_at.is_(None), Notification.next_try_at <= now),
        or_(Notification.lease_until.is_(None), Notification.lease_until <= now),
        Person.unreachable_since.is_(None),
        Person.telegram_id.is_not(None),
    ]


async def claim_edits(
    db: Database, *, worker: str, now: datetime, limit: int = 50, lease: timedelta = DEFAULT_LEASE
) -> list[DueEdit]:
    """Claim approvers' cards already sent whose step was decided, to edit them; leased like `claim_due`."""
    actor, closing = aliased(Person), aliased(OutboxEvent)
    async with db.unit_of_work() as session:
        found = await session.execute(
            select(Notification, Person, closing, actor.full_name)
            .join(Person, Person.id == Notification.person_id)
            .join(closing, closing.id == Notification.closed_by_event_id)
            .outerjoin(actor, actor.id == closing.actor_id)
            .options(roles_loaded())
            .where(
                Notification.status == NoticeStatus.SENT,
                Notification.edited_at.is_(None),
                Notification.telegram_message_id.is_not(None),
                Notification.order_id.is_not(None),
                or_(Notification.lease_until.is_(None), Notification.lease_until <= now),
                Person.unreachable_since.is_(None),
            )
            .order_by(Notification.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=Notification)
        )
        edits: list[DueEdit] = []
        for notice, person, event, actor_name in found.unique().all():
            notice.lease_until, notice.claimed_by = now + lease, worker[:100]
            chat_id = notice.chat_id or person.telegram_id
            assert chat_id is not None and notice.telegram_message_id is not None and notice.order_id is not None
            edits.append(
                DueEdit(
                    id=notice.id,
                    person=person_view(person),
                    chat_id=chat_id,
                    message_id=notice.telegram_message_id,
                    order_id=notice.order_id,
                    closing=read_event(event),
                    actor_name=actor_name,
                )
            )
        return edits


async def mark_edited(db: Database, *, notice_id: int, now: datetime, error: str | None = None) -> None:
    """The decided card was edited (or could not be, for `error`: it is not tried again)."""
    async with db.unit_of_work() as session:
        notice = await session.get(Notification, notice_id, with_for_update=True)
        if notice is not None:
            notice.edited_at, notice.lease_until = now, None
            notice.last_error = error[:2000] if error else notice.last_error


async def mark_sent(
    db: Database, *, notice_id: int, message_id: int, now: datetime, chat_id: int | None = None
) -> bool:
    """The notice went out as this Telegram message; False if it was no longer pending (sent twice)."""
    return notice_id in await mark_all_sent(
        db, sent=[SentNotice(notice_id=notice_id, message_id=message_id, at=now, chat_id=chat_id)]
    )


@dataclass(frozen=True)
class SentNotice:
    """A notice that went out: as which Telegram message, when, and to which chat (if it moved)."""

    notice_id: int
    message_id: int
    at: datetime
    chat_id: int | None = None


async def mark_all_sent(db: Database, *, sent: Sequence[SentNotice]) -> set[int]:
    """Many notices that went out, marked as `mark_sent` marks one, in one transaction (a busy dispatcher
    commits once for many sends, not once for each); the ids marked, leaving out those no longer pending."""
    by_id = {one.notice_id: one for one in sent}
    async with db.unit_of_work() as session:
        found = list(
            await session.scalars(
                select(Notification)
                .where(Notification.id.in_(by_id), Notification.status == NoticeStatus.PENDING)
                .with_for_update()
            )
        )
        for notice in found:
            one = by_id[notice.id]
            notice.status, notice.sent_at, notice.telegram_message_id = NoticeStatus.SENT, one.at, one.message_id
            notice.chat_id = one.chat_id or notice.chat_id
            notice.lease_until = notice.next_try_at = None
        return {notice.id for notice in found}


async def mark_failed(db: Database, *, notice_id: int, reason: str) -> bool:
    """Telegram refused it for good (a 400, or too many tries): it stays failed until an operator retries."""
    async with db.unit_of_work() as session:
        notice = await _pending(session, notice_id)
        if notice is None:
            return False
        notice.status, notice.last_error, notice.lease_until = NoticeStatus.FAILED, reason[:2000], None
        return True


async def retry_later(
    db: Database,
    *,
    notice_id: int,
    at: datetime,
    reason: str = "",
    doubtful: bool = False,
    chat_id: int | None = None,
    failed: bool = False,
) -> bool:
    """Try again at `at` (a 429's retry_after, a backoff after a network fault); the lease ends now.

    `doubtful`: the send timed out, so Telegram may have delivered it; the retry may make a duplicate.
    `chat_id`: the chat moved (a group became a supergroup); the retry goes there.
    `failed`: Telegram failed the send (not a flood wait, nor a lease that ran out): it counts towards giving up.
    """
    async with db.unit_of_work() as session:
        notice = await _pending(session, notice_id)
        if notice is None:
            return False
        if notice.closed_by_event_id is not None:  # decided meanwhile: no point sending it any more
            notice.status, notice.lease_until, notice.last_error = NoticeStatus.CANCELLED, None, "decided"
            return False
        notice.next_try_at, notice.lease_until, notice.last_error = at, None, reason[:2000] or notice.last_error
        notice.doubtful = notice.doubtful or doubtful
        notice.failures += failed
        notice.chat_id = chat_id or notice.chat_id
        return True


async def _pending(session: AsyncSession, notice_id: int) -> Notification | None:
    notice = await session.get(Notification, notice_id, with_for_update=True)
    return notice if notice is not None and notice.status == NoticeStatus.PENDING else None


async def mark_unreachable(db: Database, *, person_id: int, now: datetime) -> int:
    """The person blocked the bot (a 403): nothing more is sent; their waiting notices are cancelled.

    The admins are told (a `person.unreachable` event), once until the person writes again.
    Returns how many notices were cancelled.
    """
    async with db.unit_of_work() as session:
        person = await session.get(Person, person_id, with_for_update=True)
        if person is None:
            raise NotFound(ErrorCode.PERSON_NOT_FOUND, value=str(person_id))
        if person.unreachable_since is None:
            person.unreachable_since = now
            fact = PersonUnreachable(person_id=person.id, person_name=person.full_name)
            session.add(OutboxEvent(created_at=now, kind=fact.kind, actor_id=None, payload=fact.to_payload()))
        done = await session.execute(
            update(Notification)
            .where(
                Notification.person_id == person_id,
                Notification.status.in_([NoticeStatus.PENDING, NoticeStatus.HELD]),
            )
            .values(status=NoticeStatus.CANCELLED, last_error="unreachable", lease_until=None)
        )
        telegram_id = person.telegram_id
    if telegram_id is not None:
        db.identities.forget(telegram_id)
    return int(done.rowcount)  # type: ignore[attr-defined]


async def person_wrote_again(db: Database, *, person_id: int) -> bool:
    """Someone marked unreachable wrote to the bot: they hear of new events again. True if they were unreachable."""
    async with db.unit_of_work() as session:
        person = await session.get(Person, person_id, with_for_update=True)
        if person is None or person.unreachable_since is None:
            return False
        person.unreachable_since = None
        telegram_id = person.telegram_id
    if telegram_id is not None:
        db.identities.forget(telegram_id)
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
            query.values(
                status=NoticeStatus.PENDING, due_at=now, next_try_at=None, lease_until=None, attempts=0, failures=0
            )
        )
        return int(done.rowcount)  # type: ignore[attr-defined]
