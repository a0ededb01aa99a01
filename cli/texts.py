"""Names and formats for the terminal, from `templates/` so the command line says what the bot says."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from core.money import Money
from templates import formats
from templates.catalogue import translations
from templates.environment import language
from templates.labels import (
    ACTIVITIES,
    BLOCKERS,
    HEADINGS,
    PRODUCTION_STATES,
    ROLES,
    STAGES,
    STEP_STATES,
    UNITS,
    namer,
)


@cache
def _namer(table: str, lang: str) -> Callable[[object], str]:
    tables: Mapping[str, Mapping[str, str]] = {
        "stage": STAGES,
        "role": ROLES,
        "activity": ACTIVITIES,
        "step_state": STEP_STATES,
        "production_state": PRODUCTION_STATES,
        "heading": HEADINGS,
        "unit": UNITS,
        "blocker": BLOCKERS,
    }
    return namer(tables[table], translations(language(lang)).gettext)


def stage_name(code: object, lang: str) -> str:
    return _namer("stage", lang)(code)


def role_name(code: object, lang: str) -> str:
    return _namer("role", lang)(code)


def activity_name(code: object, lang: str) -> str:
    return _namer("activity", lang)(code)


def step_state_name(code: object, lang: str) -> str:
    return _namer("step_state", lang)(code)


def production_state_name(code: object, lang: str) -> str:
    return _namer("production_state", lang)(code)


def blocker_name(code: object, lang: str) -> str:
    return _namer("blocker", lang)(code)


def heading(code: str, lang: str) -> str:
    """A table's column heading or a card's label, in the reader's language."""
    return _namer("heading", lang)(code)


def unit_name(unit: str, lang: str) -> str:
    """A unit of measure as the reader writes it: шт in Russian, pcs in English."""
    return _namer("unit", lang)(unit)


def money(value: Money, lang: str) -> str:
    return formats.money(value.amount, value.currency, locale=language(lang))


def amount(value: Decimal | str, lang: str) -> str:
    return formats.amount(value, locale=language(lang))


def qty(value: Decimal | str, lang: str) -> str:
    return formats.qty(value, locale=language(lang))


def day(value: date | str, lang: str) -> str:
    return formats.day(value, locale=language(lang))


def moment(value: datetime | str, lang: str, tz: str) -> str:
    return formats.moment(value, tz, locale=language(lang))
