"""What a tap costs the database: the statements of a card and a vote, and who is remembered for how long."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import event

from core import use_cases as uc
from core.db import Database
from core.identities import IdentityCache
from core.models import Decision
from core.roles import Role
from core.stages import Stage
from tests.integration.world import NOW, SOON, World, make_world

# The card: (BEGIN on SQLite), the viewer, the order with its round's steps, the lines. In approval
# the blockers add who may decide and what the contract has used; an approver's card one more: the
# customer's other open orders and each line item's free stock, in one SELECT (`core.views.decision_facts`).
CARD_MOST = 4
APPROVAL_CARD_MOST = 7
# A vote: the card's reads, the vote, its journal and event rows, the step's and the order's updates.
VOTE_MOST = 12


class Statements:
    def __init__(self) -> None:
        self.seen: list[str] = []


@contextmanager
def counted(db: Database) -> Iterator[Statements]:
    """Every SQL statement sent on the database's engine within the block."""
    statements = Statements()

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)


async def order_in_approval(db: Database, world: World) -> int:
    card = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.customer, now=NOW)
    await uc.add_line(
        db, actor_id=world.manager, order_id=card.id, item_id=world.duct, quantity=2, required_by=SOON, now=NOW
    )
    return (await uc.submit_for_approval(db, actor_id=world.manager, order_id=card.id, now=NOW)).id


async def test_a_card_costs_at_most_four_statements_and_six_in_approval(db: Database) -> None:
    world = await make_world(db)
    order_id = await order_in_approval(db, world)
    with counted(db) as in_approval:
        card = await uc.get_order(db, viewer_id=world.approver, order_id=order_id, now=NOW)
    assert card.stage is Stage.APPROVAL and len(card.steps) == 1
    assert len(in_approval.seen) <= APPROVAL_CARD_MOST, in_approval.seen
    await uc.move_stage(db, actor_id=world.manager, order_id=order_id, target=Stage.REQUEST, now=NOW)
    with counted(db) as in_request:
        card = await uc.get_order(db, viewer_id=world.manager, order_id=order_id, now=NOW)
    assert card.stage is Stage.REQUEST and card.lines
    assert len(in_request.seen) <= CARD_MOST, in_request.seen


async def test_a_vote_costs_at_most_twelve_statements(db: Database) -> None:
    world = await make_world(db)
    order_id = await order_in_approval(db, world)
    with counted(db) as statements:
        card = await uc.vote(db, actor_id=world.approver, order_id=order_id, decision=Decision.APPROVE, now=NOW)
    assert card.steps[0].decided_by is not None
    assert len(statements.seen) <= VOTE_MOST, "\n".join(s[:120].replace("\n", " ") for s in statements.seen)


async def test_a_person_is_read_once_while_remembered(db: Database) -> None:
    await make_world(db)
    first = await uc.identify(db, telegram_id=1001)
    with counted(db) as statements:
        again = await uc.identify(db, telegram_id=1001)
    assert again == first and statements.seen == []


async def test_a_revoked_role_takes_effect_at_once_in_this_process(db: Database) -> None:
    await make_world(db)
    assert Role.APPROVER in (await uc.identify(db, telegram_id=1002)).roles  # type: ignore[union-attr]
    await uc.revoke_role(db, telegram_id=1002, role=Role.APPROVER)
    assert Role.APPROVER not in (await uc.identify(db, telegram_id=1002)).roles  # type: ignore[union-attr]
    await uc.grant_role(db, telegram_id=1002, role=Role.APPROVER)
    await uc.set_approval_limit(db, telegram_id=1002, limit=Decimal("100"))
    known = await uc.identify(db, telegram_id=1002)
    assert known is not None and Role.APPROVER in known.roles and known.approval_limit == Decimal("100")


async def test_a_role_revoked_by_another_process_takes_effect_when_the_time_to_live_runs_out(db: Database) -> None:
    await make_world(db)
    clock = [0.0]
    db.identities = IdentityCache(ttl=10.0, clock=lambda: clock[0])
    other_process = Database(db.url)
    try:
        assert Role.APPROVER in (await uc.identify(db, telegram_id=1002)).roles  # type: ignore[union-attr]
        await uc.revoke_role(other_process, telegram_id=1002, role=Role.APPROVER)
        clock[0] = 9.9
        assert Role.APPROVER in (await uc.identify(db, telegram_id=1002)).roles  # type: ignore[union-attr]
        clock[0] = 10.0
        assert Role.APPROVER not in (await uc.identify(db, telegram_id=1002)).roles  # type: ignore[union-attr]
    finally:
        await other_process.dispose()


async def test_a_stranger_is_not_remembered_so_joining_elsewhere_counts_at_once(db: Database) -> None:
    world = await make_world(db)
    assert await uc.identify(db, telegram_id=4242) is None
    invite = await uc.create_invite(db, actor_id=world.admin, role=Role.PLANNER, now=NOW)
    other_process = Database(db.url)
    try:
        await uc.accept_invite(
            other_process, token=invite.token, telegram_id=4242, full_name="Новиков Н.", language="ru", now=NOW
        )
    finally:
        await other_process.dispose()
    assert await uc.identify(db, telegram_id=4242) is not None


def test_the_cache_forgets_the_least_recently_used_beyond_its_size() -> None:
    cache: IdentityCache[str] = IdentityCache(most=2, clock=lambda: 0.0)
    cache.put(1, "one")
    cache.put(2, "two")
    assert cache.get(1) == "one"
    cache.put(3, "three")
    assert (cache.get(1), cache.get(2), cache.get(3)) == ("one", None, "three")
