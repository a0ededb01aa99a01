"""Telegram's flood limits, as token buckets, switched on by tests that want to meet them.

About 30 messages a second in all, one a second per chat (a short burst allowed), 20 a minute per
group. Time in the buckets runs `time_scale` times faster than the wall clock so a test can meet a
limit without waiting for it; the retry_after told to the client is in real seconds, rounded up,
because the Bot API only has whole seconds.
"""

import math
import time
from dataclasses import dataclass

# Only sending counts: Telegram's published limits are about messages, not edits or answers.
SENDING_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})

OVERALL_PER_SECOND = 30.0
CHAT_PER_SECOND = 1.0
CHAT_BURST = 3.0
GROUP_PER_MINUTE = 20.0


@dataclass
class Bucket:
    rate: float  # tokens a second
    capacity: float
    tokens: float
    stamp: float

    def wait(self, now: float) -> float:
        """Seconds until a token is free (0 when one is free now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


class Limits:
    def __init__(self) -> None:
        self.realistic = False
        self.time_scale = 1.0
        self._buckets: dict[tuple[int, str, int], Bucket] = {}

    def configure(self, *, realistic: bool, time_scale: float = 1.0) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.realistic = realistic
        self.time_scale = time_scale
        self._buckets.clear()

    def retry_after(self, bot_id: int, method: str, chat_id: int, chat_type: str) -> int | None:
        """None when the call may go now (and its tokens are taken), else whole seconds to wait."""
        if not self.realistic or method.lower() not in SENDING_METHODS:
            return None
        now = time.monotonic() * self.time_scale
        buckets = [
            self._bucket((bot_id, "all", 0), OVERALL_PER_SECOND, OVERALL_PER_SECOND, now),
            self._bucket((bot_id, "chat", chat_id), CHAT_PER_SECOND, CHAT_BURST, now),
        ]
        if chat_type != "private":
            buckets.append(self._bucket((bot_id, "group", chat_id), GROUP_PER_MINUTE / 60, GROUP_PER_MINUTE, now))
        wait = max(bucket.wait(now) for bucket in buckets)
        if wait > 0:
            return max(1, math.ceil(wait / self.time_scale))
        for bucket in buckets:
            bucket.tokens -= 1
        return None

    def _bucket(self, key: tuple[int, str, int], rate: float, capacity: float, now: float) -> Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Bucket(rate, capacity, capacity, now)
        return bucket
