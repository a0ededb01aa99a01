"""The dispatcher's side: claiming due notices with a lease, marking what happened, resending failures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import use_cases as uc
from core.db import Database
from core.events import ApprovalStepOpened
from core.locks import only_one
from core.models import NoticeStatus
from core.stages import Stage
from jobs.catalogue import JOBS, run
from tests.integration.world import NOW, make_world, order_in

LEASE = timedelta(seconds=60)


async def approval_notices(db: Database) -> None:
    world = await make_world(db)
    await order_in(world, Stage.APPROVAL)
    await uc.fan_out(db, now=NOW)


async def test_a_claim_gives_what_a_dispatcher_needs_and_nobody_else_claims_it_during_the_lease(db: Database) -> None:
    await approval_notices(db)
    claimed = await uc.claim_due(db, worker="a", now=NOW, lease=LEASE)
    assert {(n.chat_id, n.language, n.urgent) for n in claimed} == {(1002, "ru", True), (1006, "ru", True)}
    assert all(isinstance(n.event.fact, ApprovalStepOpened) and n.order_id == n.event.order_id for n in claimed)
    assert await uc.claim_due(db, worker="b", now=NOW + LEASE / 2, lease=LEASE) == []


async def test_a_claim_whose_lease_ran_out_comes_back_and_a_sent_notice_does_not(db: Database) -> None:
    await approval_notices(db)
    first = await uc.claim_due(db, worker="crashed", now=NOW, lease=LEASE)
    assert await uc.mark_sent(db, notice_id=first[0].id, message_id=77, now=NOW)
    again = await uc.claim_due(db, worker="b", now=NOW + LEASE, lease=LEASE)
    assert [n.id for n in again] == [first[1].id] and again[0].attempts == 2
    assert not await uc.mark_sent(db, notice_id=first[0].id, message_id=78, now=NOW)  # already sent


async def test_a_notice_to_retry_later_waits_and_a_failed_one_is_resent_on_request(db: Database) -> None:
    await approval_notices(db)
    one, two = await uc.claim_due(db, worker="a", now=NOW, lease=LEASE)
    await uc.retry_later(db, notice_id=one.id, at=NOW + timedelta(seconds=30), reason="429")
    await uc.mark_failed(db, notice_id=two.id, reason="400 Bad Request: chat not found")
    assert await uc.claim_due(db, worker="a", now=NOW + timedelta(seconds=29), lease=LEASE) == []
    assert [n.id for n in await uc.claim_due(db, worker="a", now=NOW + timedelta(seconds=30), lease=LEASE)] == [one.id]
    failed = await uc.list_notifications(db, status=NoticeStatus.FAILED)
    assert [(n.id, n.last_error) for n in failed] == [(two.id, "400 Bad Request: chat not found")]
    assert await uc.retry(db, ids=[two.id], now=NOW + LEASE) == 1
    assert await uc.retry(db, ids=[two.id], now=NOW + LEASE) == 0
    assert [n.id for n in await uc.claim_due(db, worker="a", now=NOW + LEASE, lease=LEASE)] == [two.id]


async def test_nothing_is_sent_to_someone_who_blocked_the_bot_until_they_write_again(db: Database) -> None:
    world = await make_world(db)
    await order_in(world, Stage.APPROVAL)
    await uc.fan_out(db, now=NOW)
    assert await uc.mark_unreachable(db, person_id=world.finance, now=NOW) == 1
    assert [n.chat_id for n in await uc.claim_due(db, worker="a", now=NOW)] == [1002]
    assert await uc.person_wrote_again(db, person_id=world.finance)
    assert not await uc.person_wrote_again(db, person_id=world.finance)


async def test_running_each_job_twice_for_the_same_moment_does_no_harm(db: Database) -> None:
    await order_in(await make_world(db), Stage.APPROVAL)
    first = await run(db, "fan_out", now=NOW)
    second = await run(db, "fan_out", now=NOW)
    assert first.counts["notices"] == 2 and second.counts == {"events": 0, "notices": 0, "held": 0}
    assert (await run(db, "release_held", now=NOW)).counts == {"released": 0}
    assert (await run(db, "daily_digest", now=NOW)).counts == {"released": 0}
    later = NOW + timedelta(hours=4)  # four working hours after the submission: its approvers are reminded, once
    assert (await run(db, "approval_reminders", now=later)).counts == {"reminded": 1, "escalated": 0}
    assert (await run(db, "approval_reminders", now=later)).counts == {"reminded": 0, "escalated": 0}
    assert {"fan_out", "release_held", "daily_digest", "approval_reminders", "production_risk"} <= set(JOBS)


async def test_a_job_another_process_is_running_is_skipped_on_postgres(postgres_db: Database) -> None:
    async with only_one(postgres_db, "job:fan_out") as mine:
        assert mine
        assert (await run(postgres_db, "fan_out", now=NOW)).skipped
    assert not (await run(postgres_db, "fan_out", now=NOW)).skipped


@pytest.mark.parametrize("name", ["fan_out", "release_held"])
async def test_on_sqlite_the_lock_is_always_granted(sqlite_db: Database, name: str) -> None:
    assert not (await run(sqlite_db, name, now=NOW)).skipped
