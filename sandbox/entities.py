"""Message entities: offsets in UTF-16 code units, the entities Telegram finds by itself, trimming.

Telegram measures texts and places entities in UTF-16 code units, so an emoji counts twice and a
Cyrillic letter once; every offset and length here follows that rule.
"""

import re
from typing import Any

Entity = dict[str, Any]

# Entities inside which Telegram finds nothing else (links in code stay plain text).
_OPAQUE = frozenset({"code", "pre", "text_link", "text_mention", "custom_emoji"})
# What Telegram recognises in any text, strongest first: a later kind never overlaps an earlier one.
_FOUND: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("url", re.compile(r"\b(?:https?|tg|ftp)://[^\s<>\"']+")),
    ("email", re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    ("bot_command", re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{3,32}(?!\w)")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
)
_MAYBE_FOUND = re.compile(r"[/@#:]")
_URL_TAIL = ".,:;!?'\")]}"
_TRIMMED = " \t\r\n"


def utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def sort_entities(entities: list[Entity]) -> list[Entity]:
    """Telegram's order: by offset, and the outer of two entities that start together first."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def find_entities(text: str, entities: list[Entity]) -> list[Entity]:
    """Add the links, addresses, commands, mentions and hashtags Telegram recognises in a text."""
    if not _MAYBE_FOUND.search(text):
        return entities
    taken = [(e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] in _OPAQUE]
    found: list[Entity] = []
    for kind, pattern in _FOUND:
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind == "url":
                end = start + len(match.group().rstrip(_URL_TAIL))
            offset = utf16_len(text[:start])
            span = (offset, offset + utf16_len(text[start:end]))
            if any(span[0] < b and a < span[1] for a, b in taken):
                continue
            taken.append(span)
            found.append({"type": kind, "offset": span[0], "length": span[1] - span[0]})
    return sort_entities(entities + found) if found else entities


def trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Drop leading and trailing blanks as Telegram does, keeping entities on the same characters."""
    stripped = text.strip(_TRIMMED)
    if len(stripped) == len(text):
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip(_TRIMMED))])
    end = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(0, entity["offset"] - shift)
        stop = min(end, entity["offset"] + entity["length"] - shift)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    return stripped, kept


def drop_nested_in_code(entities: list[Entity]) -> list[Entity]:
    """Code and pre hold no other formatting, so Telegram drops entities inside them."""
    blocks = [e for e in entities if e["type"] in ("code", "pre")]
    if not blocks:
        return entities
    return [
        e
        for e in entities
        if e["type"] == "pre"
        or not any(
            b is not e and b["offset"] <= e["offset"] and e["offset"] + e["length"] <= b["offset"] + b["length"]
            for b in blocks
        )
    ]


def clip_entities(text: str, entities: list[Any]) -> list[Entity]:
    """Entities given explicitly: keep the well-formed ones, clipped to the text, as Telegram does."""
    size = utf16_len(text)
    kept: list[Entity] = []
    for entity in entities:
        if not isinstance(entity, dict):
            continue
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or not isinstance(entity.get("type"), str):
            continue
        stop = min(size, offset + length)
        if offset >= 0 and stop > offset:
            kept.append({**entity, "offset": offset, "length": stop - offset})
    return sort_entities(kept)
