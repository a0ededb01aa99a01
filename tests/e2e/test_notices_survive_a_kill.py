"""A dispatcher killed with SIGKILL between claim and send, again and again: nothing is lost.

Each dispatcher runs in a process of its own (`tests.e2e.dispatcher_process`), claims every notice
under a one-second lease and starts sending; the sandbox holds each send unanswered, and the process
is killed. The notices come back when the lease ends, to the next process, which is killed in turn.
At the end a dispatcher with nothing in its way sends everything: each notice reaches its person
once, and once more only for each send a killed process had got Telegram to carry out.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from telegram import Bot

from bot.notices.dispatcher import Dispatcher, DispatchSettings, DispatchStats
from core import use_cases as uc
from core.db import Database
from core.models import NoticeStatus, Notification, Person
from sandbox.testing import SandboxClient, running_sandbox
from tests.e2e.conftest import BOT_NOW, HEAD, MANAGER, OTHER_MANAGER, STAFF
from tests.e2e.dispatcher_process import worker_name
from tests.e2e.test_notices_under_faults import told_numbers

ROOT = Path(__file__).resolve().parents[2]
LEASE = 1.0  # seconds: a killed process's notices come back this soon
ORDERS = 3  # registered for each of two managers: six notices, to two chats
Clock = Callable[[], datetime]


@dataclass
class Dispatchers:
    """The process that forks killable dispatchers (`tests.e2e.dispatcher_process`), driven over its stdin."""

    process: asyncio.subprocess.Process
    log: Path

    async def start(self) -> int:
        return int(await self._ask("start"))

    async def ended(self, pid: int) -> str:
        """How the dispatcher in process `pid` ended, once it has (`killed 9` after a SIGKILL)."""
        return await self._ask(f"wait {pid}")

    async def _ask(self, line: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{line}\n".encode())
        await self.process.stdin.drain()
        return await read_line(self)


async def read_line(dispatchers: Dispatchers) -> str:
    assert dispatchers.process.stdout is not None
    try:
        line = await asyncio.wait_for(dispatchers.process.stdout.readline(), timeout=30)
    except TimeoutError:
        line = b""
    if not line:
        raise AssertionError(
            f"the dispatchers' process said nothing; its log ends:\n{dispatchers.log.read_text()[-3000:]}"
        )
    return line.decode().strip()


@asynccontextmanager
async def killable_dispatchers(
    db: Database, sandbox: SandboxClient, *, offset: float, log: Path
) -> AsyncIterator[Dispatchers]:
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.e2e.dispatcher_process",
            f"--database={db.url}",
            f"--api={sandbox.bot_api_url}",
            f"--token={sandbox.token}",
            f"--lease={LEASE}",
            f"--offset={offset}",
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=output,
        )
        dispatchers = Dispatchers(process, log)
        try:
            assert await read_line(dispatchers) == "ready"
            yield dispatchers
        finally:
            assert process.stdin is not None
            process.stdin.close()  # it kills any dispatcher still alive and exits
            await asyncio.wait_for(process.wait(), timeout=30)


def moving_clock() -> tuple[Clock, float]:
    """A clock that starts at BOT_NOW and moves with the wall clock, and how far ahead of the wall clock it is."""
    offset = (BOT_NOW - datetime.now(UTC)).total_seconds()
    return (lambda: datetime.now(UTC) + timedelta(seconds=offset)), offset


async def register_for_managers(db: Database, *, now: datetime) -> dict[int, list[str]]:
    """The head of sales registers orders for two managers: each manager is to hear of each."""
    head = await uc.identify(db, telegram_id=HEAD)
    customer = (await uc.find_counterparties(db, text="Ромашка"))[0]
    assert head is not None
    numbers: dict[int, list[str]] = {MANAGER: [], OTHER_MANAGER: []}
    for _ in range(ORDERS):
        for manager in numbers:
            responsible = await uc.identify(db, telegram_id=manager)
            assert responsible is not None
            card = await uc.register_request(
                db, actor_id=head.id, counterparty_id=customer.id, responsible_id=responsible.id, now=now
            )
            numbers[manager].append(card.number)
    return numbers


@dataclass(frozen=True)
class NoticeState:
    telegram_id: int | None
    status: str
    claimed_by: str | None
    lease_until: datetime | None
    attempts: int


async def notices(db: Database) -> list[NoticeState]:
    async with db.reading() as session:
        found = await session.execute(
            select(
                Person.telegram_id,
                Notification.status,
                Notification.claimed_by,
                Notification.lease_until,
                Notification.attempts,
            ).join(Person, Person.id == Notification.person_id)
        )
        return [NoticeState(*row) for row in found.all()]


async def caught_between_claim_and_send(
    db: Database, sandbox: SandboxClient, clock: Clock, pid: int, *, fired: int, within: float = 20.0
) -> int:
    """Wait until the dispatcher in `pid` holds every notice under its lease and the sandbox holds its
    send to each chat unanswered; how many sends the sandbox has held by then."""
    deadline = time.monotonic() + within
    while True:
        rows = await notices(db)
        held = (await sandbox.stats())["faults"]
        leased = all(
            row.status == NoticeStatus.PENDING
            and row.claimed_by == worker_name(pid)
            and row.lease_until is not None
            and row.lease_until > clock()
            for row in rows
        )
        if rows and leased and held >= fired + len({row.telegram_id for row in rows}):
            return int(held)
        if time.monotonic() > deadline:
            raise AssertionError(f"process {pid} did not claim and send within {within} s: {rows}, {held} held")
        await asyncio.sleep(0.02)


async def kill_between_claim_and_send(
    db: Database, sandbox: SandboxClient, clock: Clock, offset: float, *, times: int, log: Path
) -> int:
    """Start a dispatcher process, catch it between claim and send, SIGKILL it; `times` times. Sends held."""
    fired = 0
    async with killable_dispatchers(db, sandbox, offset=offset, log=log) as dispatchers:
        for _ in range(times):
            pid = await dispatchers.start()
            fired = await caught_between_claim_and_send(db, sandbox, clock, pid, fired=fired)
            os.kill(pid, signal.SIGKILL)
            assert await dispatchers.ended(pid) == f"killed {signal.SIGKILL.value}"
    return fired


async def drain_with_nothing_in_the_way(db: Database, sandbox: SandboxClient, clock: Clock) -> DispatchStats:
    """Once the last killed process's leases have run out, a dispatcher of this process sends all that is due."""
    await sandbox.clear_faults()
    async with db.reading() as session:
        last_lease = await session.scalar(select(func.max(Notification.lease_until)))
    if last_lease is not None:
        await asyncio.sleep(max(0.0, (last_lease - clock()).total_seconds()) + 0.05)
    bot = Bot(sandbox.token, base_url=sandbox.bot_api_url)
    await bot.initialize()
    dispatcher = Dispatcher(
        bot, db, clock=clock, worker="clean", settings=DispatchSettings(lease=timedelta(seconds=30))
    )
    try:
        await dispatcher.drain(within=30)
    finally:
        await dispatcher.stop()
        await bot.shutdown()
    return dispatcher.stats


async def told(sandbox: SandboxClient, numbers: dict[int, list[str]]) -> dict[int, Counter[str]]:
    """How many times each manager's chat got a message naming each of their orders."""
    seen: dict[int, Counter[str]] = {}
    for manager, wanted in numbers.items():
        user = sandbox.user(manager)
        await user.refresh()
        seen[manager] = told_numbers([message.text or "" for message in user.bot_messages], wanted)
    return seen


@asynccontextmanager
async def staff_sandbox() -> AsyncIterator[SandboxClient]:
    async with running_sandbox() as sandbox:
        for telegram_id in STAFF:
            await sandbox.register_user(telegram_id, first_name=f"User{telegram_id}", language_code="ru")
        yield sandbox


async def test_a_dispatcher_killed_between_claim_and_send_twenty_times_in_a_row_loses_nothing_and_doubles_nothing(
    demo_db: Database, tmp_path: Path
) -> None:
    kills = 20
    clock, offset = moving_clock()
    async with staff_sandbox() as sandbox:
        numbers = await register_for_managers(demo_db, now=clock())
        await sandbox.add_fault("hang", method="sendMessage")  # never carried out, never answered
        held = await kill_between_claim_and_send(
            demo_db, sandbox, clock, offset, times=kills, log=tmp_path / "dispatchers.log"
        )
        stats = await drain_with_nothing_in_the_way(demo_db, sandbox, clock)
        rows = await notices(demo_db)
        assert {row.status for row in rows} == {NoticeStatus.SENT}
        assert held == kills * len(numbers), "every process was killed with a send to each chat under way"
        assert min(row.attempts for row in rows) >= kills + 1, "each notice came back after every kill"
        assert stats.counts["sent"] == len(rows) == ORDERS * len(numbers) and not stats.counts["sent twice"]
        for manager, seen in (await told(sandbox, numbers)).items():
            assert seen == Counter(numbers[manager]), f"manager {manager} was told {seen}"


async def test_a_dispatcher_killed_after_telegram_carried_out_its_send_doubles_only_what_was_carried_out(
    demo_db: Database, tmp_path: Path
) -> None:
    kills = 5
    clock, offset = moving_clock()
    async with staff_sandbox() as sandbox:
        numbers = await register_for_managers(demo_db, now=clock())
        await sandbox.add_fault("apply_then_hang", method="sendMessage")  # delivered, never answered
        carried_out = await kill_between_claim_and_send(
            demo_db, sandbox, clock, offset, times=kills, log=tmp_path / "dispatchers.log"
        )
        await drain_with_nothing_in_the_way(demo_db, sandbox, clock)
        assert {row.status for row in await notices(demo_db)} == {NoticeStatus.SENT}
        seen = await told(sandbox, numbers)
        for manager, wanted in numbers.items():
            assert set(seen[manager]) == set(wanted), f"manager {manager} missed {set(wanted) - set(seen[manager])}"
        duplicates = sum(count - 1 for counted in seen.values() for count in counted.values())
        assert duplicates == carried_out == kills * len(numbers)
