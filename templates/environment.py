"""One Jinja2 environment per language, built once: loader, autoescape, gettext, filters, globals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, make_logging_undefined, pass_context
from jinja2.runtime import Context

from templates import formats
from templates.catalogue import translations
from templates.labels import TABLES, namer

TEMPLATE_DIR = Path(__file__).parent
LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"

log = logging.getLogger(__name__)


def language(lang: str | None) -> str:
    """The supported language meant by `lang` ("en-US" is English); Russian for anything else."""
    base = (lang or "").replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def environment(lang: str) -> Environment:
    """The environment of the language meant by `lang`, built on first use."""
    return _environment(language(lang))


@cache
def _environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        # Telegram's HTML parse mode: every value escaped, so a "<" in a customer's name cannot
        # break a message or smuggle in a tag.
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        # A missing value renders empty and is logged: a person still gets the message, and the
        # log says which template needs a `|default`.
        undefined=make_logging_undefined(log),
    )
    # Trimmed `{% trans %}` blocks, so templates may wrap long sentences; babel.cfg says the same.
    env.policies["ext.i18n.trimmed"] = True
    tr = translations(lang)
    env.install_gettext_translations(tr, newstyle=True)  # type: ignore[attr-defined]
    helpers = _helpers(lang)
    helpers.update({name: namer(table, tr.gettext) for name, table in TABLES.items()})
    env.filters.update(helpers)
    env.globals.update(helpers)
    env.globals["lang"] = lang
    return env


def _helpers(locale: str) -> dict[str, Callable[..., Any]]:
    @pass_context
    def moment(context: Context, value: object, tz: str | None = None) -> str:
        return formats.moment(value, tz or context.get("tz"), locale=locale)

    @pass_context
    def clock(context: Context, value: object, tz: str | None = None) -> str:
        return formats.clock(value, tz or context.get("tz"), locale=locale)

    return {
        "money": partial(formats.money, locale=locale),
        "amount": partial(formats.amount, locale=locale),
        "qty": partial(formats.qty, locale=locale),
        "day": partial(formats.day, locale=locale),
        "moment": moment,
        "clock": clock,
    }
