"""A bot's queue of updates: numbered in order, kept until confirmed, read by one poller at a time."""

from collections import deque
from typing import Any

from sandbox.signals import Signal, Waiters, wait_any

Update = dict[str, Any]

# What a bot receives when it never said: everything except these three (Bot API, getUpdates).
NOT_SENT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateQueue:
    def __init__(self) -> None:
        self._items: deque[Update] = deque()
        self._next_id = 1
        self.allowed: frozenset[str] | None = None  # None: Telegram's default set
        self.changed = Signal()  # an update arrived, another poller came, or the queue closed
        self.waiting_polls = Waiters()  # getUpdates long polls waiting for an update now
        self._poll_generation = 0
        self.closed = False

    def __len__(self) -> int:
        return len(self._items)

    def push(self, kind: str, payload: dict[str, Any]) -> int | None:
        """Queue an update; its update_id, or None when the bot chose not to receive this kind."""
        if (kind not in self.allowed) if self.allowed else (kind in NOT_SENT_BY_DEFAULT):
            return None
        update_id = self._next_id
        self._next_id += 1
        self._items.append({"update_id": update_id, kind: payload})
        self._wake()
        return update_id

    def allow(self, kinds: Any) -> None:
        """Remember the kinds a bot asked for; an empty list means Telegram's default, None no change."""
        if isinstance(kinds, list):
            self.allowed = frozenset(k for k in kinds if isinstance(k, str)) or None

    def confirm(self, offset: int) -> None:
        """Forget updates below offset; a negative offset keeps only the last -offset updates."""
        items = self._items
        if offset < 0:
            while len(items) > -offset:
                items.popleft()
            return
        while items and items[0]["update_id"] < offset:
            items.popleft()

    def peek(self, limit: int) -> list[Update]:
        if len(self._items) <= limit:
            return list(self._items)
        return [self._items[i] for i in range(limit)]

    def first(self) -> Update | None:
        return self._items[0] if self._items else None

    def remove(self, update_id: int) -> None:
        if self._items and self._items[0]["update_id"] == update_id:
            self._items.popleft()

    def drop_all(self) -> None:
        self._items.clear()

    def start_poll(self) -> int:
        """A new getUpdates call: the one already waiting, if any, is told it was terminated."""
        self._poll_generation += 1
        self._wake()
        return self._poll_generation

    def superseded(self, generation: int) -> bool:
        return generation != self._poll_generation

    async def wait(self, within: float) -> None:
        """Sleep until an update arrives, another poller comes, the queue closes, or `within` seconds pass."""
        if not self.closed:
            await wait_any(self.changed, within=within)

    def close(self) -> None:
        self.closed = True
        self._wake()

    def _wake(self) -> None:
        self.changed.fire()
