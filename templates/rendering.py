"""The one way a text is made: a template name, the reader's language, the values."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Mapping
from typing import Any

from jinja2 import TemplateNotFound

from core.errors import DomainError
from templates.environment import environment

log = logging.getLogger(__name__)

_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")
# Every value is escaped, so whatever still looks like a tag was written in the template.
_TAG = re.compile(r"<[^<>]*>")
GENERIC_ERROR = "errors/_generic.html.j2"


# `name` is positional-only because values may be called `name` too (an item's name, say).
def render(name: str, /, *, lang: str, **context: Any) -> str:
    """`templates/<name>` in `lang`, as Telegram HTML: values escaped, at most one blank line in a row."""
    return _render(name, lang, context)


def render_plain(name: str, /, *, lang: str, **context: Any) -> str:
    """The same text for a terminal: tags dropped, entities turned back into characters."""
    return to_plain(_render(name, lang, context))


def to_plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


def error_message(error: DomainError, *, lang: str, html: bool = True) -> str:
    """What a person reads when the core refuses: `errors/<code>` with the error's params."""
    context = {**error.params, "error_code": error.code.value}
    try:
        text = _render(f"errors/{error.code.value}.html.j2", lang, context)
    except TemplateNotFound:
        # A code added to the core before its text: say something rather than nothing.
        log.error("no template for error %s", error.code.value)
        text = _render(GENERIC_ERROR, lang, context)
    return text if html else to_plain(text)


def _render(name: str, lang: str, context: Mapping[str, Any]) -> str:
    text = environment(lang).get_template(name).render(context)
    text = _TRAILING_SPACE.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()
