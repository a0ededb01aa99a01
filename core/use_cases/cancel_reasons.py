"""The catalogue of cancellation reasons: what people tap when a request or an order is cancelled.

`orderbot reasons list|add|rename|retire|restore` is its editor (an admin's, at the console); the bot
offers the active reasons as buttons, in their order. "Other" is built in: it always exists, asks for
the words, and is what a typed reason is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.db import Database
from core.errors import DomainError, ErrorCode, NotFound
from core.models.reasons import CancelReason

OTHER = "other"
CODE = re.compile(r"[a-z][a-z0-9_]{0,19}")
NAME_LENGTH = 60  # a button's width on a phone
# The catalogue a new database starts with (migration 0010 writes the same): code, name, asks for words.
DEFAULTS: tuple[tuple[str, str, bool], ...] = (
    ("price", "Не устроила цена", False),
    ("lead_time", "Не устроили сроки", False),
    ("competitor", "Ушли к конкуренту", False),
    ("no_stock", "Нет на складе", False),
    ("postponed", "Клиент отложил закупку", False),
    (OTHER, "Другое", True),
)


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    name: str
    needs_text: bool
    retired: bool


async def cancel_reasons(db: Database, *, with_retired: bool = False) -> tuple[Reason, ...]:
    """The reasons offered, in their order (the retired ones too when asked: the editor lists them)."""
    async with db.reading() as session:
        query = select(CancelReason).order_by(CancelReason.position, CancelReason.id)
        if not with_retired:
            query = query.where(CancelReason.retired.is_(False))
        return tuple(_view(reason) for reason in await session.scalars(query))


async def add_reason(db: Database, *, code: str, name: str, needs_text: bool = False) -> Reason:
    """Add a reason at the end of the list.

    Rules:
    - a code is a short Latin word (a-z, digits, `_`, up to 20), unique even among retired reasons, as
      cancelled orders keep it for good;
    - a name says something, in up to 60 characters (it is a button).
    """
    code = _code(code)
    written = validation.text(name, field="name", max_length=NAME_LENGTH)
    async with db.unit_of_work() as session:
        if await _find(session, code) is not None:
            raise DomainError(ErrorCode.CANCEL_REASON_TAKEN, code=code)
        last = await session.scalar(select(func.max(CancelReason.position)))
        reason = CancelReason(code=code, name=written, needs_text=needs_text, retired=False, position=(last or 0) + 1)
        session.add(reason)
        await session.flush()
        return _view(reason)


async def rename_reason(db: Database, *, code: str, name: str) -> Reason:
    """Give a reason another name; the orders cancelled for it keep their code, and what was written then."""
    written = validation.text(name, field="name", max_length=NAME_LENGTH)
    async with db.unit_of_work() as session:
        reason = await _existing(session, code)
        reason.name = written
        return _view(reason)


async def retire_reason(db: Database, *, code: str, retired: bool = True) -> Reason:
    """Stop offering a reason (or offer it again); "other" is never retired, since a typed reason is one."""
    async with db.unit_of_work() as session:
        reason = await _existing(session, code)
        if reason.code == OTHER and retired:
            raise DomainError(ErrorCode.CANCEL_REASON_BUILT_IN, code=OTHER)
        reason.retired = retired
        return _view(reason)


async def restore_default_reasons(db: Database) -> int:
    """Add whichever of the default reasons the catalogue lacks (a new or emptied database); how many."""
    async with db.unit_of_work() as session:
        have = set(await session.scalars(select(CancelReason.code)))
        last = await session.scalar(select(func.max(CancelReason.position))) or 0
        missing = [row for row in DEFAULTS if row[0] not in have]
        for offset, (code, name, needs_text) in enumerate(missing, start=1):
            reason = CancelReason(code=code, name=name, needs_text=needs_text, retired=False, position=last + offset)
            session.add(reason)
        return len(missing)


async def reason_written(session: AsyncSession, *, code: str, text: str | None) -> tuple[str, str]:
    """The reason a cancel is recorded with: its code, and the words the card and the journal show.

    Rules:
    - the code names an active reason of the catalogue, or "other";
    - a reason that asks for words ("other") needs them (REASON_REQUIRED); another one is written as
      its name, with the words after it when some were given.
    """
    reason = await _find(session, code) if code != OTHER else None
    if code != OTHER and (reason is None or reason.retired):
        known = ", ".join(await session.scalars(select(CancelReason.code).where(CancelReason.retired.is_(False))))
        raise DomainError(ErrorCode.CANCEL_REASON_UNKNOWN, code=code, known=known or OTHER)
    if reason is None or reason.needs_text:
        return code, validation.reason(text)
    said = validation.clean(text)
    return code, f"{reason.name}: {validation.reason(said)}" if said else reason.name


def _code(value: str) -> str:
    code = validation.clean(value).lower()
    if not CODE.fullmatch(code):
        raise DomainError(ErrorCode.CANCEL_REASON_CODE_INVALID, code=code)
    return code


async def _find(session: AsyncSession, code: str) -> CancelReason | None:
    found: CancelReason | None = await session.scalar(select(CancelReason).where(CancelReason.code == code))
    return found


async def _existing(session: AsyncSession, code: str) -> CancelReason:
    reason = await _find(session, validation.clean(code).lower())
    if reason is None:
        known = ", ".join(await session.scalars(select(CancelReason.code).order_by(CancelReason.position)))
        raise NotFound(ErrorCode.CANCEL_REASON_UNKNOWN, code=code, known=known or OTHER)
    return reason


def _view(reason: CancelReason) -> Reason:
    return Reason(code=reason.code, name=reason.name, needs_text=reason.needs_text, retired=reason.retired)
