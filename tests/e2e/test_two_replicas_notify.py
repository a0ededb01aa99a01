"""Two bot processes in webhook mode on one PostgreSQL: every notice sent once, every periodic job run once a period.

SQLite is one process by design, so this runs on PostgreSQL only. The replicas are two Applications
in this process, each with a database engine of its own, its own dispatcher and its own scheduler,
started as `orderbot run` starts them (`launch`, then the webhook).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Bot
from telegram.ext import Application

import bot.scheduler
from bot.app import BACKGROUND, Background, build_application, launch
from bot.notices.dispatcher import Dispatcher, DispatchSettings
from bot.runner import receive_updates
from bot.services import SERVICES, Services
from core import use_cases as uc
from core.db import Database
from core.locks import period_start
from core.models import JobRun, NoticeStatus, Notification, Person
from core.roles import Role
from core.settings import Settings
from jobs.catalogue import JOBS, Job, run
from jobs.report import JobReport
from sandbox.testing import SandboxClient, running_sandbox
from tests.e2e.conftest import BOT_NOW, HEAD, MANAGER, stop_bot
from tests.e2e.test_notices_survive_a_kill import register_for_managers, staff_sandbox, told
from tests.e2e.test_notices_under_faults import told_numbers
from tests.e2e.test_webhook_replicas import free_port, webhook_settings

MANAGERS = 25  # a chat takes a message a second, so the notices go to many chats
ORDERS_EACH = 4  # 100 orders in all
PERIOD = timedelta(seconds=1)  # the scheduled jobs' period, shortened so that a few pass during the test
SCHEDULED = [name for name, job in JOBS.items() if job.scheduled]
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Ran:
    """A scheduled job was run for the period starting `period`, by the replica on `db`."""

    job: str
    period: datetime
    db: Database


def recorded(job: Job, runs: list[Ran]) -> Job:
    """The job, every PERIOD, noting each run before it does its work."""

    async def function(db: Database, *, now: datetime) -> JobReport:
        runs.append(Ran(job.name, period_start(now, PERIOD), db))
        await asyncio.sleep(0.05)  # long enough for the other replica to ask meanwhile
        return await job.function(db, now=now)

    return replace(job, function=function, every=PERIOD)


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[Ran]:
    """Every scheduled job runs each second and notes its runs here (in this one process, both replicas')."""
    noted: list[Ran] = []
    for name in SCHEDULED:
        monkeypatch.setitem(JOBS, name, recorded(JOBS[name], noted))
    return noted


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[Ran]:
    """Each time a replica's scheduler asks for a job to be run, whether or not it is then run."""
    noted: list[Ran] = []

    async def asking(db: Database, name: str, *, now: datetime, once_a_period: bool = False) -> JobReport:
        noted.append(Ran(name, period_start(now, PERIOD), db))
        return await run(db, name, now=now, once_a_period=once_a_period)

    monkeypatch.setattr(bot.scheduler, "run", asking)
    return noted


async def notifying_replica(
    sandbox: SandboxClient, db: Database, clock: Clock
) -> Application[Any, Any, Any, Any, Any, Any]:
    """One bot process in webhook mode with its dispatcher and scheduler, as `orderbot run` starts it."""
    settings = webhook_settings(sandbox, port=free_port()).model_copy(update={"notify_poll": 0.05})
    application = build_application(Services(db=db, settings=Settings(), bot_settings=settings, clock=clock))
    await launch(application)
    await receive_updates(application, settings)
    return application


async def add_managers(db: Database, sandbox: SandboxClient, *, now: datetime) -> list[int]:
    """MANAGERS more managers, each of whom has started the bot; their Telegram ids."""
    telegram_ids = [5000 + n for n in range(MANAGERS)]
    for telegram_id in telegram_ids:
        await uc.add_person(
            db, full_name=f"Менеджер {telegram_id}", roles=[Role.MANAGER], now=now, telegram_id=telegram_id
        )
        await sandbox.register_user(telegram_id, first_name=f"User{telegram_id}", language_code="ru")
    return telegram_ids


async def register_for(managers: list[int], replicas: list[Database], clock: Clock) -> dict[int, list[str]]:
    """The head of sales registers ORDERS_EACH orders for each manager, all at once, through either replica in turn."""
    head = await uc.identify(replicas[0], telegram_id=HEAD)
    customer = (await uc.find_counterparties(replicas[0], text="Ромашка"))[0]
    assert head is not None
    people = {manager: await uc.identify(replicas[0], telegram_id=manager) for manager in managers}
    wanted = [managers[n % len(managers)] for n in range(ORDERS_EACH * len(managers))]

    async def register(n: int, manager: int) -> str:
        responsible = people[manager]
        assert head is not None and responsible is not None
        card = await uc.register_request(
            replicas[n % len(replicas)],
            actor_id=head.id,
            counterparty_id=customer.id,
            responsible_id=responsible.id,
            now=clock(),
        )
        return card.number

    registered = await asyncio.gather(*(register(n, manager) for n, manager in enumerate(wanted)))
    numbers: dict[int, list[str]] = {manager: [] for manager in managers}
    for manager, number in zip(wanted, registered, strict=True):
        numbers[manager].append(number)
    return numbers


async def all_sent(db: Database, expected: int, *, within: float = 60.0) -> list[tuple[int | None, str, int | None]]:
    """Wait until there are `expected` notices and none is pending: (telegram id, status, message id) of each."""
    deadline = time.monotonic() + within
    while True:
        async with db.reading() as session:
            rows = [
                (telegram_id, status, message_id)
                for telegram_id, status, message_id in await session.execute(
                    select(Person.telegram_id, Notification.status, Notification.telegram_message_id).join(
                        Person, Person.id == Notification.person_id
                    )
                )
            ]
        if len(rows) == expected and all(status != NoticeStatus.PENDING for _, status, _ in rows):
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{len(rows)} of {expected} notices, {Counter(s for _, s, _ in rows)} after {within} s"
            )
        await asyncio.sleep(0.05)


async def periods_passed(runs: list[Ran], periods: int, *, within: float = 15.0) -> None:
    """Wait until every scheduled job has been run for `periods` periods."""
    deadline = time.monotonic() + within
    while any(len({ran.period for ran in runs if ran.job == name}) < periods for name in SCHEDULED):
        if time.monotonic() > deadline:
            raise AssertionError(f"the jobs ran for fewer than {periods} periods in {within} s: {runs}")
        await asyncio.sleep(0.05)


def moving_clock() -> Clock:
    """A clock that starts at BOT_NOW and moves with the wall clock, the same for both replicas."""
    started = time.monotonic()
    return lambda: BOT_NOW + timedelta(seconds=time.monotonic() - started)


@asynccontextmanager
async def two_replicas(
    db: Database, sandbox: SandboxClient, clock: Clock
) -> AsyncIterator[list[Application[Any, Any, Any, Any, Any, Any]]]:
    """Two bot processes on the database of `db`, each with an engine of its own."""
    second = Database(db.url)
    replicas = []
    try:
        for database in (db, second):
            replicas.append(await notifying_replica(sandbox, database, clock))
        yield replicas
    finally:
        for replica in replicas:
            await stop_bot(replica)
        await second.dispose()


def replica_db(replica: Application[Any, Any, Any, Any, Any, Any]) -> Database:
    services: Services = replica.bot_data[SERVICES]
    return services.db


def counts(replica: Application[Any, Any, Any, Any, Any, Any]) -> Counter[str]:
    """What the replica's dispatcher did."""
    background: Background = replica.bot_data[BACKGROUND]
    return background.dispatcher.stats.counts


async def test_two_replicas_send_each_of_a_hundred_notices_once(postgres_demo: Database) -> None:
    clock = moving_clock()
    async with running_sandbox() as sandbox:
        managers = await add_managers(postgres_demo, sandbox, now=clock())
        async with two_replicas(postgres_demo, sandbox, clock) as replicas:
            numbers = await register_for(managers, [replica_db(replica) for replica in replicas], clock)
            rows = await all_sent(postgres_demo, expected=MANAGERS * ORDERS_EACH)
            dispatched = [counts(replica) for replica in replicas]
        assert {status for _, status, _ in rows} == {NoticeStatus.SENT}
        assert len({(chat, message_id) for chat, _, message_id in rows}) == len(rows), "a message of its own each"
        assert sum(done["sent"] for done in dispatched) == len(rows) and not any(d["sent twice"] for d in dispatched)
        assert (await sandbox.stats())["calls"]["sendMessage"] == len(rows), "Telegram was asked once a notice"
        for manager, wanted in numbers.items():
            user = sandbox.user(manager)
            await user.refresh()
            texts = [message.text or "" for message in user.bot_messages]
            assert len(texts) == ORDERS_EACH and told_numbers(texts, wanted) == Counter(wanted), texts


async def test_two_replicas_run_each_periodic_job_once_a_period(
    postgres_demo: Database, runs: list[Ran], asked: list[Ran]
) -> None:
    clock = moving_clock()
    async with running_sandbox() as sandbox, two_replicas(postgres_demo, sandbox, clock):
        await periods_passed(runs, 3)
    for name in SCHEDULED:
        periods = Counter(ran.period for ran in runs if ran.job == name)
        assert set(periods.values()) == {1}, f"{name} ran more than once for a period: {periods}"
        askers = Counter(ran.period for ran in asked if ran.job == name)
        assert max(askers.values()) == 2, f"both replicas' schedulers asked for {name} in one period: {askers}"
        async with postgres_demo.reading() as session:
            last = await session.get(JobRun, name)
        assert last is not None and last.period_start == max(periods)


async def test_a_job_both_replicas_run_for_the_same_moment_is_done_by_one_and_skipped_by_the_other(
    postgres_demo: Database, runs: list[Ran]
) -> None:
    replicas = [postgres_demo, Database(postgres_demo.url)]
    try:
        for name in SCHEDULED:
            for moment in (BOT_NOW + n * PERIOD for n in range(5)):
                reports = await asyncio.gather(*(run(db, name, now=moment, once_a_period=True) for db in replicas))
                assert sorted(report.skipped for report in reports) == [False, True], f"{name} at {moment}"
    finally:
        await replicas[1].dispose()
    for name in SCHEDULED:
        assert [ran.period for ran in runs if ran.job == name] == [BOT_NOW + n * PERIOD for n in range(5)]


@asynccontextmanager
async def dispatcher_of(
    db: Database, sandbox: SandboxClient, clock: Clock, *, worker: str
) -> AsyncIterator[Dispatcher]:
    """A replica's dispatcher alone, with a lease of two seconds so that it can run out during the test."""
    telegram = Bot(sandbox.token, base_url=sandbox.bot_api_url)
    await telegram.initialize()
    settings = DispatchSettings(lease=timedelta(seconds=2), poll=0.05)
    dispatcher = Dispatcher(telegram, db, clock=clock, worker=worker, settings=settings)
    try:
        yield dispatcher
    finally:
        await dispatcher.stop()
        await telegram.shutdown()


async def leases_ended(db: Database, clock: Clock, *, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while True:
        async with db.reading() as session:
            leased = await session.scalar(
                select(Notification.id).where(
                    Notification.lease_until > clock(), Notification.status == NoticeStatus.PENDING
                )
            )
        if leased is None:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"notice {leased} is still leased after {within} s")
        await asyncio.sleep(0.02)


async def test_a_replica_waiting_out_telegrams_pause_past_its_lease_gives_the_notices_back_and_each_goes_once(
    postgres_demo: Database,
) -> None:
    clock = moving_clock()
    second = Database(postgres_demo.url)
    async with staff_sandbox() as sandbox:
        numbers = await register_for_managers(postgres_demo, now=clock())
        await sandbox.add_fault("error", method="sendMessage", chat_id=MANAGER, status=429, retry_after=4, count=1)
        async with (
            dispatcher_of(postgres_demo, sandbox, clock, worker="first") as first,
            dispatcher_of(second, sandbox, clock, worker="second") as other,
        ):
            await first.cycle()  # claims everything; the manager's chat is paused for 4 s, past the lease
            await leases_ended(postgres_demo, clock)
            await other.cycle()  # claims what the first is still waiting to send, and sends it at once
            first.start()
            other.start()
            await all_sent(postgres_demo, expected=sum(len(wanted) for wanted in numbers.values()))
        await second.dispose()
        assert not first.stats.counts["sent twice"] and not other.stats.counts["sent twice"]
        for manager, seen in (await told(sandbox, numbers)).items():
            assert seen == Counter(numbers[manager]), f"manager {manager} was told {seen}"
