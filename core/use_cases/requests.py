"""Registering a customer's request: the birth of an order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core import validation
from core.access import acting_person
from core.db import Database
from core.errors import DomainError, ErrorCode, Forbidden, NotFound
from core.events import OrderRegistered
from core.journal import ActivityKind, announce, record
from core.models import Counterparty, Order, Person
from core.models.people import roles_loaded
from core.money import DEFAULT_CURRENCY
from core.numbering import next_order_number
from core.roles import Role
from core.stages import SALES, Stage
from core.use_cases.lines import LineInput, append_lines
from core.views import OrderCard, order_card


async def register_request(
    db: Database,
    *,
    actor_id: int,
    counterparty_id: int,
    now: datetime,
    responsible_id: int | None = None,
    comment: str = "",
    lines: Sequence[LineInput] = (),
    currency: str = DEFAULT_CURRENCY,
    number_prefix: str = "ЗС-",
    number_digits: int = 6,
    request_key: str | None = None,
) -> OrderCard:
    """Register what a customer asked for, even if they never confirm it.

    Rules:
    - only a manager or a head of sales registers requests;
    - the order has a counterparty and a responsible manager from the start
      (the author unless another manager is named; only a head names someone else);
    - the number is the next of the sequence, unique however many register at once;
    - lines given with the request are checked as `add_line` checks them, and a refusal of
      any of them registers nothing (the error names the line);
    - a registration repeated with the same `request_key` (a double tap, a retry on another
      replica) registers nothing more and returns the order the first one made.
    """
    if request_key is not None:
        found = await _registered_under(db, request_key, actor_id)
        if found is not None:
            return found
    try:
        return await _register(
            db,
            actor_id=actor_id,
            counterparty_id=counterparty_id,
            now=now,
            responsible_id=responsible_id,
            comment=comment,
            lines=lines,
            currency=currency,
            number_prefix=number_prefix,
            number_digits=number_digits,
            request_key=request_key,
        )
    except IntegrityError:
        # Another process registered the same key between our look and our insert.
        found = await _registered_under(db, request_key, actor_id) if request_key is not None else None
        if found is None:
            raise
        return found


async def _registered_under(db: Database, request_key: str, actor_id: int) -> OrderCard | None:
    async with db.reading() as session:
        actor = await acting_person(session, actor_id)
        order = await session.scalar(select(Order).where(Order.request_key == request_key))
        return await order_card(session, order, actor) if order is not None else None


async def _register(
    db: Database,
    *,
    actor_id: int,
    counterparty_id: int,
    now: datetime,
    responsible_id: int | None,
    comment: str,
    lines: Sequence[LineInput],
    currency: str,
    number_prefix: str,
    number_digits: int,
    request_key: str | None,
) -> OrderCard:
    async with db.unit_of_work() as session:
        actor = await acting_person(session, actor_id)
        if not actor.roles & SALES:
            raise Forbidden(ErrorCode.NOT_ALLOWED, action="register", stage=Stage.REQUEST.value)
        counterparty = await session.get(Counterparty, counterparty_id)
        if counterparty is None:
            raise NotFound(ErrorCode.COUNTERPARTY_NOT_FOUND, value=str(counterparty_id))
        responsible = actor
        if responsible_id is not None and responsible_id != actor.id:
            if not actor.has_role(Role.HEAD):
                raise Forbidden(ErrorCode.NOT_ALLOWED, action="assign", stage=Stage.REQUEST.value)
            named = await session.get(Person, responsible_id, options=[roles_loaded()])
            if named is None or not named.active or not named.roles & SALES:
                raise NotFound(ErrorCode.PERSON_NOT_FOUND, value=str(responsible_id))
            responsible = named
        note = validation.text(comment, field="comment", max_length=2000, required=False)
        if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
            raise DomainError(ErrorCode.CURRENCY_UNKNOWN, value=currency[:10])
        order = Order(
            number=await next_order_number(session, prefix=number_prefix, digits=number_digits),
            stage=Stage.REQUEST,
            counterparty=counterparty,
            responsible=responsible,
            author_id=actor.id,
            currency=currency.upper(),
            comment=note,
            created_at=now,
            updated_at=now,
            stage_changed_at=now,
            version=0,
            request_key=request_key,
            lines=[],
        )
        session.add(order)
        await session.flush()
        record(
            session,
            order,
            kind=ActivityKind.REGISTERED,
            actor_id=actor.id,
            now=now,
            details={"counterparty": counterparty.name, "responsible": responsible.full_name},
        )
        await append_lines(session, order, actor, lines, now=now)
        announce(session, OrderRegistered(responsible_id=responsible.id), order=order, actor_id=actor.id, now=now)
        return await order_card(session, order, actor)
