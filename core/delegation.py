"""Who stands in for whom now: the delegations in force at a moment, read by the vote, the inbox,
the card and the fan-out alike, so they agree on who decides in an absent approver's stead."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Delegation, Person
from core.models.people import roles_loaded


def in_force(at: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The conditions of a delegation in force at `at`: begun, and not yet ended."""
    return (Delegation.starts_at <= at, Delegation.ends_at > at)


async def principals_of(session: AsyncSession, delegate_id: int, *, at: datetime) -> list[Person]:
    """The approvers whose approvals this person holds at `at`, with their roles (a vote judges by them)."""
    found = await session.scalars(
        select(Person)
        .options(roles_loaded())
        .join(Delegation, Delegation.principal_id == Person.id)
        .where(Delegation.delegate_id == delegate_id, Person.active, *in_force(at))
        .order_by(Delegation.starts_at, Delegation.id)
    )
    return list(found.unique())


async def delegates_of(session: AsyncSession, principal_ids: Collection[int], *, at: datetime) -> dict[int, Person]:
    """For each of these approvers who is away at `at`: the person who holds their approvals."""
    if not principal_ids:
        return {}
    rows = await session.execute(
        select(Delegation.principal_id, Person)
        .join(Person, Person.id == Delegation.delegate_id)
        .options(roles_loaded())
        .where(Delegation.principal_id.in_(sorted(set(principal_ids))), Person.active, *in_force(at))
        .order_by(Delegation.starts_at, Delegation.id)
    )
    return {principal_id: delegate for principal_id, delegate in rows.unique().all()}


async def current(session: AsyncSession, principal_id: int, *, at: datetime) -> Delegation | None:
    """The delegation of this approver's approvals in force at `at`, if any."""
    return await session.scalar(
        select(Delegation)
        .where(Delegation.principal_id == principal_id, *in_force(at))
        .order_by(Delegation.starts_at.desc(), Delegation.id.desc())
        .limit(1)
    )
