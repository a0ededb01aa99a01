"""Reading back plain JSON data we stored ourselves (a person's draft), strictly.

What was written by an older version, garbled, or edited by hand must not be trusted: each
reader checks the type it expects and raises `TypeError` otherwise, so a caller reading a
whole structure catches one family of errors and starts over instead of carrying bad values on.
"""

from __future__ import annotations


def mapping(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise TypeError(value)
    return {str(key): item for key, item in value.items()}


def list_(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError(value)
    return value


def str_(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def int_(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(value)
    return value


def optional_int(value: object) -> int | None:
    return None if value is None else int_(value)


def optional_str(value: object) -> str | None:
    return None if value is None else str_(value)
