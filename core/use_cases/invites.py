"""Joining by invitation: an admin makes a link for a role, the newcomer opens it once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from core import validation
from core.access import acting_person
from core.db import Database
from core.errors import ErrorCode, Forbidden, NotFound
from core.events import InviteUsed
from core.journal import announce
from core.models import Invite, Person, PersonRole
from core.models.people import roles_loaded
from core.roles import Role
from core.use_cases.people import PersonView, person_view

INVITE_LIFETIME = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class InviteView:
    token: str
    role: Role
    expires_at: datetime


async def create_invite(
    db: Database, *, actor_id: int, role: Role, now: datetime, lifetime: timedelta = INVITE_LIFETIME
) -> InviteView:
    """Only an admin invites; the token is unguessable, single-use and expires."""
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        if not actor.has_role(Role.ADMIN):
            raise Forbidden(ErrorCode.NOT_ALLOWED, action="invite", stage="")
        invite = Invite(
            token=secrets.token_urlsafe(24),
            role=role.value,
            created_by_id=actor.id,
            created_at=now,
            expires_at=now + lifetime,
        )
        session.add(invite)
        return InviteView(token=invite.token, role=role, expires_at=invite.expires_at)


async def accept_invite(
    db: Database, *, token: str, telegram_id: int, full_name: str, language: str, now: datetime
) -> PersonView:
    """Register the person who opened the link with its role (or add the role to staff already known).

    Rules: the token exists, has not been used, and has not expired; it is used up at once;
    the admin who made it is told who joined (an `InviteUsed` fact, the newcomer its actor).
    """
    name = validation.text(full_name, field="full_name", max_length=200)
    async with db.unit_of_work() as session:
        invite = await session.scalar(select(Invite).where(Invite.token == token).with_for_update())
        if invite is None:
            raise NotFound(ErrorCode.INVITE_NOT_FOUND)
        if invite.used_at is not None:
            raise Forbidden(ErrorCode.INVITE_USED)
        if invite.expires_at <= now:
            raise Forbidden(ErrorCode.INVITE_EXPIRED, expired_at=invite.expires_at.isoformat())
        found = await session.execute(select(Person).where(Person.telegram_id == telegram_id).options(roles_loaded()))
        person = found.unique().scalar_one_or_none()
        if person is None:
            person = Person(
                telegram_id=telegram_id,
                full_name=name,
                language=language if language in validation.LANGUAGES else "ru",
                created_at=now,
                role_rows=[],
            )
            session.add(person)
        person.active = True
        if Role(invite.role) not in person.roles:
            person.role_rows.append(PersonRole(role=invite.role))
        await session.flush()
        invite.used_by_id, invite.used_at = person.id, now
        joined = InviteUsed(
            invite_id=invite.id,
            role=invite.role,
            created_by_id=invite.created_by_id,
            person_id=person.id,
            person_name=person.full_name,
        )
        announce(session, joined, order=None, actor_id=person.id, now=now)
    db.identities.forget(telegram_id)  # staff already known may have gained a role
    return person_view(person)
