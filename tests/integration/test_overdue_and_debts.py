"""Overdue payments remind each customer's manager once per step, in working hours; debts are aged by customer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.events import PAYMENT_OVERDUE, PaymentOverdue, from_payload
from core.models import Contract, ContractKind, Decision, Notification, OutboxEvent, PaymentRow, Person
from core.receivables import Ageing
from core.stages import Stage
from core.use_cases.debts import debts
from core.use_cases.overdue import promise_payment
from core.views import OrderCard
from jobs.catalogue import run
from tests.integration.world import NOW, World, make_world, order_in, request_with_line

MOSCOW = ZoneInfo("Europe/Moscow")
DUE = date(2026, 12, 5)  # the prepayment row of an order entering execution at NOW: 5 days after approval
MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)


def moscow(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    """A moment on the company's clock (December 2026: the 5th is a Saturday, the 7th a Monday)."""
    return datetime(2026, month, day, hour, minute, tzinfo=MOSCOW).astimezone(UTC)


def every(step: timedelta, start: datetime, end: datetime) -> Iterator[datetime]:
    while start <= end:
        yield start
        start += step


@pytest.fixture(autouse=True)
def company_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    """The job reads its settings: the defaults, stated, so nothing in the environment changes them."""
    settings = {
        "ORDERBOT_TIME_ZONE": "Europe/Moscow",
        "ORDERBOT_WORKING_HOURS": "09:00-18:00",
        "ORDERBOT_WORKING_DAYS": "Mon-Fri",
        "ORDERBOT_HOLIDAYS": "",
        "ORDERBOT_OVERDUE_DAYS": "1,3,7,14",
        "ORDERBOT_OVERDUE_ESCALATE_DAY": "14",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


async def executing_for(world: World, counterparty: int | None = None, *, manager: int | None = None) -> OrderCard:
    """An order in execution (its prepayment row due on DUE) for the customer, or another one with its own contract."""
    if counterparty is None:
        return await order_in(world, Stage.EXECUTION, manager=manager)
    async with world.db.unit_of_work() as session:
        contract = await session.scalar(select(Contract).where(Contract.counterparty_id == counterparty))
    if contract is None:
        contract = await contract_of(world, counterparty)
    actor = manager or world.manager
    card = await uc.register_request(world.db, actor_id=actor, counterparty_id=counterparty, now=NOW)
    card = await uc.add_line(
        world.db, actor_id=actor, order_id=card.id, item_id=world.duct, quantity="10", required_by=DUE, now=NOW
    )
    await uc.set_contract_and_terms(
        world.db, actor_id=actor, order_id=card.id, contract_id=contract.id, payment_terms_id=world.terms, now=NOW
    )
    await uc.submit_for_approval(world.db, actor_id=actor, order_id=card.id, now=NOW)
    return await uc.vote(world.db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)


async def contract_of(world: World, counterparty: int) -> Contract:
    async with world.db.unit_of_work() as session:
        contract = Contract(
            number=f"Д-{counterparty}/2026",
            counterparty_id=counterparty,
            kind=ContractKind.VALUE_LIMITED,
            limit_amount=Decimal("1000000.00"),
            valid_from=date(2026, 1, 1),
            valid_to=date(2026, 12, 31),
        )
        session.add(contract)
    return contract


async def overdue_facts(db: Database) -> list[PaymentOverdue]:
    async with db.reading() as session:
        rows = await session.scalars(
            select(OutboxEvent).where(OutboxEvent.kind == PAYMENT_OVERDUE).order_by(OutboxEvent.id)
        )
        facts = [from_payload(row.kind, row.payload) for row in rows]
    assert all(isinstance(fact, PaymentOverdue) for fact in facts)
    return facts  # type: ignore[return-value]


async def heard(db: Database) -> Counter[tuple[int | None, str]]:
    async with db.reading() as session:
        rows = await session.execute(
            select(Person.telegram_id, Notification.purpose)
            .join(Person, Person.id == Notification.person_id)
            .where(Notification.kind == PAYMENT_OVERDUE)
        )
        return Counter(tuple(row) for row in rows.all())  # type: ignore[misc]


async def test_run_every_minute_each_step_of_the_cadence_is_told_once_and_only_in_working_hours(db: Database) -> None:
    world = await make_world(db)
    await executing_for(world)
    runs = [
        *every(HOUR, moscow(5, 0), moscow(22, 23)),
        *(moment for day in range(7, 23) for moment in every(MINUTE, moscow(day, 8, 55), moscow(day, 9, 10))),
    ]
    did = {}
    for now in sorted(set(runs)):
        report = await run(db, "overdue_reminders", now=now)
        if any(report.counts.values()):
            did[now] = report.counts
    # Day 1 overdue is Sunday the 6th: told on Monday at nine; day 7 (the 12th) and day 14 (the 19th) are Saturdays.
    assert did == {
        moscow(7, 9): {"reminded": 1, "escalated": 0},
        moscow(8, 9): {"reminded": 1, "escalated": 0},
        moscow(14, 9): {"reminded": 1, "escalated": 0},
        moscow(21, 9): {"reminded": 1, "escalated": 1},
    }
    facts = await overdue_facts(db)
    assert [(f.rows[0]["step"], f.rows[0]["days"], f.escalated) for f in facts] == [
        (1, 2, False),
        (3, 3, False),
        (7, 9, False),
        (14, 16, True),
    ]
    assert facts[0].total == Decimal("12502.50") and facts[0].rows[0]["due"] == "12502.50"


async def test_nothing_is_told_at_night_at_the_weekend_or_on_a_holiday(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await make_world(db)
    await executing_for(world)
    monkeypatch.setenv("ORDERBOT_HOLIDAYS", "2026-12-07")
    for now in (moscow(6, 12), moscow(7, 12), moscow(8, 8, 59), moscow(8, 18), moscow(8, 23)):
        assert (await run(db, "overdue_reminders", now=now)).counts == {"reminded": 0, "escalated": 0}
    assert (await run(db, "overdue_reminders", now=moscow(8, 9))).counts["reminded"] == 1
    assert [f.rows[0]["step"] for f in await overdue_facts(db)] == [3]  # day 3 reached: steps 1 and 3 told as one


async def test_one_message_per_customer_lists_all_its_overdue_rows(db: Database) -> None:
    world = await make_world(db)
    first = await executing_for(world)
    second = await executing_for(world, manager=world.other_manager)
    other = await executing_for(world, world.other_customer)
    await run(db, "overdue_reminders", now=moscow(7, 9))
    facts = {fact.counterparty: fact for fact in await overdue_facts(db)}
    assert sorted(facts) == ["АО «Уралмашзавод»", "ООО «Ромашка»"]
    romashka = facts["ООО «Ромашка»"]
    assert [row["number"] for row in romashka.rows] == [first.number, second.number]
    assert romashka.managers == tuple(sorted((world.manager, world.other_manager)))
    assert romashka.total == Decimal("25005.00")
    assert [row["number"] for row in facts["АО «Уралмашзавод»"].rows] == [other.number]
    await uc.fan_out(db, now=moscow(7, 9))
    # Иванова looks after both customers' orders here: two messages, one per customer; Кузнецов one.
    assert await heard(db) == Counter({(1001, "overdue"): 2, (1005, "overdue"): 1})


async def test_the_escalation_reaches_the_heads_of_sales_and_the_accountants(db: Database) -> None:
    world = await make_world(db)
    await executing_for(world)
    await run(db, "overdue_reminders", now=moscow(21, 9))
    await uc.fan_out(db, now=moscow(21, 9))
    assert await heard(db) == Counter(
        {(1001, "overdue"): 1, (1002, "escalation"): 1, (1007, "escalation"): 1, (1004, "money"): 1}
    )


async def test_a_paid_row_is_never_reminded(db: Database) -> None:
    world = await make_world(db)
    card = await executing_for(world)
    await uc.record_payment(
        db, actor_id=world.accountant, number=card.number, amount="12502.50", paid_on="2026-12-04", now=moscow(4, 12)
    )
    assert (await run(db, "overdue_reminders", now=moscow(21, 9))).counts["reminded"] == 0


async def test_a_promised_date_defers_the_next_reminder_and_a_broken_promise_resumes_them(db: Database) -> None:
    world = await make_world(db)
    card = await executing_for(world)
    await run(db, "overdue_reminders", now=moscow(7, 9))
    promised = await promise_payment(
        db, actor_id=world.manager, counterparty_id=world.customer, promised="10.12", now=moscow(7, 10)
    )
    assert promised.promised_date == date(2026, 12, 10) and promised.orders == (card.number,)
    for day in (8, 9, 10):  # day 3 (the 8th) waits for the promise; the promised day itself too
        assert (await run(db, "overdue_reminders", now=moscow(day, 12))).counts["reminded"] == 0
    assert (await run(db, "overdue_reminders", now=moscow(11, 9))).counts["reminded"] == 1
    last = (await overdue_facts(db))[-1]
    assert (last.rows[0]["promised_date"], last.rows[0]["step"], last.rows[0]["days"]) == ("2026-12-10", 1, 6)
    history = await uc.order_history(db, viewer_id=world.manager, order_id=card.id)
    assert "payment_promised" in str(history)


async def test_a_promise_is_refused_without_the_role_in_the_past_too_far_or_with_nothing_overdue(db: Database) -> None:
    world = await make_world(db)
    await executing_for(world)
    cases = [
        (world.accountant, world.customer, "10.12", ErrorCode.PROMISE_NOT_FOR_ROLE),
        (world.manager, world.customer, "2026-12-01", ErrorCode.DATE_IN_PAST),
        (world.manager, world.customer, "2027-06-01", ErrorCode.DATE_TOO_FAR),
        (world.manager, world.customer, "вчера-ли", ErrorCode.DATE_UNREADABLE),
        (world.manager, world.other_customer, "10.12", ErrorCode.NOTHING_OVERDUE),
        (world.other_manager, world.customer, "10.12", ErrorCode.NOTHING_OVERDUE),  # not his order
    ]
    for actor, customer, day, code in cases:
        with pytest.raises(DomainError) as refusal:
            await promise_payment(db, actor_id=actor, counterparty_id=customer, promised=day, now=moscow(7, 10))
        assert refusal.value.code is code, (actor, day)
    # A head of sales may promise for any manager's customer.
    done = await promise_payment(
        db, actor_id=world.head_only, counterparty_id=world.customer, promised="10.12", now=moscow(7, 10)
    )
    assert done.promised_date == date(2026, 12, 10)


async def aged(world: World, dues: list[tuple[int, str, date, str]]) -> None:
    """Orders of the customers whose first row is due on a date with some of it paid: (manager, customer, due, paid)."""
    db = world.db
    for manager, customer, due, paid in dues:
        card = await executing_for(world, None if customer == "customer" else world.other_customer, manager=manager)
        async with db.unit_of_work() as session:
            await session.execute(
                update(PaymentRow)
                .where(PaymentRow.order_id == card.id, PaymentRow.position == 1)
                .values(due_date=due, paid_amount=Decimal(paid))
            )


async def test_debts_are_aged_by_customer_in_the_database_and_summed(db: Database) -> None:
    world = await make_world(db)
    today = date(2026, 12, 31)
    # Romashka's orders are 25 005.00 (two rows of 12 502.50); the duct orders of Uralmash 1 500.00 (750.00 each).
    await aged(
        world,
        [
            (world.manager, "customer", date(2027, 1, 5), "0"),  # not due yet: 12 502.50
            (world.manager, "customer", date(2026, 12, 1), "2.50"),  # 30 days: 12 500.00 in 0–30
            (world.manager, "customer", date(2026, 11, 30), "0"),  # 31 days: 31–60
            (world.other_manager, "other", date(2026, 10, 2), "50"),  # 90 days: 700.00 in 61–90
            (world.other_manager, "other", date(2026, 10, 1), "0"),  # 91 days: over 90
        ],
    )
    now = datetime(2026, 12, 31, 9, tzinfo=MOSCOW)
    report = await debts(db, viewer_id=world.accountant, now=now)
    assert report.today == today and not report.own_only
    by_name = {debt.counterparty: debt.ageing for debt in report.debts}
    # Undated rows (due after a shipment not made) are owed to nobody yet.
    assert by_name == {
        "ООО «Ромашка»": Ageing(not_due=Decimal("12502.50"), d0_30=Decimal("12500.00"), d31_60=Decimal("12502.50")),
        "АО «Уралмашзавод»": Ageing(d61_90=Decimal("700.00"), over_90=Decimal("750.00")),
    }
    assert report.totals["RUB"].total == Decimal("38955.00") and report.totals["RUB"].overdue == Decimal("26452.50")
    # The customer with the most overdue comes first.
    assert [debt.counterparty for debt in report.debts] == ["ООО «Ромашка»", "АО «Уралмашзавод»"]
    own = await debts(db, viewer_id=world.other_manager, now=now)
    assert own.own_only and [debt.counterparty for debt in own.debts] == ["АО «Уралмашзавод»"]
    assert (await debts(db, viewer_id=world.approver, now=now)).debts == report.debts  # a head of sales sees all


async def test_debts_are_refused_to_those_who_keep_no_books_and_sell_nothing(db: Database) -> None:
    world = await make_world(db)
    for person in (world.planner, world.admin, world.finance):
        with pytest.raises(DomainError) as refusal:
            await debts(db, viewer_id=person, now=NOW)
        assert refusal.value.code is ErrorCode.DEBTS_NOT_FOR_ROLE


async def test_the_approvers_card_shows_the_customers_overdue_debt(db: Database) -> None:
    world = await make_world(db)
    await executing_for(world)
    card = await request_with_line(world)
    await uc.set_contract_and_terms(
        db, actor_id=world.manager, order_id=card.id, contract_id=world.contract, payment_terms_id=world.terms, now=NOW
    )
    await uc.submit_for_approval(db, actor_id=world.manager, order_id=card.id, now=moscow(7, 9))
    seen = await uc.get_order(db, viewer_id=world.approver, order_id=card.id, now=moscow(7, 10))
    assert seen.customer_overdue is not None and seen.customer_overdue.amount == Decimal("12502.50")
    before = await uc.get_order(db, viewer_id=world.approver, order_id=card.id, now=moscow(4, 10))
    assert before.customer_overdue is not None and before.customer_overdue.amount == 0
    own = await uc.get_order(db, viewer_id=world.manager, order_id=card.id, now=moscow(7, 10))
    assert own.customer_overdue is None


async def test_the_weekly_ageing_digest_goes_to_accountants_and_heads_once_a_week_from_monday_morning(
    db: Database,
) -> None:
    await make_world(db)
    assert (await run(db, "ageing_digest", now=moscow(7, 8, 59))).counts == {"readers": 0}
    assert (await run(db, "ageing_digest", now=moscow(7, 9))).counts == {"readers": 3}  # 1002, 1004, 1007
    for now in (moscow(7, 9, 1), moscow(9, 12), moscow(13, 23)):
        assert (await run(db, "ageing_digest", now=now)).counts == {"readers": 0}
    assert (await run(db, "ageing_digest", now=moscow(14, 9))).counts == {"readers": 3}
