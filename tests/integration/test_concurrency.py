"""Many people pressing the same button at once: one of them wins, the others hear who did."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.models import Activity, Decision, Order
from core.roles import Role
from core.stages import Stage
from core.views import OrderCard
from tests.integration.world import NOW, make_world, order_in


def split(results: list[OrderCard | BaseException]) -> tuple[list[OrderCard], list[DomainError]]:
    unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, DomainError)]
    assert not unexpected, unexpected
    wins = [r for r in results if isinstance(r, OrderCard)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    return wins, refusals


async def test_twenty_approvers_voting_at_once_make_exactly_one_transition(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    approvers = [
        (await uc.add_person(db, full_name=f"Согласующий {n}", roles=[Role.APPROVER], telegram_id=5000 + n, now=NOW)).id
        for n in range(20)
    ]
    results = await asyncio.gather(
        *(uc.vote(db, actor_id=a, order_id=card.id, decision=Decision.APPROVE, now=NOW) for a in approvers),
        return_exceptions=True,
    )
    wins, refusals = split(list(results))
    assert len(wins) == 1 and wins[0].stage is Stage.EXECUTION
    winner = wins[0].steps[0].decided_by
    assert len(refusals) == 19
    assert {r.code for r in refusals} == {ErrorCode.ALREADY_DONE}
    assert {r.params["by"] for r in refusals} == {winner}
    async with db.reading() as session:
        moves = await session.scalar(
            select(func.count()).where(Activity.order_id == card.id, Activity.kind.in_(["approved", "stage_moved"]))
        )
    assert moves == 2


async def test_twenty_moves_at_once_make_exactly_one_transition(db: Database) -> None:
    world = await make_world(db)
    card = await order_in(world, Stage.APPROVAL)
    results = await asyncio.gather(
        *(
            uc.move_stage(db, actor_id=actor, order_id=card.id, target=Stage.REQUEST, now=NOW)
            for actor in [world.manager, world.head_only] * 10
        ),
        return_exceptions=True,
    )
    wins, refusals = split(list(results))
    assert len(wins) == 1 and wins[0].stage is Stage.REQUEST
    assert len(refusals) == 19 and {r.code for r in refusals} == {ErrorCode.ALREADY_DONE}
    history = await uc.order_history(db, viewer_id=world.manager, order_id=card.id)
    withdrawn = [e for group in history for e in group.entries if e.details.get("to") == "request"]
    assert len(withdrawn) == 1
    assert {r.params["by"] for r in refusals} == {withdrawn[0].actor_name}


async def test_fifty_requests_registered_at_once_get_fifty_distinct_numbers(db: Database) -> None:
    world = await make_world(db)
    results = await asyncio.gather(
        *(uc.register_request(db, actor_id=world.manager, counterparty_id=world.customer, now=NOW) for _ in range(50)),
        return_exceptions=True,
    )
    wins, refusals = split(list(results))
    assert not refusals
    assert len({card.number for card in wins}) == 50
    assert sorted(card.number for card in wins) == [f"ЗС-{n:06d}" for n in range(1, 51)]
    async with db.reading() as session:
        assert await session.scalar(select(func.count(Order.id))) == 50
