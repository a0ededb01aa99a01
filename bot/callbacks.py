"""Callback data: short, within Telegram's 64 bytes, and never trusted.

A button's data starts with a `Prefix` saying what it is about (an order's card, the registry, a new
request…), and for an order the version the card showed, so a tap on an old card can be told apart.
`bot.routes` routes each prefix to its handler with python-telegram-bot's own patterns. Whatever a
button says is read through `Tap`'s typed accessors and checked again by the core before anything changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.parsing import parse_id

MAX_BYTES = 64
SEPARATOR = ":"
# What the second part of an `m:` button says (`bot.handlers.mps`).
REPLENISH, MADE, PLAN = "r", "t", "p"


class Prefix(StrEnum):
    """What a button is about: the first part of its data."""

    ORDER = "o"  # a card's button: o:<order>:<version>:<action>[:args]
    DETAIL = "d"  # the card's own screens: d:<view>:<order>[:<where>]
    LINES = "l"  # editing an order's lines: l:<order>:<version>[:<line>[:<what>[:args]]]
    NEW = "n"  # registering a request: n:<flow id>:<what>[:args]
    REGISTRY = "r"  # the registry: r:<what>[:args]
    SETTINGS = "s"  # a person's settings: s:<what>[:<value>[:<on or off>]]
    INBOX = "i"  # an approver's inbox: i:<what>[:<order> or <the list's key>]
    DELEGATE = "g"  # handing one's approvals over while away: g:<what>[:<person>[:<last day, YYYYMMDD>]]
    DEBTS = "b"  # debts: b:p:<customer> (a promise to pay), b:d:<customer>:<YYYYMMDD> (its day), b:t:<customer> (typed)
    DEMAND = "a"  # demand: a:w|m|q (this week, month, quarter), a:t (type the days), a:f:<from>:<to> (the file)
    MPS = "m"  # the MPS: m:r (replenish), m:t:<order>:<line> (type what was made), m:p:<filters>:<offset> (the plan)

    def pattern(self, *first: str) -> str:
        """The regular expression of this prefix's data (and of its first argument, if given) for PTB's routing."""
        head = SEPARATOR.join([self.value, *first])
        return rf"^{head}(?:{SEPARATOR}|$)"


@dataclass(frozen=True, slots=True)
class Tap:
    """A button's data, read: its prefix and its arguments, each read as what it should be or as None."""

    prefix: str
    args: tuple[str, ...]

    @classmethod
    def parse(cls, data: str | None) -> Tap:
        parts = (data or "").split(SEPARATOR)
        return cls(prefix=parts[0], args=tuple(parts[1:]))

    def arg(self, index: int, default: str = "") -> str:
        return self.args[index] if index < len(self.args) else default

    def id(self, index: int) -> int | None:
        """A record's id, or None when the button was forged or garbled."""
        return parse_id(self.args[index]) if index < len(self.args) else None

    def position(self, index: int) -> int | None:
        """A page, a position in a list or a choice where 0 counts; None unless plain digits."""
        text = self.arg(index)
        if text == "0":
            return 0
        return parse_id(text)

    def after(self, count: int) -> Tap:
        """The same tap without its first `count` arguments: what a sub-handler reads."""
        return Tap(prefix=self.prefix, args=self.args[count:])


def pack(prefix: Prefix, *args: object) -> str:
    data = SEPARATOR.join([prefix.value, *(str(arg) for arg in args)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data
