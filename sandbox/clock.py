"""Emulated time: the real clock plus however far the tests have moved it forward."""

import time

from sandbox.signals import Signal, wait_any


class Clock:
    """The emulator's only source of time.

    Dates on messages and the age of callback queries are read from `now`, never from time.time();
    the periods the emulator waits out (a long poll's timeout, the quiet and follow-up periods of
    the control API's wait) from `monotonic`. Moving the clock forward wakes whoever waits out a
    period, so a test lets seconds pass at once instead of sleeping through them.
    """

    def __init__(self) -> None:
        self.offset = 0.0
        self.moved = Signal()

    def now(self) -> float:
        return time.time() + self.offset

    def today(self) -> int:
        """The current Unix time in whole seconds, as Telegram dates are."""
        return int(self.now())

    def monotonic(self) -> float:
        """For measuring periods: real seconds pass in it as in time.monotonic(), and so do advances."""
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> float:
        self.offset += seconds
        self.moved.fire()
        return self.now()

    def reset(self) -> None:
        self.offset = 0.0
        self.moved.fire()

    async def wait(self, *signals: Signal, until: float) -> None:
        """Sleep until one of the signals fires or `monotonic` reaches `until` (or the clock is moved)."""
        await wait_any(*signals, self.moved, within=until - self.monotonic())
