"""Callback data: short, within Telegram's 64 bytes, and never trusted.

A button says what it is about (`o` an order, `r` the registry, `n` a new request…),
and for an order the version the card showed, so a tap on an old card can be told apart.
Whatever a button says is checked again by the core before anything changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.parsing import parse_id

MAX_BYTES = 64
SEPARATOR = ":"


@dataclass(frozen=True, slots=True)
class Tap:
    kind: str
    args: tuple[str, ...]

    def int_arg(self, index: int) -> int | None:
        """The argument as a number, or None when the button was forged or garbled."""
        return parse_id(self.args[index]) if index < len(self.args) else None

    def arg(self, index: int, default: str = "") -> str:
        return self.args[index] if index < len(self.args) else default


def pack(kind: str, *args: object) -> str:
    data = SEPARATOR.join([kind, *(str(arg) for arg in args)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def unpack(data: str | None) -> Tap:
    parts = (data or "").split(SEPARATOR)
    return Tap(kind=parts[0], args=tuple(parts[1:]))
