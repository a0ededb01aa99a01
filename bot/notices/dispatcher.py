"""The dispatcher: in every bot process, it fans the outbox out, claims due notices, sends them, and
does what Telegram's answer says.

A cycle: run the fan-out (under its lock: one process at a time), claim the closed approvers' cards
to edit and the due notices (each claim a lease, so a process that dies gives them back), group
what one person is told about one order into one message, and send each group as its own task.
Sends to one chat go one after another; `SendLimits` keeps every send within Telegram's limits.

What Telegram answers decides what happens to a group's notices:
- sent: marked sent with the message's id (an approver's card can be edited later);
- 429: that chat is paused for `retry_after` and the notices wait as long; other chats go on;
- a timeout: tried again after a backoff, marked doubtful (Telegram may have delivered it);
- 5xx and network faults: exponential backoff with jitter, then failed after `max_tries`;
- 400: failed, with Telegram's reason; 403: the person is marked unreachable (admins are told);
- a group that became a supergroup: sent again at once to the new chat id.
A fault of ours while rendering fails the notice with the reason, never the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import warnings
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.notices.limits import SendLimits
from bot.notices.render import Message, decided_message, notice_message
from core import use_cases as uc
from core.db import Database
from core.use_cases.notifications import DueEdit, DueNotice, SentNotice, mark_all_sent
from jobs.catalogue import run as run_job

log = logging.getLogger(__name__)

NOT_MODIFIED = "message is not modified"


@dataclass(frozen=True)
class DispatchSettings:
    poll: float = 0.5  # seconds between cycles when nothing wakes the dispatcher sooner
    in_flight: int = 100  # notices claimed and not yet settled, at most
    lease: timedelta = timedelta(seconds=60)
    send_timeout: float = 10.0  # seconds to wait for Telegram's answer to one send
    max_tries: int = 8  # sends of one notice that fail with a network fault or a 5xx before it is failed
    backoff: float = 2.0  # seconds before the first retry; doubled each try, with jitter
    backoff_cap: float = 300.0


@dataclass
class DispatchStats:
    """What the dispatcher did since it started: counts, and each sent notice's delay after its event."""

    counts: Counter[str] = field(default_factory=Counter)
    delays: list[float] = field(default_factory=list)


class Dispatcher:
    def __init__(
        self,
        bot: Bot,
        db: Database,
        *,
        clock: Callable[[], datetime],
        worker: str,
        settings: DispatchSettings | None = None,
        limits: SendLimits | None = None,
    ) -> None:
        self.bot, self.db, self.clock, self.worker = bot, db, clock, worker
        self.settings = settings or DispatchSettings()
        self.limits = limits or SendLimits()
        self.stats = DispatchStats()
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._in_flight = 0
        self._loop: asyncio.Task[None] | None = None
        self._stopping = False
        # Sent, not yet marked: whoever holds `_marking` marks all of them in one transaction (`_mark_sent`).
        self._unmarked: list[tuple[SentNotice, DueNotice]] = []
        self._marking = asyncio.Lock()

    def wake(self) -> None:
        """Something may have changed (a handler committed): look for notices now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        if self._loop is None:
            self._loop = asyncio.create_task(self._run(), name="orderbot-dispatcher")

    async def stop(self, *, grace: float = 5.0) -> None:
        """Stop claiming; give the cycle and the sends under way `grace` seconds; the rest comes back after its lease.

        The loop is asked to end between cycles rather than cancelled in one, so a unit of work is not
        cut in the middle of its commit.
        """
        self._stopping = True
        self._wake.set()
        running = [task for task in (self._loop, *self._tasks) if task is not None]
        if running:
            _done, pending = await asyncio.wait(running, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        self._loop = None

    async def _run(self) -> None:
        while not self._stopping:
            try:
                busy = await self.cycle()
            except Exception:  # a fault of ours or of the database: logged, and the next cycle tries again
                log.exception("the notification dispatcher's cycle failed")
                busy = False
            if not busy and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.settings.poll)
            self._wake.clear()

    async def cycle(self) -> bool:
        """One round: fan out, claim, start the sends. True when it claimed all it had room for (more may be due)."""
        now = self.clock()
        await run_job(self.db, "fan_out", now=now)
        for edit in await uc.claim_edits(self.db, worker=self.worker, now=now, lease=self.settings.lease):
            self._spawn(self._edit(edit), 0)
        room = self.settings.in_flight - self._in_flight
        if room <= 0:
            return False
        due = await uc.claim_due(self.db, worker=self.worker, now=now, limit=room, lease=self.settings.lease)
        claimed_at = time.monotonic()
        for group in grouped(due):
            self._spawn(self._deliver(group, claimed_at), len(group))
        return len(due) == room

    async def drain(self, *, within: float = 30.0) -> None:
        """Cycle until nothing is due and nothing is on its way (tests and benchmarks: wait for delivery)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            busy = await self.cycle()
            if self._tasks:
                await asyncio.wait(self._tasks, timeout=max(0.0, deadline - time.monotonic()))
            elif not busy:
                return
        raise TimeoutError(f"notices still due or on their way after {within} s")

    def _spawn(self, work: Awaitable[None], notices: int) -> None:
        self._in_flight += notices

        async def settled() -> None:
            try:
                await work
            except Exception:
                log.exception("a notice could not be settled; it comes back when its lease ends")
            finally:
                self._in_flight -= notices
                self._wake.set()

        task = asyncio.create_task(settled())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, group: list[DueNotice], claimed_at: float) -> None:
        chat_id = group[0].chat_id
        async with self.limits.chat_lock(chat_id):
            if time.monotonic() - claimed_at > self.settings.lease.total_seconds() * 0.8:
                # Waited in this chat's queue so long that the lease is ending: another process may claim it now.
                await self._later(group, 0.0, "lease ended before its turn")
                return
            waited = await self.limits.acquire(chat_id)
            if waited > 0 and time.monotonic() - claimed_at > self.settings.lease.total_seconds() * 0.8:
                # Waited out Telegram's limits (a 429's pause) until the lease is ending: the same, or it goes twice.
                await self._later(group, 0.0, "lease ended before its turn")
                return
            if waited > 0:
                group = [*group, *await self._came_meanwhile(group)]
            try:
                message = await notice_message(self.db, group, now=self.clock())
            except Exception as error:  # a fault of ours: the notice is failed with the reason, never the loop
                log.exception("could not render notices %s", [n.id for n in group])
                await self._fail(group, f"render: {error!r}")
                return
            await self._send(group, chat_id, message)

    async def _came_meanwhile(self, group: Sequence[DueNotice]) -> list[DueNotice]:
        """While this chat's turn was awaited, more may have come about the same order: they go in the same message."""
        first = group[0]
        if first.in_digest or first.order_id is None:
            return []
        more = await uc.claim_due(
            self.db,
            worker=self.worker,
            now=self.clock(),
            lease=self.settings.lease,
            about=(first.person_id, first.order_id),
        )
        self.stats.counts["joined"] += len(more)
        return more

    async def _send(self, group: Sequence[DueNotice], chat_id: int, message: Message) -> None:
        counts = self.stats.counts
        try:
            if message.photo is not None:  # a digest's chart: the picture, then its text (a retry may repeat it)
                await self.bot.send_photo(chat_id, message.photo, **self._timeouts())
            sent = await self.bot.send_message(
                chat_id, message.text, parse_mode=ParseMode.HTML, reply_markup=message.markup, **self._timeouts()
            )
        except RetryAfter as error:
            seconds = _seconds(error)
            counts["429"] += 1
            self.limits.pause(chat_id, seconds)
            await self._later(group, seconds, f"429: retry after {seconds:g} s", backoff=False)
        except ChatMigrated as error:
            counts["migrated"] += 1
            await self._later(group, 0.0, f"moved to chat {error.new_chat_id}", chat_id=error.new_chat_id)
        except Forbidden as error:
            counts["unreachable"] += 1
            await uc.mark_unreachable(self.db, person_id=group[0].person_id, now=self.clock())
            log.info("person %s cannot be reached: %s", group[0].person_id, error.message)
        except TimedOut:
            counts["timeouts"] += 1
            await self._retry_or_fail(group, "timed out", doubtful=True)
        except BadRequest as error:
            counts["failed"] += len(group)
            await self._fail(group, f"400: {error.message}")
        except NetworkError as error:
            counts["network"] += 1
            await self._retry_or_fail(group, f"network: {error.message}")
        except TelegramError as error:
            counts["failed"] += len(group)
            await self._fail(group, f"{type(error).__name__}: {error.message}")
        else:
            await self._mark_sent(group, message_id=sent.message_id, chat_id=chat_id)

    async def _mark_sent(self, group: Sequence[DueNotice], *, message_id: int, chat_id: int) -> None:
        """Mark the group sent, with whatever other sends finished meanwhile, in one transaction.

        Sends that finish while a marking transaction is under way wait for it, and the first of them
        then marks them all: a busy dispatcher commits once for many notices, and an idle one at once.
        Each returns only once its own notices are marked; if that transaction fails, they all come back
        when their leases end, as a notice whose marking failed always has.
        """
        now = self.clock()
        waiting = self._unmarked
        waiting.extend((SentNotice(notice.id, message_id, now, chat_id), notice) for notice in group)
        async with self._marking:
            if waiting is not self._unmarked:
                return  # another send's transaction took these and has committed
            self._unmarked = []
            marked = await mark_all_sent(self.db, sent=[sent for sent, _notice in waiting])
            for sent, notice in waiting:
                if sent.notice_id in marked:
                    self.stats.counts["sent"] += 1
                    self.stats.delays.append((sent.at - notice.event.at).total_seconds())
                else:
                    self.stats.counts["sent twice"] += 1

    async def _edit(self, edit: DueEdit) -> None:
        """Close an approver's card: who settled the step and when, and no buttons."""
        async with self.limits.chat_lock(edit.chat_id):
            error: str | None = None
            try:
                message = await decided_message(self.db, edit, now=self.clock())
                await self.bot.edit_message_text(
                    message.text,
                    chat_id=edit.chat_id,
                    message_id=edit.message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=None,
                    **self._timeouts(),
                )
            except BadRequest as failure:
                if NOT_MODIFIED not in failure.message.lower():
                    error = f"400: {failure.message}"  # the message is gone or too old: nothing more to do
            except Forbidden:
                await uc.mark_unreachable(self.db, person_id=edit.person.id, now=self.clock())
                error = "unreachable"
            except (RetryAfter, NetworkError) as failure:
                if isinstance(failure, RetryAfter):
                    self.limits.pause(edit.chat_id, _seconds(failure))
                return  # left claimed: it comes back when its lease ends
            self.stats.counts["edited"] += 1
            await uc.mark_edited(self.db, notice_id=edit.id, now=self.clock(), error=error)

    async def _retry_or_fail(self, group: Sequence[DueNotice], reason: str, *, doubtful: bool = False) -> None:
        # Only Telegram's failures count: a crash, an ended lease or a flood wait is no reason to give up.
        tries = max(notice.failures for notice in group) + 1
        if tries >= self.settings.max_tries:
            self.stats.counts["failed"] += len(group)
            await self._fail(group, f"{reason} ({tries} tries)")
            return
        delay = min(self.settings.backoff_cap, self.settings.backoff * 2 ** (tries - 1))
        await self._later(group, delay * random.uniform(0.5, 1.5), reason, doubtful=doubtful, failed=True)

    async def _later(
        self,
        group: Sequence[DueNotice],
        seconds: float,
        reason: str,
        *,
        doubtful: bool = False,
        chat_id: int | None = None,
        backoff: bool = True,
        failed: bool = False,
    ) -> None:
        at = self.clock() + timedelta(seconds=seconds)
        self.stats.counts["retried"] += len(group) if backoff or seconds else 0
        for notice in group:
            await uc.retry_later(
                self.db, notice_id=notice.id, at=at, reason=reason, doubtful=doubtful, chat_id=chat_id, failed=failed
            )

    async def _fail(self, group: Sequence[DueNotice], reason: str) -> None:
        for notice in group:
            await uc.mark_failed(self.db, notice_id=notice.id, reason=reason)

    def _timeouts(self) -> dict[str, Any]:
        timeout = self.settings.send_timeout
        return {"read_timeout": timeout, "write_timeout": timeout, "connect_timeout": timeout, "pool_timeout": timeout}


def grouped(notices: Sequence[DueNotice]) -> list[list[DueNotice]]:
    """One group per message: a person's notices about one order, or all of a person's digest, in claim order."""
    groups: dict[tuple[int, int | None, bool], list[DueNotice]] = {}
    for notice in notices:
        key = (notice.person_id, None if notice.in_digest else notice.order_id, notice.in_digest)
        if notice.order_id is None and not notice.in_digest:
            key = (notice.person_id, -notice.id, False)  # about no order: each on its own
        groups.setdefault(key, []).append(notice)
    return list(groups.values())


def _seconds(error: RetryAfter) -> float:
    """Telegram's retry_after in seconds, read whether PTB gives an int or (PTB_TIMEDELTA) a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)  # the int form is deprecated; both are read
        retry_after = error.retry_after
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
