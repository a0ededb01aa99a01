"""Order numbers like ЗС-000001, never repeated even when many are taken at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Counter

ORDER_COUNTER = "orders"


async def next_value(session: AsyncSession, name: str) -> int:
    """Advance the counter in one statement; the row lock it takes orders concurrent callers."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(Counter)
        .values(name=name, value=1)
        .on_conflict_do_update(index_elements=[Counter.name], set_={"value": Counter.value + 1})
        .returning(Counter.value)
    )
    return int((await session.execute(statement)).scalar_one())


async def next_order_number(session: AsyncSession, *, prefix: str, digits: int) -> str:
    return format_number(await next_value(session, ORDER_COUNTER), prefix=prefix, digits=digits)


def format_number(value: int, *, prefix: str, digits: int) -> str:
    return f"{prefix}{value:0{digits}d}"


async def current_value(session: AsyncSession, name: str) -> int:
    value = await session.scalar(select(Counter.value).where(Counter.name == name))
    return int(value or 0)
