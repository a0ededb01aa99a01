"""An approver away hands their approvals to someone else for a while, and takes them back.

While a delegation is in force the delegate decides what waits for the approver, as the approver
would be judged (`core.policy.stand_in_step`), hears of it instead of them (`core.notify_rules`),
and the journal says on whose behalf each vote was cast. A delegation ends by itself at the end of
its last day, in the approver's time zone; nothing needs to run for that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import SEES_ALL, acting_person
from core.db import Database
from core.delegation import current, in_force
from core.errors import DomainError, ErrorCode, Forbidden, NotFound
from core.events import ApprovalsDelegated, ApprovalsTakenBack
from core.journal import announce
from core.models import Delegation, Person
from core.models.people import roles_loaded
from core.roles import Role
from core.use_cases.inbox import decides_approvals, waiting_for

LONGEST = timedelta(days=366)  # a year at most: longer is not an absence but a change of who approves
CANDIDATES_SHOWN = 12


@dataclass(frozen=True, slots=True)
class DelegationView:
    """A delegation as people are shown it: who to whom, and the last day (in the approver's zone)."""

    principal_id: int
    principal_name: str
    delegate_id: int
    delegate_name: str
    delegate_telegram_id: int | None
    until: date
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class Candidate:
    """Someone who could hold the person's approvals: they see every order and are on the staff."""

    person_id: int
    name: str
    shares_role: bool  # they approve with a role of the person's: the natural stand-in


@dataclass(frozen=True, slots=True)
class DelegationScreen:
    """What /delegate shows: whether the person approves at all, their delegation, whom they stand in for."""

    approver: bool
    mine: DelegationView | None
    standing_in_for: tuple[DelegationView, ...]
    candidates: tuple[Candidate, ...]


async def delegate_approvals(
    db: Database, *, principal_id: int, delegate_id: int, until: date, now: datetime, by_id: int | None = None
) -> DelegationView:
    """Hand the approver's approvals to the delegate from now until the end of `until`.

    Rules:
    - the approver is on the staff and holds a role that approves; someone else may arrange it
      for them (`by_id`) only as an administrator or a head of sales, and never naming themselves
      the delegate; the command line arranges it as the operator (`by_id` None);
    - the delegate is someone else on the staff who sees every order (a manager sees only their
      own, so cannot decide others'), and is not away themselves then: approvals are not handed on;
    - `until` is a day from today (the approver's local date) to a year ahead; the delegation
      ends when that day does, in the approver's time zone;
    - a new delegation replaces the approver's current one (it ends now);
    - the delegate hears of it, with how many decisions wait for the approver now.
    """
    async with db.unit_of_work() as session:
        by = await _arranging(session, by_id, principal_id)
        principal = await _person(session, principal_id)
        if not decides_approvals(principal):
            raise DomainError(ErrorCode.DELEGATION_NOT_APPROVER, name=principal.full_name)
        delegate = await _person(session, delegate_id)
        if delegate.id == principal.id:
            raise DomainError(ErrorCode.DELEGATION_TO_SELF)
        if by is not None and by.id != principal.id and delegate.id == by.id:
            # Arranging someone's absence must not hand their authority to oneself.
            raise Forbidden(ErrorCode.DELEGATE_IS_ARRANGER, name=principal.full_name)
        if not delegate.has_role(*SEES_ALL):
            raise DomainError(ErrorCode.DELEGATE_SEES_OWN_ONLY, name=delegate.full_name)
        today = validation.local_today(now, principal.time_zone)
        if until < today:
            raise DomainError(ErrorCode.DATE_IN_PAST, value=until.isoformat(), today=today.isoformat())
        if until > today + LONGEST:
            raise DomainError(ErrorCode.DATE_TOO_FAR, value=until.isoformat(), latest=(today + LONGEST).isoformat())
        ends_at = _end_of(until, principal.time_zone)
        away = await current(session, delegate.id, at=now)
        if away is not None:
            raise DomainError(ErrorCode.DELEGATE_AWAY, name=delegate.full_name, until=_last_day(away).isoformat())
        replaced = await current(session, principal.id, at=now)
        if replaced is not None:
            replaced.ends_at = now
        delegation = Delegation(
            principal_id=principal.id,
            delegate_id=delegate.id,
            starts_at=now,
            ends_at=ends_at,
            created_by_id=by.id if by is not None else None,
            created_at=now,
        )
        session.add(delegation)
        handed = ApprovalsDelegated(
            delegate_id=delegate.id,
            principal_id=principal.id,
            principal_name=principal.full_name,
            until=until.isoformat(),
            waiting=len(await waiting_for(session, principal)),
            by_name=by.full_name if by is not None and by.id != principal.id else "",
        )
        announce(session, handed, order=None, actor_id=by.id if by is not None else None, now=now)
        await session.flush()
        return _view(delegation, principal, delegate)


async def take_back_approvals(db: Database, *, principal_id: int, now: datetime, by_id: int | None = None) -> bool:
    """End the approver's delegation now; False when none was in force.

    Rules: the approver themselves, an administrator or a head of sales (or the operator); the
    delegate hears that the approvals went back.
    """
    async with db.unit_of_work() as session:
        by = await _arranging(session, by_id, principal_id)
        principal = await _person(session, principal_id)
        delegation = await current(session, principal.id, at=now)
        if delegation is None:
            return False
        delegation.ends_at = now
        back = ApprovalsTakenBack(
            delegate_id=delegation.delegate_id, principal_id=principal.id, principal_name=principal.full_name
        )
        announce(session, back, order=None, actor_id=by.id if by is not None else None, now=now)
        return True


async def delegation_screen(db: Database, *, person_id: int, now: datetime) -> DelegationScreen:
    """The person's delegation now, whom they stand in for, and who could hold their approvals."""
    async with db.reading() as session:
        person = await acting_person(session, person_id)
        mine = await current(session, person.id, at=now)
        standing = await session.scalars(
            select(Delegation).where(Delegation.delegate_id == person.id, *in_force(now)).order_by(Delegation.ends_at)
        )
        candidates = await _candidates(session, person) if decides_approvals(person) else ()
        return DelegationScreen(
            approver=decides_approvals(person),
            mine=_view(mine, mine.principal, mine.delegate) if mine is not None else None,
            standing_in_for=tuple(_view(d, d.principal, d.delegate) for d in standing.unique()),
            candidates=candidates,
        )


async def list_delegations(db: Database, *, now: datetime) -> tuple[DelegationView, ...]:
    """Every delegation in force now or to come, soonest ending first (for the command line)."""
    async with db.reading() as session:
        found = await session.scalars(
            select(Delegation).where(Delegation.ends_at > now).order_by(Delegation.ends_at, Delegation.id)
        )
        return tuple(_view(d, d.principal, d.delegate) for d in found.unique())


async def _candidates(session: AsyncSession, person: Person) -> tuple[Candidate, ...]:
    people = await session.scalars(
        select(Person).options(roles_loaded()).where(Person.active, Person.id != person.id).order_by(Person.full_name)
    )
    approving = person.roles & {Role.APPROVER, Role.HEAD}
    found = [
        Candidate(person_id=p.id, name=p.full_name, shares_role=bool(p.roles & approving))
        for p in people.unique()
        if p.has_role(*SEES_ALL) and p.telegram_id is not None
    ]
    found.sort(key=lambda c: (not c.shares_role, c.name))
    return tuple(found[:CANDIDATES_SHOWN])


async def _arranging(session: AsyncSession, by_id: int | None, principal_id: int) -> Person | None:
    """Who arranges the delegation: the approver, or an administrator or head of sales for them."""
    if by_id is None:
        return None
    by = await acting_person(session, by_id)
    if by.id != principal_id and not by.has_role(Role.ADMIN, Role.HEAD):
        raise Forbidden(ErrorCode.NOT_ALLOWED, action="delegate", stage="")
    return by


async def _person(session: AsyncSession, person_id: int) -> Person:
    person = await session.get(Person, person_id, options=[roles_loaded()])
    if person is None or not person.active:
        raise NotFound(ErrorCode.PERSON_NOT_FOUND, value=str(person_id))
    return person


def _end_of(day: date, time_zone: str) -> datetime:
    """The moment the day ends in that zone: the next day's midnight there."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=validation.zone(time_zone))


def _last_day(delegation: Delegation) -> date:
    """The delegation's last day in the approver's zone: the day before the one it ends at."""
    zone = validation.zone(delegation.principal.time_zone)
    return (delegation.ends_at.astimezone(zone) - timedelta(microseconds=1)).date()


def _view(delegation: Delegation, principal: Person, delegate: Person) -> DelegationView:
    return DelegationView(
        principal_id=principal.id,
        principal_name=principal.full_name,
        delegate_id=delegate.id,
        delegate_name=delegate.full_name,
        delegate_telegram_id=delegate.telegram_id,
        until=(delegation.ends_at.astimezone(validation.zone(principal.time_zone)) - timedelta(microseconds=1)).date(),
        ends_at=delegation.ends_at,
    )
