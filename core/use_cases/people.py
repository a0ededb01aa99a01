"""Staff: adding people, granting and revoking roles, knowing who writes to the bot."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import person_by_telegram_id
from core.db import Database
from core.errors import Conflict, DomainError, ErrorCode, NotFound
from core.models import Person, PersonRole
from core.models.people import roles_loaded
from core.roles import Role


@dataclass(frozen=True, slots=True)
class PersonView:
    id: int
    telegram_id: int | None
    full_name: str
    roles: frozenset[Role]
    language: str
    time_zone: str
    approval_limit: Decimal | None
    can_override_price: bool
    # Blocked the bot (a 403): nothing is sent to them until they write again.
    unreachable: bool = False


def person_view(person: Person) -> PersonView:
    return PersonView(
        id=person.id,
        telegram_id=person.telegram_id,
        full_name=person.full_name,
        roles=person.roles,
        language=person.language,
        time_zone=person.time_zone,
        approval_limit=person.approval_limit,
        can_override_price=person.can_override_price,
        unreachable=person.unreachable_since is not None,
    )


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError as error:
        raise DomainError(ErrorCode.ROLE_UNKNOWN, value=value[:30], known=", ".join(r.value for r in Role)) from error


async def add_person(
    db: Database,
    *,
    full_name: str,
    roles: Iterable[Role],
    now: datetime,
    telegram_id: int | None = None,
    language: str = "ru",
    time_zone: str = "Europe/Moscow",
    approval_limit: Decimal | None = None,
    can_override_price: bool = False,
) -> PersonView:
    """Add a member of staff. A Telegram id belongs to one person at most."""
    name = validation.text(full_name, field="full_name", max_length=200)
    validation.language(language)
    validation.zone(time_zone)
    limit = validation.price(approval_limit) if approval_limit is not None else None
    async with db.unit_of_work() as session:
        if telegram_id is not None and await session.scalar(select(Person.id).where(Person.telegram_id == telegram_id)):
            raise Conflict(ErrorCode.TELEGRAM_ID_TAKEN, value=str(telegram_id))
        person = Person(
            full_name=name,
            telegram_id=telegram_id,
            language=language,
            time_zone=time_zone,
            approval_limit=limit,
            can_override_price=can_override_price,
            created_at=now,
            role_rows=[PersonRole(role=role.value) for role in sorted(set(roles))],
        )
        session.add(person)
        await session.flush()
        return person_view(person)


async def grant_role(db: Database, *, telegram_id: int, role: Role) -> PersonView:
    """Give a person a role; granting one they have changes nothing."""
    async with db.unit_of_work() as session:
        person = await _by_telegram_id(session, telegram_id)
        if role not in person.roles:
            person.role_rows.append(PersonRole(role=role.value))
            await session.flush()
    db.identities.forget(telegram_id)  # after the commit, so nobody remembers the old roles again
    return person_view(person)


async def revoke_role(db: Database, *, telegram_id: int, role: Role) -> PersonView:
    async with db.unit_of_work() as session:
        person = await _by_telegram_id(session, telegram_id)
        person.role_rows = [row for row in person.role_rows if row.role != role.value]
        await session.flush()
    db.identities.forget(telegram_id)
    return person_view(person)


# What a person types to take an approver's limit away.
NO_LIMIT = frozenset({"none", "нет", "-", "—"})


def parse_approval_limit(value: str) -> Decimal | None:
    """An amount, or None for "no limit" (`none`, `нет`, `-`)."""
    if value.strip().lower() in NO_LIMIT:
        return None
    try:
        return validation.price(value)
    except DomainError as error:
        raise DomainError(ErrorCode.APPROVAL_LIMIT_INVALID, value=value[:50]) from error


async def set_approval_limit(db: Database, *, telegram_id: int, limit: Decimal | None) -> PersonView:
    """Set the largest order total a person may approve, or take the limit away (None: any total).

    Above the limit a step is not theirs to decide; someone whose limit covers the total decides it.
    """
    checked = validation.price(limit) if limit is not None else None
    async with db.unit_of_work() as session:
        person = await _by_telegram_id(session, telegram_id)
        person.approval_limit = checked
        await session.flush()
    db.identities.forget(telegram_id)
    return person_view(person)


async def identify(db: Database, *, telegram_id: int) -> PersonView | None:
    """The active member of staff behind a Telegram user, if any.

    Remembered for a few seconds (`core.identities`); a stranger is not, so one who has just
    joined on another replica is known at their next update.
    """
    known: PersonView | None = db.identities.get(telegram_id)
    if known is not None:
        return known
    async with db.reading() as session:
        person = await person_by_telegram_id(session, telegram_id)
        found = person_view(person) if person is not None else None
    if found is not None:
        db.identities.put(telegram_id, found)
    return found


async def list_people(db: Database) -> tuple[PersonView, ...]:
    async with db.reading() as session:
        people = (await session.scalars(select(Person).order_by(Person.full_name).options(roles_loaded()))).unique()
        return tuple(person_view(person) for person in people)


async def _by_telegram_id(session: AsyncSession, telegram_id: int) -> Person:
    found = await session.execute(select(Person).where(Person.telegram_id == telegram_id).options(roles_loaded()))
    person = found.unique().scalar_one_or_none()
    if person is None:
        raise NotFound(ErrorCode.PERSON_NOT_FOUND, value=str(telegram_id))
    return person
