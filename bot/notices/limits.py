"""Telegram's flood limits, kept by the dispatcher itself for what it sends.

About 30 messages a second in all, one a second per chat, 20 a minute per group. The dispatcher
sends through a bot of its own, without PTB's `AIORateLimiter`: that limiter answers a 429 by
pausing every request it handles, so one chat's flood wait would stall every chat's notices and
every reply to a tap. Here a 429 pauses only the chat it came for; replies to updates keep
`AIORateLimiter`, and the dispatcher's overall rate stays a little under 30 to leave them room.

`speed` runs the buckets faster than the wall clock, for a benchmark against a time-scaled sandbox.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

OVERALL_PER_SECOND = 28.0
CHAT_PER_SECOND = 1.0
GROUP_PER_MINUTE = 20.0
# 429s for this many chats within this many seconds mean the bot's own limit, not one chat's.
FLOOD_CHATS = 3
FLOOD_WINDOW = 1.0


@dataclass
class _Bucket:
    """A token bucket: `rate` tokens a second, at most `capacity` saved up."""

    rate: float
    capacity: float
    tokens: float
    stamp: float

    def take(self, now: float) -> float:
        """Take a token if one is free and return 0, else return the seconds until one is (taking nothing)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class SendLimits:
    overall_per_second: float = OVERALL_PER_SECOND
    chat_per_second: float = CHAT_PER_SECOND
    group_per_minute: float = GROUP_PER_MINUTE
    speed: float = 1.0
    _overall: _Bucket | None = None
    _chats: dict[int, _Bucket] = field(default_factory=dict)
    _paused: dict[int, float] = field(default_factory=dict)
    _locks: dict[int, asyncio.Lock] = field(default_factory=dict)
    _floods: list[tuple[float, int]] = field(default_factory=list)  # (when, chat) of recent 429s
    _all_paused: float = 0.0
    # Senders held back by the overall rate wait here one at a time, in the order they came: with all
    # of them sleeping on their own, every token woke every one of them (a hundred wake-ups a message).
    _in_turn: asyncio.Lock = field(default_factory=asyncio.Lock)

    def chat_lock(self, chat_id: int) -> asyncio.Lock:
        """Sends to one chat go one after another, in the order they were claimed."""
        return self._locks.setdefault(chat_id, asyncio.Lock())

    def pause(self, chat_id: int, seconds: float) -> None:
        """Telegram said to wait (a 429's retry_after) for this chat: nothing more goes to it until then.

        Telegram does not say whether the limit was the chat's or the bot's. When several chats are
        told to wait at about the same time, it was the bot's: then every chat waits.
        """
        now = time.monotonic()
        until = now + seconds
        self._paused[chat_id] = max(self._paused.get(chat_id, 0.0), until)
        self._floods = [(at, chat) for at, chat in self._floods if now - at < FLOOD_WINDOW] + [(now, chat_id)]
        if len({chat for _, chat in self._floods}) >= FLOOD_CHATS:
            self._all_paused = max(self._all_paused, until)

    def paused_for(self, chat_id: int) -> float:
        """Seconds this chat is still paused for (0 when it is not)."""
        return max(0.0, self._paused.get(chat_id, 0.0) - time.monotonic(), self._all_paused - time.monotonic())

    async def acquire(self, chat_id: int) -> float:
        """Wait until a message may go to `chat_id` without passing any limit, and count it; the seconds waited
        (exactly 0 when it could go at once, so a caller can tell "no wait" from "a short one")."""
        started, slept = time.monotonic(), False
        while True:
            wait = self.paused_for(chat_id) or self._wait(self._chat_bucket(chat_id, self._now()))
            if wait > 0:  # this chat's own limit or pause: waited alone
                slept = True
                await asyncio.sleep(wait)
                continue
            async with self._in_turn:
                while (wait := self._wait(self._overall_bucket(self._now()))) > 0:
                    slept = True
                    await asyncio.sleep(wait)
                if not self.paused_for(chat_id) and self._take(chat_id) <= 0:
                    return time.monotonic() - started if slept else 0.0
            # Paused meanwhile (a 429 for this chat, or for the bot): around again.

    def _now(self) -> float:
        return time.monotonic() * self.speed

    def _wait(self, bucket: _Bucket) -> float:
        """Seconds of the wall clock until `bucket` has a token."""
        return _peek(bucket, self._now()) / self.speed

    def _take(self, chat_id: int) -> float:
        now = time.monotonic() * self.speed
        chat = self._chat_bucket(chat_id, now)
        overall = self._overall_bucket(now)
        # Peek at both before taking from either, so a refusal by one does not spend the other's token.
        waits = [_peek(chat, now), _peek(overall, now)]
        if max(waits) > 0:
            return max(waits) / self.speed
        chat.take(now)
        overall.take(now)
        return 0.0

    def _overall_bucket(self, now: float) -> _Bucket:
        if self._overall is None:
            # A burst of a quarter second's worth: smooth enough never to pass Telegram's own bucket.
            capacity = max(1.0, self.overall_per_second / 4)
            self._overall = _Bucket(self.overall_per_second, capacity, capacity, now)
        return self._overall

    def _chat_bucket(self, chat_id: int, now: float) -> _Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            rate = self.chat_per_second if chat_id > 0 else self.group_per_minute / 60
            bucket = self._chats[chat_id] = _Bucket(rate, 1.0, 1.0, now)
        return bucket


def _peek(bucket: _Bucket, now: float) -> float:
    tokens = min(bucket.capacity, bucket.tokens + (now - bucket.stamp) * bucket.rate)
    return 0.0 if tokens >= 1 else (1 - tokens) / bucket.rate
