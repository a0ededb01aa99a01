"""Order numbers like ЗС-000001, never repeated even when many are taken at once."""

from __future__ import annotations

import re

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


# How each Cyrillic letter of a prefix may be typed on a Latin keyboard: by its sound ("ZS" for
# «ЗС») or by its look ("BK" for «ВК»), in either case.
_LATIN_SPELLINGS = {
    "а": "a", "б": "b", "в": "vbw", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "j", "з": "z3",
    "и": "i", "й": "jy", "к": "k", "л": "l", "м": "m", "н": "nh", "о": "o0", "п": "p", "р": "rp",
    "с": "sc", "т": "t", "у": "uy", "ф": "f", "х": "hx", "ц": "c", "ч": "4", "ш": "w", "ы": "y",
    "э": "e", "ю": "u",
}  # fmt: skip
_MAX_TYPED = 40


def order_number(typed: str, *, prefix: str, digits: int) -> str | None:
    """The order number people mean, as stored (ЗС-000025), or None when the text is not a number.

    Takes ЗС-000025, зс-25, "ЗС 25", ZS-000025, zs25 and a bare 25; only ASCII digits, and
    never more than the numbers have.
    """
    text = typed.strip()
    if len(text) > _MAX_TYPED:
        return None
    letters = "".join(_spellings(char) for char in prefix.rstrip("-").casefold())
    match = re.fullmatch(rf"(?:{letters}\s*-?\s*)?([0-9]+)", text, flags=re.IGNORECASE)
    if match is None:
        return None
    value = int(match.group(1))
    if not 1 <= value < 10**digits:
        return None
    return format_number(value, prefix=prefix, digits=digits)


def _spellings(char: str) -> str:
    """A pattern for one letter of the prefix: itself, or how it is typed in Latin letters."""
    if char.isspace():
        return r"\s*"
    return f"[{re.escape(char + _LATIN_SPELLINGS.get(char, ''))}]"
