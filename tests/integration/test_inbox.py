"""An approver's inbox: exactly what waits for their decision, oldest first; approving all of it at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from core import use_cases as uc
from core.db import Database
from core.errors import ErrorCode
from core.money import Money
from core.roles import Role
from core.stages import Stage
from core.views import OrderCard
from core.working_time import WorkingCalendar
from tests.integration.test_cost_of_a_tap import counted
from tests.integration.world import NOW, World, make_world, request_with_line

CALENDAR = WorkingCalendar(time_zone="Europe/Moscow")  # 09:00-18:00 Mon-Fri; NOW is Monday 12:00 in Moscow
THRESHOLD = Decimal("30000")  # the finance director decides orders from here as well
SMALL, LARGE = "10", "20"  # 25 005,00 ₽ and 50 010,00 ₽ of fans
# (BEGIN on SQLite), the person, the orders with their steps and planned cost, the moments the steps opened.
INBOX_MOST = 4


async def submitted(world: World, *, quantity: str, at: datetime, manager: int | None = None) -> OrderCard:
    """An order of `quantity` fans with its terms, submitted for approval at `at`."""
    actor = manager or world.manager
    card = await request_with_line(world, manager=actor, quantity=quantity)
    card = await uc.set_contract_and_terms(
        world.db, actor_id=actor, order_id=card.id, contract_id=world.contract, payment_terms_id=world.terms, now=at
    )
    return await uc.submit_for_approval(world.db, actor_id=actor, order_id=card.id, now=at)


async def numbers_waiting_for(world: World, person: int, *, now: datetime = NOW + timedelta(hours=3)) -> list[str]:
    found = await uc.inbox(world.db, actor_id=person, now=now, calendar=CALENDAR)
    return [row.number for row in found.rows]


async def test_each_approver_sees_exactly_the_orders_waiting_for_them_oldest_first(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    limited = (await uc.add_person(db, full_name="Лимитов Олег", telegram_id=1010, roles=[Role.APPROVER], now=NOW)).id
    await uc.set_approval_limit(db, telegram_id=1010, limit=Decimal("30000"))
    large = await submitted(world, quantity=LARGE, at=NOW - timedelta(hours=2))
    small = await submitted(world, quantity=SMALL, at=NOW - timedelta(hours=1))
    own = await submitted(world, quantity=SMALL, at=NOW - timedelta(hours=3), manager=world.approver)
    await request_with_line(world)  # a request not submitted waits for nobody

    assert await numbers_waiting_for(world, world.approver) == [large.number, small.number]  # not their own order
    assert await numbers_waiting_for(world, world.finance) == [own.number, large.number, small.number]
    assert await numbers_waiting_for(world, limited) == [own.number, small.number]  # the large one is over the limit
    manager = await uc.inbox(db, actor_id=world.manager, now=NOW, calendar=CALENDAR)
    assert not manager.approver and manager.rows == ()


async def test_a_decided_step_leaves_its_approvers_inbox_and_the_named_step_stays_with_its_person(
    db: Database,
) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    large = await submitted(world, quantity=LARGE, at=NOW)
    await uc.approve_all(db, actor_id=world.approver, orders=[uc.ShownOrder(large.id, large.version)], now=NOW)
    assert await numbers_waiting_for(world, world.approver) == []
    assert await numbers_waiting_for(world, world.finance) == [large.number]
    finance = await uc.inbox(db, actor_id=world.finance, now=NOW, calendar=CALENDAR)
    assert finance.rows[0].step == "Финансовое согласование"


async def test_a_row_shows_its_age_in_working_hours_its_amount_customer_and_margin(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    friday_evening = NOW - timedelta(days=3) + timedelta(hours=5)  # Friday 17:00 in Moscow
    card = await submitted(world, quantity=SMALL, at=friday_evening)
    found = await uc.inbox(db, actor_id=world.approver, now=NOW, calendar=CALENDAR)  # Monday 12:00
    (row,) = found.rows
    assert row.waited == timedelta(hours=4)  # an hour on Friday and three on Monday: not the weekend
    assert row.waiting_since == friday_evening
    assert (row.number, row.version, row.counterparty_name) == (card.number, card.version, "ООО «Ромашка»")
    assert row.total == Money(Decimal("25005.00"))
    assert row.planned_cost == Money(Decimal("18000.00"))
    assert row.margin == Money(Decimal("7005.00"))


async def test_approving_all_approves_each_as_shown_and_refuses_the_one_changed_meanwhile(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    first = await submitted(world, quantity=SMALL, at=NOW - timedelta(hours=3))
    changed = await submitted(world, quantity=SMALL, at=NOW - timedelta(hours=2))
    large = await submitted(world, quantity=LARGE, at=NOW - timedelta(hours=1))
    shown = [uc.ShownOrder(row.order_id, row.version) for row in (await uc.inbox(
        db, actor_id=world.approver, now=NOW, calendar=CALENDAR)).rows]  # fmt: skip
    await uc.set_note(db, actor_id=world.manager, order_id=changed.id, note="Клиент просит скидку", now=NOW)

    outcomes = await uc.approve_all(db, actor_id=world.approver, orders=shown, now=NOW)

    assert [(o.number, o.approved) for o in outcomes] == [
        (first.number, True),
        (changed.number, False),
        (large.number, True),
    ]
    refusal = outcomes[1].refusal
    assert refusal is not None and refusal.code is ErrorCode.STALE_ORDER
    stages = {o.number: o.card.stage for o in outcomes if o.card is not None}
    assert stages == {first.number: Stage.EXECUTION, large.number: Stage.APPROVAL}  # the large one awaits finance
    assert await numbers_waiting_for(world, world.approver) == [changed.number]


async def test_approving_all_refuses_what_someone_else_decided_and_goes_on(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    taken = await submitted(world, quantity=SMALL, at=NOW - timedelta(hours=2))
    left = await submitted(world, quantity=SMALL, at=NOW - timedelta(hours=1))
    shown = [uc.ShownOrder(taken.id, taken.version), uc.ShownOrder(left.id, left.version)]
    await uc.approve_all(db, actor_id=world.finance, orders=shown[:1], now=NOW)

    outcomes = await uc.approve_all(db, actor_id=world.approver, orders=shown, now=NOW)

    assert [(o.number, o.approved) for o in outcomes] == [(taken.number, False), (left.number, True)]
    assert outcomes[0].refusal is not None and outcomes[0].refusal.code is ErrorCode.STALE_ORDER


async def test_the_inbox_costs_the_same_few_statements_however_many_orders_wait(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    await submitted(world, quantity=LARGE, at=NOW)
    with counted(db) as one:
        assert len((await uc.inbox(db, actor_id=world.approver, now=NOW, calendar=CALENDAR)).rows) == 1
    for hour in range(1, 6):
        await submitted(world, quantity=SMALL, at=NOW + timedelta(hours=hour))
    with counted(db) as six:
        assert len((await uc.inbox(db, actor_id=world.approver, now=NOW, calendar=CALENDAR)).rows) == 6
    assert len(six.seen) == len(one.seen) <= INBOX_MOST, six.seen
