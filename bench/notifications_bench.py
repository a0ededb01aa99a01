"""How fast the notification dispatcher delivers within the sandbox's realistic Telegram limits (issue 9).

Throughput: 2,000 notices to 200 people, one message each. The sandbox keeps Telegram's flood limits
(30 messages a second in all, 1 a second per chat with a burst of 3) `TIME_SCALE` times faster than
the wall clock, and the dispatcher's own buckets run at the same speed. The figure is messages
delivered a second over the limits' ceiling (30 × `TIME_SCALE`); the dispatcher keeps itself to 28 of
Telegram's 30 a second (room for replies to taps), so 0.93 is the most it can show. The notices are
fanned out beforehand, so the time is the sending's (the fan-out's own rate is a figure beside it);
it runs from the dispatcher's start to the last notice marked sent.

`TIME_SCALE` is 2, not 10: one Python process cannot send 300 messages a second through PTB and the
emulator here (bare sends with no database do about 200), so at ×10 the figure would measure the
machine, not whether the dispatcher keeps Telegram's pace. The CPU time and SQL statements a message
are figures too, since they are what a faster pace would need less of.

Latency: `LIGHT_RATE` changes a second spread over the people, with the limits in real time: the
seconds from each change's commit (its outbox event's `created_at`) to its notice's delivery.

The notices are made as the bot makes them: a head of sales registers orders naming a manager
responsible (`uc.register_request`), each writing an `order.registered` outbox event in its own
transaction, which the fan-out turns into one notice for that manager (`core.notify_rules`). Every
order has its own notice, and the dispatcher groups only a person's notices about one order, so the
2,000 notices are 2,000 messages (the figure's name says how many messages were counted). The people
are real rows (`uc.add_person`, with Telegram ids), each registered in the sandbox as having started
the bot. The database is a SQLite file in a temp folder; the dispatcher runs as `orderbot run`
starts it (`bot.app.start_background`), against the sandbox over HTTP, in this process.

Run this benchmark alone: `python -m bench.notifications_bench`.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from bench.registry import Figure, benchmark
from bot.app import start_background, stop_background
from bot.notices.limits import SendLimits
from bot.services import Services
from bot.settings import BotSettings
from core import use_cases as uc
from core.db import Database
from core.migrate import upgrade
from core.models import NoticeStatus, Notification
from core.roles import Role
from core.settings import Settings
from sandbox.testing import SandboxClient, running_sandbox

NOTICES = 2000
PEOPLE = 200
TIME_SCALE = 2.0  # the sandbox's limits and the dispatcher's buckets both run this much faster than the wall clock
CEILING = 30.0  # Telegram's messages a second in all, as the sandbox keeps it
LIGHT_RATE = 5.0  # changes a second while the latency is measured: well under every limit
LIGHT_CHANGES = 60
HEAD_ID = 70_000  # Telegram ids: the head of sales, then the managers after it
# A weekday noon in Moscow, outside everyone's quiet hours, from which the bench's clock runs in real seconds.
DAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
WITHIN = 180.0  # seconds a load may take; what is not sent by then counts as lost


def running_clock() -> Callable[[], datetime]:
    """Real seconds, counted from `DAY`: quiet hours never hold a notice, and delays are real."""
    started = time.monotonic()
    return lambda: DAY + timedelta(seconds=time.monotonic() - started)


@dataclass(frozen=True)
class Company:
    head: int  # person ids
    managers: tuple[int, ...]
    customer: int


@dataclass(frozen=True)
class Delivery:
    notices: int  # sent, by the dispatcher's count
    messages: int  # the Telegram messages they went out as
    seconds: float  # from the dispatcher's start to the last notice marked sent
    cpu_seconds: float  # this process's (the bot's and the emulator's) meanwhile
    statements: int  # SQL statements sent meanwhile
    rate_limited: int  # 429s the sandbox answered meanwhile
    lost: int  # notices not `sent` at the end
    delays: list[float]  # seconds from each event's commit to its notice's delivery


class Statements:
    """Counts the SQL statements sent on the database's engine."""

    def __init__(self, db: Database) -> None:
        self.count = 0
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


@asynccontextmanager
async def fresh_database() -> AsyncIterator[Database]:
    folder = Path(tempfile.mkdtemp(prefix="orderbot-bench-notices-"))
    db = Database(f"sqlite+aiosqlite:///{folder / 'notices.sqlite3'}")
    try:
        await upgrade(db)
        yield db
    finally:
        await db.dispose()
        shutil.rmtree(folder, ignore_errors=True)


async def company(db: Database, sandbox: SandboxClient, *, now: datetime) -> Company:
    """A head of sales and `PEOPLE` managers, each of whom has started the bot, and one customer."""
    head = await uc.add_person(db, full_name="Начальник продаж", roles=[Role.HEAD], telegram_id=HEAD_ID, now=now)
    managers = []
    for n in range(1, PEOPLE + 1):
        telegram_id = HEAD_ID + n
        person = await uc.add_person(
            db, full_name=f"Менеджер {n}", roles=[Role.MANAGER], telegram_id=telegram_id, now=now
        )
        await sandbox.register_user(telegram_id, first_name=f"Менеджер{n}", language_code="ru")
        managers.append(person.id)
    customer = await uc.add_counterparty(db, name="ООО Заказчик")
    return Company(head=head.id, managers=tuple(managers), customer=customer)


async def change(db: Database, world: Company, n: int, *, now: datetime) -> None:
    """The n-th change: the head registers an order for the n-th manager in turn, who is told of it."""
    manager = world.managers[n % len(world.managers)]
    await uc.register_request(db, actor_id=world.head, counterparty_id=world.customer, responsible_id=manager, now=now)


def background_services(db: Database, sandbox: SandboxClient, clock: Callable[[], datetime]) -> Services:
    bot_settings = BotSettings(
        TELEGRAM_BOT_TOKEN=sandbox.token,
        TELEGRAM_API_BASE_URL=sandbox.bot_api_url,
        TELEGRAM_API_FILE_URL=sandbox.file_url,
    )
    return Services(db=db, settings=Settings(), bot_settings=bot_settings, clock=clock)


async def delivered(
    db: Database,
    sandbox: SandboxClient,
    clock: Callable[[], datetime],
    *,
    speed: float,
    notices: int,
    changes: Callable[[Services], Awaitable[None]],
) -> Delivery:
    """Start the dispatcher as `orderbot run` does, make the `changes`, and wait until `notices` are sent
    (`WITHIN` seconds at most); then count what went out, as how many messages, and what did not."""
    await sandbox.set_limits(realistic=True, time_scale=speed)
    rate_limited = (await sandbox.stats())["rate_limited"]
    services = background_services(db, sandbox, clock)
    statements = Statements(db)
    started, cpu = time.monotonic(), time.process_time()
    background = await start_background(services, limits=SendLimits(speed=speed))
    counts = background.dispatcher.stats.counts
    try:
        await changes(services)
        while counts["sent"] + counts["failed"] < notices:
            if time.monotonic() - started > WITHIN:
                break  # what is not sent by now counts as lost
            await asyncio.sleep(0.005)
        seconds, cpu, sql = time.monotonic() - started, time.process_time() - cpu, statements.count
    finally:
        await stop_background(background)
    async with db.reading() as session:
        # A message id is its chat's own: a message is a (chat, message id) pair.
        sent = select(Notification.chat_id, Notification.telegram_message_id).where(
            Notification.status == NoticeStatus.SENT
        )
        messages = await session.scalar(select(func.count()).select_from(sent.distinct().subquery()))
        lost = await session.scalar(select(func.count()).where(Notification.status != NoticeStatus.SENT))
    return Delivery(
        notices=counts["sent"],
        messages=int(messages or 0),
        seconds=seconds,
        cpu_seconds=cpu,
        statements=sql,
        rate_limited=(await sandbox.stats())["rate_limited"] - rate_limited,
        lost=int(lost or 0),
        delays=list(background.dispatcher.stats.delays),
    )


async def flood(
    db: Database, sandbox: SandboxClient, world: Company, clock: Callable[[], datetime]
) -> tuple[Delivery, float]:
    """`NOTICES` changes committed and fanned out, then the dispatcher started and timed until all are sent;
    also the fan-out's outbox events a second."""
    for n in range(NOTICES):  # one manager after another, as the changes of a busy day come
        await change(db, world, n, now=clock())
    started = time.monotonic()
    await uc.fan_out(db, now=clock(), limit=NOTICES)
    fan_out_rate = NOTICES / (time.monotonic() - started)

    async def nothing_more(_services: Services) -> None:
        return None

    return await delivered(db, sandbox, clock, speed=TIME_SCALE, notices=NOTICES, changes=nothing_more), fan_out_rate


async def light_load(db: Database, sandbox: SandboxClient, world: Company, clock: Callable[[], datetime]) -> Delivery:
    """`LIGHT_CHANGES` changes at `LIGHT_RATE` a second, the limits in real time, each change waking the
    dispatcher as a handler does after its update; each notice's delay after its change's commit."""

    async def changes(services: Services) -> None:
        started = time.monotonic()
        for n in range(LIGHT_CHANGES):
            await asyncio.sleep(max(0.0, started + n / LIGHT_RATE - time.monotonic()))
            await change(db, world, NOTICES + n, now=services.clock())
            services.wake_dispatcher()

    return await delivered(db, sandbox, clock, speed=1.0, notices=LIGHT_CHANGES, changes=changes)


@benchmark
async def notifications_delivered() -> list[Figure]:
    async with running_sandbox(within=WITHIN) as sandbox, fresh_database() as db:
        clock = running_clock()  # one clock for the changes and the dispatcher, as in one bot process
        world = await company(db, sandbox, now=clock())
        full, fan_out_rate = await flood(db, sandbox, world, clock)
        light = await light_load(db, sandbox, world, clock)
    ceiling = CEILING * TIME_SCALE
    name = f"notifications delivered, {NOTICES:,} to {PEOPLE} people"
    what = f"{full.messages:,} messages for {full.notices:,} notices; limits ×{TIME_SCALE:g}"
    light_name = f"notifications delivered, {LIGHT_RATE:g} changes/s under the limits"
    per_message = max(full.messages, 1)
    return [
        Figure(
            f"{name}: ratio to the limits' ceiling ({what})",
            full.messages / full.seconds,
            "messages/s",
            ceiling,
            f"{ceiling:g}/s ceiling",
        ),
        Figure(f"{name}: 429s received", full.rate_limited, "429s"),
        Figure(f"{name}: notices lost (not sent at the end)", full.lost, "notices"),
        Figure(f"{name}: CPU a message (bot and emulator)", full.cpu_seconds / per_message * 1000, "ms"),
        Figure(f"{name}: SQL statements a message", full.statements / per_message, "statements"),
        Figure(f"{name}: their fan-out beforehand", fan_out_rate, "events/s"),
        Figure(f"{light_name}: commit to delivery, p50", percentile(light.delays, 50) * 1000, "ms"),
        Figure(f"{light_name}: commit to delivery, p95", percentile(light.delays, 95) * 1000, "ms"),
        Figure(f"{light_name}: 429s received", light.rate_limited, "429s"),
        Figure(f"{light_name}: notices lost (of both loads)", light.lost, "notices"),
    ]


def percentile(values: list[float], percent: int) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1] if len(values) > 1 else values[0]


async def alone() -> list[Figure]:
    figures: list[Figure] = await notifications_delivered()
    return figures


if __name__ == "__main__":
    from bench.__main__ import table

    print(table(asyncio.run(alone())))
