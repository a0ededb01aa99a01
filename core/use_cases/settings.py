"""A person's own settings: their language, instant notices or a daily digest, quiet hours, what they mute.

What the settings mean for a notice is `core.notify_rules`: quiet hours hold what is not urgent
until they end (21:00–08:00 in the person's time zone when never chosen), a daily digest comes
when they end, and a muted kind is not heard unless a decision waits for the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import acting_person
from core.db import Database
from core.errors import DomainError, ErrorCode, Forbidden
from core.models import Person
from core.models.people import roles_loaded
from core.notice_kinds import NoticeCategory, categories_for, category_named, muted_categories, with_category
from core.notify_rules import DEFAULT_QUIET_FROM, DEFAULT_QUIET_TO
from core.parsing import QuietHours
from core.roles import Role

# The quiet hours offered with one tap, by the name their button carries.
QUIET_PRESETS: Mapping[str, QuietHours] = {
    "21-8": QuietHours(start=time(21, 0), end=time(8, 0)),
    "22-7": QuietHours(start=time(22, 0), end=time(7, 0)),
    "20-9": QuietHours(start=time(20, 0), end=time(9, 0)),
}


@dataclass(frozen=True, slots=True)
class PersonSettings:
    """A person's settings as their settings screen shows them."""

    person_id: int
    language: str
    time_zone: str
    roles: frozenset[Role]
    digest: bool
    quiet: QuietHours | None  # None: no quiet hours at all
    quiet_chosen: bool  # False: never chosen, so the default (21:00–08:00) holds
    digest_at: time  # when the daily digest comes: when quiet hours end (08:00 by default)
    categories: tuple[NoticeCategory, ...]  # those this person is offered, by their roles
    muted: frozenset[NoticeCategory]


def settings_of(person: Person) -> PersonSettings:
    """Quiet hours that begin when they end are none at all (how "off" is stored, keeping the digest's hour)."""
    start, end = person.quiet_from or DEFAULT_QUIET_FROM, person.quiet_to or DEFAULT_QUIET_TO
    return PersonSettings(
        person_id=person.id,
        language=person.language,
        time_zone=person.time_zone,
        roles=person.roles,
        digest=person.notify_digest,
        quiet=None if start == end else QuietHours(start=start, end=end),
        quiet_chosen=person.quiet_from is not None or person.quiet_to is not None,
        digest_at=end,
        categories=categories_for(person.roles),
        muted=muted_categories(person.muted_kinds or []),
    )


async def person_settings(db: Database, *, person_id: int) -> PersonSettings:
    async with db.reading() as session:
        return settings_of(await acting_person(session, person_id))


async def set_language(db: Database, *, person_id: int, language: str) -> PersonSettings:
    """Read the bot in another language.

    Rules: only a language the texts are written in (ru, en); the person's very next reply is in it,
    so this process forgets who they were at once (other processes within `core.identities`' time to live).
    """
    chosen = validation.language(language)
    async with db.unit_of_work() as session:
        person = await _person_to_change(session, person_id)
        person.language = chosen
        settings, telegram_id = settings_of(person), person.telegram_id
    if telegram_id is not None:
        db.identities.forget(telegram_id)  # after the commit, so nobody remembers the old language again
    return settings


async def set_digest(db: Database, *, person_id: int, digest: bool) -> PersonSettings:
    """Hear what is not urgent at once (outside quiet hours), or once a day as one digest when quiet hours end.

    What is urgent (a decision waiting, an own order returned or stuck) comes at once either way.
    """
    async with db.unit_of_work() as session:
        person = await _person_to_change(session, person_id)
        person.notify_digest = digest
        return settings_of(person)


async def set_quiet_hours(db: Database, *, person_id: int, hours: QuietHours | None) -> PersonSettings:
    """Choose the hours when only urgent notices come, or none at all (`hours` None).

    Rules: the hours are the person's local time and may run overnight (22:00–07:00); they must
    begin and end at different times (QUIET_HOURS_EMPTY). With none, the daily digest keeps the hour
    it had (the end of the former quiet hours, 08:00 by default).
    """
    if hours is not None and hours.start == hours.end:
        raise DomainError(ErrorCode.QUIET_HOURS_EMPTY, value=hours.start.strftime("%H:%M"))
    async with db.unit_of_work() as session:
        person = await _person_to_change(session, person_id)
        if hours is None:
            end = person.quiet_to or DEFAULT_QUIET_TO
            person.quiet_from, person.quiet_to = end, end
        else:
            person.quiet_from, person.quiet_to = hours.start, hours.end
        return settings_of(person)


async def toggle_category(db: Database, *, person_id: int, category: str, mute: bool) -> PersonSettings:
    """Turn one category of notices off (`mute`) or on again; the button says which, so a double tap changes
    nothing twice.

    Rules: only a category the person is offered (`core.notice_kinds.categories_for`), else
    NOTICE_CATEGORY_UNKNOWN; what always comes (a decision waiting for them) is in no category.
    """
    async with db.unit_of_work() as session:
        person = await _person_to_change(session, person_id)
        chosen: NoticeCategory = category_named(category, roles=person.roles)
        person.muted_kinds = with_category(person.muted_kinds or [], chosen, mute=mute)
        return settings_of(person)


async def _person_to_change(session: AsyncSession, person_id: int) -> Person:
    """The active person, locked until the commit: two taps at once each see the other's change."""
    found = await session.execute(
        select(Person).options(roles_loaded()).where(Person.id == person_id).with_for_update(of=Person)
    )
    person = found.unique().scalar_one_or_none()
    if person is None or not person.active:
        raise Forbidden(ErrorCode.NOT_REGISTERED)
    return person
