"""Who is behind a Telegram user, remembered for a few seconds: every update asks, and people rarely change.

The use cases that change a person (roles, language, limit, joining) forget them in this process at
once; another process (a second replica, the CLI) forgets them when the time to live runs out, so
that time bounds how long a revoked role can still be used elsewhere.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")

TIME_TO_LIVE = 10.0  # seconds: how stale another process's change may be seen here
MOST = 1000  # people remembered at once; the least recently used go first


class IdentityCache(Generic[Value]):
    """A small, bounded map from a Telegram id to what was found, each entry good for `ttl` seconds."""

    def __init__(
        self, *, ttl: float = TIME_TO_LIVE, most: int = MOST, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.most = most
        self.clock = clock
        self._entries: OrderedDict[int, tuple[float, Value]] = OrderedDict()

    def get(self, telegram_id: int) -> Value | None:
        entry = self._entries.get(telegram_id)
        if entry is None:
            return None
        expires, value = entry
        if self.clock() >= expires:
            del self._entries[telegram_id]
            return None
        self._entries.move_to_end(telegram_id)
        return value

    def put(self, telegram_id: int, value: Value) -> None:
        self._entries[telegram_id] = (self.clock() + self.ttl, value)
        self._entries.move_to_end(telegram_id)
        while len(self._entries) > self.most:
            self._entries.popitem(last=False)

    def forget(self, telegram_id: int | None = None) -> None:
        """Forget one person (or, with no id, everyone): the next update reads them afresh."""
        if telegram_id is None:
            self._entries.clear()
        else:
            self._entries.pop(telegram_id, None)
