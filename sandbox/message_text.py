"""A message's text or caption as Telegram stores it: parsed, trimmed, measured, its entities found."""

from collections.abc import Callable
from typing import Any

from sandbox import errors
from sandbox.entities import Entity, clip_entities, find_entities, trim, utf16_len
from sandbox.html_text import HtmlError, parse_html
from sandbox.markdown_text import MarkdownError, parse_markdown, parse_markdown_v2

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


def compose(
    text: Any,
    *,
    parse_mode: Any = None,
    entities: Any = None,
    caption: bool = False,
    strict: bool = False,
    find_user: Callable[[int], dict[str, Any] | None] | None = None,
) -> tuple[str, list[Entity]]:
    """The stored text and entities of a message text (or caption), or Telegram's refusal as ApiError."""
    source = "" if text is None else str(text)
    mode = parse_mode.lower() if isinstance(parse_mode, str) else ""
    try:
        if isinstance(entities, list):
            plain, found = source, clip_entities(source, entities)
        elif mode == "html":
            plain, found = parse_html(source, refuse_bare_ampersand=strict, find_user=find_user)
        elif mode == "markdownv2":
            plain, found = parse_markdown_v2(source)
        elif mode == "markdown":
            plain, found = parse_markdown(source)
        elif mode == "":
            plain, found = source, []
        else:
            raise errors.bad_request("unsupported parse_mode")
    except (HtmlError, MarkdownError) as refusal:
        raise errors.cant_parse_entities(str(refusal)) from None
    plain, found = trim(plain, found)
    if not caption and not plain:
        raise errors.bad_request(errors.MESSAGE_TEXT_EMPTY)
    if utf16_len(plain) > (CAPTION_LIMIT if caption else TEXT_LIMIT):
        raise errors.bad_request(errors.CAPTION_TOO_LONG if caption else errors.MESSAGE_TOO_LONG)
    return plain, find_entities(plain, found)
