"""An approver away hands their approvals to someone: the delegate decides in their stead, hears of it
instead of them, the journal says on whose behalf, and it ends by itself at the end of its last day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.events import APPROVALS_DELEGATED, APPROVALS_TAKEN_BACK
from core.models import Decision, Notification, OrderApprovalStep, OutboxEvent, Person
from core.policy import Action
from core.views import OrderCard
from core.working_time import WorkingCalendar
from tests.integration.world import NOW, World, make_world, request_with_line, route_of

THRESHOLD = Decimal("30000")  # from here the finance director (1006) decides a step named for her
LARGE = "20"  # 50 010,00 ₽ of fans
UNTIL = date(2026, 12, 4)  # a Friday; NOW is Monday 30 November, 12:00 in Moscow
CALENDAR = WorkingCalendar(time_zone="Europe/Moscow")


async def large_order_submitted(world: World, *, at: datetime = NOW) -> OrderCard:
    card = await request_with_line(world, quantity=LARGE)
    card = await uc.set_contract_and_terms(
        world.db, actor_id=world.manager, order_id=card.id, contract_id=world.contract, payment_terms_id=world.terms,
        now=at,
    )  # fmt: skip
    return await uc.submit_for_approval(world.db, actor_id=world.manager, order_id=card.id, now=at)


async def finance_away(world: World, *, until: date = UNTIL) -> uc.DelegationView:
    """The finance director hands her approvals to the head of sales without an approver's role."""
    return await uc.delegate_approvals(
        world.db, principal_id=world.finance, delegate_id=world.head_only, until=until, now=NOW, by_id=world.finance
    )


async def heard(db: Database) -> set[tuple[int | None, str, str]]:
    async with db.reading() as session:
        rows = await session.execute(
            select(Person.telegram_id, Notification.kind, Notification.purpose).join(
                Person, Person.id == Notification.person_id
            )
        )
        return {(telegram_id, kind, purpose) for telegram_id, kind, purpose in rows}


async def test_the_delegate_decides_the_approvers_step_and_the_journal_says_on_whose_behalf(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    await finance_away(world)
    card = await large_order_submitted(world)

    waiting = await uc.inbox(db, actor_id=world.head_only, now=NOW + timedelta(hours=1), calendar=CALENDAR)
    assert [(row.number, row.step, row.on_behalf_of) for row in waiting.rows] == [
        (card.number, "Финансовое согласование", "Смирнова Ольга")
    ]
    seen = await uc.get_order(db, viewer_id=world.head_only, order_id=card.id, now=NOW)
    assert seen.deciding_for == "Смирнова Ольга"
    assert Action.APPROVE in seen.actions

    decided = await uc.vote(db, actor_id=world.head_only, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    (finance_step,) = [step for step in decided.steps if step.title == "Финансовое согласование"]
    assert (finance_step.state, finance_step.decided_by, finance_step.on_behalf_of) == (
        "approved",
        "Волков Андрей",
        "Смирнова Ольга",
    )
    history = await uc.order_history(db, viewer_id=world.manager, order_id=card.id)
    approved = [entry for group in history for entry in group.entries if entry.kind == "approved"]
    assert [(entry.actor_name, entry.details.get("on_behalf_of")) for entry in approved] == [
        ("Волков Андрей", "Смирнова Ольга")
    ]
    async with db.reading() as session:
        step = await session.scalar(select(OrderApprovalStep).where(OrderApprovalStep.id == finance_step.id))
        assert step is not None and step.on_behalf_of_id == world.finance


async def test_a_step_decided_in_her_stead_is_hers_and_she_cannot_decide_it_again(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    await finance_away(world)
    card = await large_order_submitted(world)
    await uc.vote(db, actor_id=world.head_only, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    with pytest.raises(DomainError) as refused:
        await uc.vote(db, actor_id=world.finance, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert refused.value.code is ErrorCode.ALREADY_VOTED
    assert refused.value.params["by"] == "Волков Андрей"


async def test_one_person_decides_one_step_of_a_round_whoever_they_stand_in_for(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    await uc.delegate_approvals(
        db, principal_id=world.approver, delegate_id=world.finance, until=UNTIL, now=NOW, by_id=world.approver
    )
    card = await large_order_submitted(world)
    await uc.vote(db, actor_id=world.finance, order_id=card.id, decision=Decision.APPROVE, now=NOW)  # her own step
    with pytest.raises(DomainError) as refused:
        await uc.vote(db, actor_id=world.finance, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert refused.value.code is ErrorCode.ALREADY_VOTED
    waiting = await uc.inbox(db, actor_id=world.finance, now=NOW, calendar=CALENDAR)
    assert waiting.rows == ()


async def test_the_delegate_hears_of_the_step_instead_of_the_approver_away(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    await finance_away(world)
    await large_order_submitted(world)
    await uc.fan_out(db, now=NOW)
    told = await heard(db)
    assert (1007, APPROVALS_DELEGATED, "delegation") in told
    assert (1007, "approval.step_opened", "decide") in told
    assert (1002, "approval.step_opened", "decide") in told  # the commercial step is not hers: unchanged
    assert not any(who == 1006 and kind == "approval.step_opened" for who, kind, _ in told)


async def test_the_delegation_ends_by_itself_when_its_last_day_ends(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    await finance_away(world)
    card = await large_order_submitted(world)
    last_minute = datetime(2026, 12, 4, 20, 59, tzinfo=NOW.tzinfo)  # 23:59 on Friday in Moscow
    still = await uc.inbox(db, actor_id=world.head_only, now=last_minute, calendar=CALENDAR)
    assert [row.number for row in still.rows] == [card.number]

    over = last_minute + timedelta(minutes=1)
    gone = await uc.inbox(db, actor_id=world.head_only, now=over, calendar=CALENDAR)
    assert not gone.approver and gone.rows == ()
    with pytest.raises(DomainError) as refused:
        await uc.vote(db, actor_id=world.head_only, order_id=card.id, decision=Decision.APPROVE, now=over)
    assert refused.value.code is ErrorCode.NOT_ALLOWED
    back = await uc.vote(db, actor_id=world.finance, order_id=card.id, decision=Decision.APPROVE, now=over)
    assert any(step.decided_by == "Смирнова Ольга" for step in back.steps)


async def test_taking_approvals_back_ends_the_delegation_now_and_tells_the_delegate(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    await finance_away(world)
    assert await uc.take_back_approvals(db, principal_id=world.finance, now=NOW + timedelta(hours=1))
    assert not await uc.take_back_approvals(db, principal_id=world.finance, now=NOW + timedelta(hours=2))
    screen = await uc.delegation_screen(db, person_id=world.finance, now=NOW + timedelta(hours=2))
    assert screen.mine is None
    await uc.fan_out(db, now=NOW + timedelta(hours=2))
    assert (1007, APPROVALS_TAKEN_BACK, "delegation") in await heard(db)


async def test_the_screen_shows_the_delegation_whom_one_stands_in_for_and_who_could_stand_in(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    view = await finance_away(world)
    assert (view.delegate_name, view.until) == ("Волков Андрей", UNTIL)
    mine = await uc.delegation_screen(db, person_id=world.finance, now=NOW)
    assert mine.approver and mine.mine is not None and mine.mine.delegate_name == "Волков Андрей"
    names = [c.name for c in mine.candidates]
    assert names[0] == "Петров Пётр"  # approves too: the natural stand-in comes first
    assert "Иванова Анна" not in names  # a manager sees only her own orders
    theirs = await uc.delegation_screen(db, person_id=world.head_only, now=NOW)
    assert [d.principal_name for d in theirs.standing_in_for] == ["Смирнова Ольга"]


async def test_a_new_delegation_replaces_the_current_one(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    await finance_away(world)
    await uc.delegate_approvals(
        db, principal_id=world.finance, delegate_id=world.approver, until=UNTIL, now=NOW, by_id=world.finance
    )
    screen = await uc.delegation_screen(db, person_id=world.finance, now=NOW + timedelta(minutes=1))
    assert screen.mine is not None and screen.mine.delegate_name == "Петров Пётр"
    assert (await uc.delegation_screen(db, person_id=world.head_only, now=NOW)).standing_in_for == ()


@pytest.mark.parametrize(
    ("principal", "delegate", "until", "by", "code"),
    [
        ("finance", "finance", UNTIL, "finance", ErrorCode.DELEGATION_TO_SELF),
        ("finance", "manager", UNTIL, "finance", ErrorCode.DELEGATE_SEES_OWN_ONLY),
        ("manager", "approver", UNTIL, "manager", ErrorCode.DELEGATION_NOT_APPROVER),
        ("finance", "approver", date(2026, 11, 29), "finance", ErrorCode.DATE_IN_PAST),
        ("finance", "approver", date(2028, 1, 1), "finance", ErrorCode.DATE_TOO_FAR),
        ("finance", "approver", UNTIL, "manager", ErrorCode.NOT_ALLOWED),
        ("finance", "admin", UNTIL, "admin", ErrorCode.DELEGATE_IS_ARRANGER),  # no authority handed to oneself
        ("finance", "head_only", UNTIL, "head_only", ErrorCode.DELEGATE_IS_ARRANGER),
    ],
)
async def test_a_delegation_that_cannot_be_is_refused_with_the_reason(
    db: Database, principal: str, delegate: str, until: date, by: str, code: ErrorCode
) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    with pytest.raises(DomainError) as refused:
        await uc.delegate_approvals(
            db,
            principal_id=world.person(principal),
            delegate_id=world.person(delegate),
            until=until,
            now=NOW,
            by_id=world.person(by),
        )
    assert refused.value.code is code
    assert (await uc.delegation_screen(db, person_id=world.person(principal), now=NOW)).mine is None


async def test_approvals_are_not_handed_on_by_someone_away_themselves(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    await finance_away(world)
    with pytest.raises(DomainError) as refused:
        await uc.delegate_approvals(
            db, principal_id=world.approver, delegate_id=world.finance, until=UNTIL, now=NOW, by_id=world.admin
        )
    assert refused.value.code is ErrorCode.DELEGATE_AWAY
    assert refused.value.params["until"] == UNTIL.isoformat()


async def test_an_administrator_arranges_a_delegation_and_the_delegate_hears_who_did(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    await uc.delegate_approvals(
        db, principal_id=world.finance, delegate_id=world.head_only, until=UNTIL, now=NOW, by_id=world.admin
    )
    async with db.reading() as session:
        payload = await session.scalar(select(OutboxEvent.payload).where(OutboxEvent.kind == APPROVALS_DELEGATED))
    assert (
        payload is not None and payload["by_name"] == "Администратор" and payload["principal_name"] == "Смирнова Ольга"
    )


async def test_a_reminder_of_a_step_waiting_for_the_approver_away_reaches_the_delegate(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    await finance_away(world)
    await large_order_submitted(world)
    await uc.fan_out(db, now=NOW)
    rules = uc.ReminderRules(calendar=CALENDAR, remind_after=timedelta(hours=4), escalate_after=timedelta(hours=8))
    later = NOW + timedelta(hours=5)  # Monday 17:00 in Moscow: five working hours
    assert (await uc.remind_approvers(db, now=later, rules=rules)).reminded == 2  # both steps of the order
    await uc.fan_out(db, now=later)
    reminded = {(who, purpose) for who, kind, purpose in await heard(db) if kind == "approval.reminder"}
    assert reminded == {(1007, "decide"), (1002, "decide")}  # not 1006, who is away


async def test_someone_with_a_step_named_for_them_does_not_spend_it_standing_in(db: Database) -> None:
    world = await make_world(db, finance_threshold=THRESHOLD)
    route = route_of(THRESHOLD)
    route["steps"][1]["parallel"] = False  # type: ignore[index]  # the finance step after the commercial one
    await uc.load_route(db, route=route)
    await uc.delegate_approvals(
        db, principal_id=world.approver, delegate_id=world.finance, until=UNTIL, now=NOW, by_id=world.approver
    )
    card = await large_order_submitted(world)
    with pytest.raises(DomainError) as refused:  # the commercial step is open, hers waits after it
        await uc.vote(db, actor_id=world.finance, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert refused.value.code is ErrorCode.NOTHING_TO_VOTE
    assert (await uc.inbox(db, actor_id=world.finance, now=NOW, calendar=CALENDAR)).rows == ()
