"""How long approvals take, from votes cast at known times: per step, per approver, and what waits now."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from cli.main import main
from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.models import Decision, PaymentTerms
from core.roles import Role
from core.use_cases.approval_report import ApprovalReport, DecisionTimes
from tests.conftest import empty_postgres, sqlite_url
from tests.integration.world import NOW, World, make_world, request_with_line

T = NOW  # 30.11.2026 09:00 UTC, 12:00 in Moscow
H = timedelta(hours=1)
MIN = timedelta(minutes=1)
DAY = date(2026, 11, 30)
MOSCOW = "Europe/Moscow"
COMMERCIAL, FINANCE = "Коммерческое согласование", "Финансовое согласование"


@dataclass
class Story:
    world: World
    second_approver: int
    returned: str  # the number of the order returned for rework
    restarted: str  # the order whose terms changed after a vote, its finance step open since T+7h
    untouched: str  # submitted at T+6h, nobody has voted


async def approvals_at_known_times(db: Database) -> Story:
    """Orders of 25 005,00 ₽, each needing the commercial and the finance step, voted on at known moments.

    A, B, C go by the world's route (both steps open at submission); D, E, F by a route on which
    the finance step opens only when the commercial one is approved.
    """
    world = await make_world(db, finance_threshold=Decimal("20000"))
    second = await uc.add_person(db, full_name="Орлов Глеб", telegram_id=1010, roles=[Role.APPROVER], now=NOW)

    async def submitted(at: datetime) -> int:
        card = await request_with_line(world)
        await uc.set_contract_and_terms(
            db,
            actor_id=world.manager,
            order_id=card.id,
            contract_id=world.contract,
            payment_terms_id=world.terms,
            now=T,
        )
        return (await uc.submit_for_approval(db, actor_id=world.manager, order_id=card.id, now=at)).id

    async def vote(person: int, order: int, at: datetime, decision: Decision = Decision.APPROVE) -> str:
        comment = "Уточнить сроки" if decision is not Decision.APPROVE else None
        card = await uc.vote(db, actor_id=person, order_id=order, decision=decision, comment=comment, now=at)
        return card.number

    a = await submitted(T)
    await vote(world.approver, a, T + 2 * H)  # commercial: 2 h
    await vote(world.finance, a, T + 6 * H)  # finance: 6 h
    b = await submitted(T + H)
    await vote(world.finance, b, T + 2 * H)  # finance: 1 h
    await vote(second.id, b, T + 5 * H)  # commercial, by the second approver: 4 h
    c = await submitted(T + H)
    returned = await vote(world.approver, c, T + 90 * MIN, Decision.RETURN)  # commercial: 30 min; finance withdrawn

    await uc.load_route(
        db,
        route={
            "name": "Сначала коммерческий, потом финансовый",
            "steps": [
                {"title": COMMERCIAL, "role": "approver"},
                {"title": FINANCE, "person": 1006, "min_amount": 20000},
            ],
        },
    )
    d = await submitted(T + 3 * H)
    await vote(world.approver, d, T + 4 * H)  # commercial: 1 h, and the finance step opens
    await vote(world.finance, d, T + 4 * H + 45 * MIN)  # finance: 45 min from then, not from the submission
    e = await submitted(T + 3 * H)
    await vote(world.approver, e, T + 3 * H + 30 * MIN)  # commercial: 30 min (a decision, though voided below)
    async with db.unit_of_work() as session:
        deferred = PaymentTerms(name="Отсрочка 30 дней", instalments=[])
        session.add(deferred)
        await session.flush()
    restarted = await uc.set_contract_and_terms(
        db, actor_id=world.manager, order_id=e, contract_id=world.contract, payment_terms_id=deferred.id, now=T + 5 * H
    )  # the route starts over at T+5h
    await vote(world.approver, e, T + 7 * H)  # commercial, second round: 2 h; the finance step opens at T+7h
    untouched = await uc.get_order(db, viewer_id=world.manager, order_id=await submitted(T + 6 * H), now=T)
    return Story(world, second.id, returned, restarted.number, untouched.number)


def figures(times: DecisionTimes) -> tuple[str | None, int, timedelta, timedelta]:
    return times.approver_name, times.count, times.median, times.p90


async def test_time_to_decide_runs_from_the_step_opening_to_the_vote_per_step_and_per_approver(db: Database) -> None:
    await approvals_at_known_times(db)
    report = await uc.approval_report(db, start=DAY, end=DAY, time_zone=MOSCOW, now=T + 8 * H)

    assert report.decisions == 9
    commercial, finance = report.steps
    # 30 min, 30 min, 1 h, 2 h, 2 h, 4 h: the median between the 3rd and 4th, the 90th at 4.5 of 5 gaps
    assert figures(commercial.overall) == (None, 6, 90 * MIN, 3 * H)
    assert [figures(a) for a in commercial.by_approver] == [
        ("Орлов Глеб", 1, 4 * H, 4 * H),
        ("Петров Пётр", 5, H, 2 * H),
    ]
    assert commercial.by_approver[1].approver_telegram_id == 1002
    # 45 min (opened by the commercial approval), 1 h, 6 h; C's finance step was withdrawn, nobody's decision
    assert figures(finance.overall) == (None, 3, H, 5 * H)
    assert [figures(a) for a in finance.by_approver] == [("Смирнова Ольга", 3, H, 5 * H)]


async def test_the_orders_waiting_now_say_since_when_longest_first(db: Database) -> None:
    story = await approvals_at_known_times(db)
    report = await uc.approval_report(db, start=DAY, end=DAY, time_zone=MOSCOW, now=T + 8 * H)

    assert report.waiting_total == 2
    assert [(w.number, w.step, w.person_name, w.since, w.waited) for w in report.waiting] == [
        (story.untouched, COMMERCIAL, None, T + 6 * H, 2 * H),
        (story.restarted, FINANCE, "Смирнова Ольга", T + 7 * H, H),
    ]
    assert story.returned not in [w.number for w in report.waiting]
    shortened = await uc.approval_report(db, start=DAY, end=DAY, time_zone=MOSCOW, now=T + 8 * H, waiting_shown=1)
    assert shortened.waiting_total == 2 and [w.number for w in shortened.waiting] == [story.untouched]


async def test_decisions_outside_the_period_are_not_counted(db: Database) -> None:
    await approvals_at_known_times(db)
    next_day = await uc.approval_report(
        db, start=DAY + timedelta(days=1), end=DAY + timedelta(days=7), time_zone=MOSCOW, now=T + 8 * H
    )
    assert next_day.decisions == 0 and next_day.steps == ()
    assert next_day.waiting_total == 2  # waiting is about now, whatever the period


async def test_a_period_that_ends_before_it_starts_is_refused(db: Database) -> None:
    with pytest.raises(DomainError) as error:
        await uc.approval_report(db, start=DAY, end=DAY - timedelta(days=1), time_zone=MOSCOW, now=T)
    assert error.value.code is ErrorCode.PERIOD_INVALID
    assert error.value.params == {"start": "2026-11-30", "end": "2026-11-29"}


async def test_an_empty_database_gives_an_empty_report(db: Database) -> None:
    report = await uc.approval_report(db, start=DAY, end=DAY, time_zone=MOSCOW, now=T)
    assert report == ApprovalReport(
        start=DAY, end=DAY, time_zone=MOSCOW, decisions=0, steps=(), waiting=(), waiting_total=0
    )


# --- through the command line ---


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated, empty database for the command line to open by ORDERBOT_DATABASE_URL."""
    if request.param == "sqlite":
        path = tmp_path / "orderbot.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = sqlite_url(path)
    else:
        url = request.getfixturevalue("postgres_url")
        asyncio.run(_emptied(url))
    monkeypatch.setenv("ORDERBOT_DATABASE_URL", url)
    monkeypatch.setenv("ORDERBOT_TIME_ZONE", MOSCOW)
    yield url


async def _emptied(url: str) -> None:
    db = await empty_postgres(url)
    await db.dispose()


def with_story(url: str) -> Story:
    async def build() -> Story:
        db = Database(url)
        try:
            return await approvals_at_known_times(db)
        finally:
            await db.dispose()

    return asyncio.run(build())


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_report_approvals_prints_the_figures_and_the_orders_waiting(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    story = with_story(database_url)
    code, out, _ = run(capsys, "report", "approvals", "--from", "2026-11-30", "--to", "30.11.2026", "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Approval decisions from 30 Nov 2026 to 30 Nov 2026: 9"
    assert f"{COMMERCIAL}: 6 decisions, median 1 h 30 min, 90th percentile 3 h" in lines
    assert "   • Петров Пётр (1002): 5, median 1 h, 90th percentile 2 h" in lines
    assert "   • Орлов Глеб (1010): 1, median 4 h, 90th percentile 4 h" in lines
    assert f"{FINANCE}: 3 decisions, median 1 h, 90th percentile 5 h" in lines
    assert "Waiting for a decision now: 2" in lines
    waiting = [line for line in lines if line.startswith((story.untouched, story.restarted))]
    assert waiting[0].startswith(f"{story.untouched} — {COMMERCIAL} — Approver: since 30 Nov 2026, 18:00 (")
    assert waiting[1].startswith(f"{story.restarted} — {FINANCE} — Смирнова Ольга (1006): since 30 Nov 2026, 19:00 (")


def test_report_approvals_speaks_russian_by_default(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with_story(database_url)
    code, out, _ = run(capsys, "report", "approvals", "--from", "2026-11-30", "--to", "2026-11-30")
    assert code == 0
    assert out.startswith("Решений по согласованию с 30.11.2026 по 30.11.2026: 9")
    assert f"{COMMERCIAL}: решений — 6, медиана 1 ч 30 мин, 90-й процентиль 3 ч" in out
    assert "Ждут решения сейчас: 2" in out


def test_report_approvals_of_an_empty_period_says_so(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "approvals", "--from", "2026-11-01", "--to", "2026-11-30", "--lang", "en")
    assert code == 0
    assert "No decisions in this period." in out and "Nothing waits for a decision now." in out


def test_report_approvals_refuses_a_period_backwards_and_a_date_it_cannot_read(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "report", "approvals", "--from", "2026-12-01", "--to", "2026-11-01")
    assert code == 2
    assert "Период начинается 01.12.2026 — позже, чем кончается (01.11.2026)" in err
    code, _, err = run(capsys, "report", "approvals", "--from", "31.02.2026", "--to", "2026-11-01")
    assert code == 2 and "not a date: '31.02.2026' (type 2026-11-30 or 30.11.2026)" in err
    code, _, err = run(capsys, "report", "approvals", "--to", "2026-11-01")
    assert code == 2 and "--from" in err
