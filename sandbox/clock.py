"""Emulated wall time: the real clock plus however far the tests have moved it forward."""

import time


class Clock:
    """Dates on messages and the age of callback queries are read from here, never from time.time()."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def today(self) -> int:
        """The current Unix time in whole seconds, as Telegram dates are."""
        return int(self.now())

    def advance(self, seconds: float) -> float:
        self.offset += seconds
        return self.now()
