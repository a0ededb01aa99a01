"""Waking whoever waits in the emulator: long polls, the control API's waits, and tests.

A `Signal` says "look again": every coroutine waiting on it wakes and re-reads whatever it waits
for (a revision, a queue, a counter), so a wait is exact, never a guess at how long something takes.
`Waiters` counts who waits on something now, so a test can start a wait and know it has begun.
"""

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator


class Signal:
    """Wakes everyone waiting on it; each then looks again at what it waits for."""

    def __init__(self) -> None:
        self._woken: set[asyncio.Event] = set()

    def fire(self) -> None:
        for waiter in self._woken:
            waiter.set()

    async def until(self, condition: Callable[[], bool], *, within: float = 5.0) -> bool:
        """Wait until `condition` holds, looking again each time this fires; whether it held within `within` s."""
        deadline = time.monotonic() + within
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            await wait_any(self, within=remaining)
        return True


async def wait_any(*signals: Signal, within: float | None) -> None:
    """Sleep until one of the signals fires or `within` real seconds pass (None: however long it takes)."""
    if within is not None and within <= 0:
        return
    woken = asyncio.Event()
    for signal in signals:
        signal._woken.add(woken)
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(woken.wait(), within)
    finally:
        for signal in signals:
            signal._woken.discard(woken)


class Waiters:
    """How many coroutines wait on something now, and a way to wait until one does."""

    def __init__(self) -> None:
        self.count = 0
        self._came = Signal()

    @contextlib.contextmanager
    def one(self) -> Iterator[None]:
        """Count the caller as waiting while inside the block."""
        self.count += 1
        self._came.fire()
        try:
            yield
        finally:
            self.count -= 1

    async def wait_for_one(self, *, within: float = 5.0) -> bool:
        """Wait until someone waits here; whether someone did within `within` seconds."""
        return await self._came.until(lambda: self.count > 0, within=within)
