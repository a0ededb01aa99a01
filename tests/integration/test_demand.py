"""Demand analysis on a fixture worked out by hand: every figure of the report, who sees what, the periods
at their edges, the file and the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.demand_workbook import SHEETS, demand_rows, demand_workbook, sheet_words
from cli.main import main
from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.models import Decision, Order
from core.stages import Stage
from core.use_cases import cancel_reasons as reasons
from core.use_cases.cancel_reasons import restore_default_reasons
from core.use_cases.demand import Figures, demand_report
from core.use_cases.lines import LineInput
from tests.conftest import empty_postgres, sqlite_url
from tests.integration.world import SOON, World, make_world

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
D = Decimal


def at(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@dataclass
class Demand:
    world: World
    ids: dict[str, int]


async def november(db: Database) -> Demand:
    """Requests of November 2026 (Moscow), and two just outside it; prices: ВК-12 2 500,50 ₽, ВЗ-100 150,00 ₽ a metre.

    A Иванова, Ромашка, 02.11: 10 ВК-12 = 25 005,00, approved: in execution.
    B Иванова, Ромашка, 03.11: 20,5 м ВЗ-100 = 3 075,00, left a request (never confirmed).
    C Иванова, Уралмаш, 10.11: 4 ВК-12 = 10 002,00, cancelled: the price.
    D Кузнецов, Уралмаш, 11.11: 2 ВК-12 + 10 м ВЗ-100 = 6 501,00, cancelled: other, in words.
    E Кузнецов, Ромашка, 17.11: 1 ВК-12 = 2 500,50, approved, then cancelled from execution: a competitor.
    H Иванова, Уралмаш, 30.11 23:30 Moscow: no lines yet.
    F (31.10 23:00 Moscow) and G (01.12 00:30 Moscow): outside November.
    """
    world = await make_world(db)
    await restore_default_reasons(db)  # PostgreSQL's test database is emptied, catalogue and all
    fan = {"Исполнение": "IP44"}

    async def request(when: datetime, manager: int, customer: int, *lines: tuple[int, str]) -> int:
        card = await uc.register_request(
            db,
            actor_id=manager,
            counterparty_id=customer,
            now=when,
            lines=[
                LineInput(item_id=item, quantity=quantity, required_by=SOON, options=fan if item == world.fan else {})
                for item, quantity in lines
            ],
        )
        return card.id

    async def to_execution(order_id: int, manager: int, when: datetime) -> None:
        await uc.set_contract_and_terms(db, actor_id=manager, order_id=order_id, contract_id=world.contract,
                                        payment_terms_id=world.terms, now=when)  # fmt: skip
        await uc.submit_for_approval(db, actor_id=manager, order_id=order_id, now=when)
        card = await uc.vote(db, actor_id=world.approver, order_id=order_id, decision=Decision.APPROVE, now=when)
        assert card.stage is Stage.EXECUTION

    me, other = world.manager, world.other_manager
    a = await request(at(2, 10), me, world.customer, (world.fan, "10"))
    await to_execution(a, me, at(2, 12))
    b = await request(at(3, 10), me, world.customer, (world.duct, "20.5"))
    c = await request(at(10, 10), me, world.other_customer, (world.fan, "4"))
    await uc.cancel(db, actor_id=me, order_id=c, reason_code="price", now=at(10, 12))
    d = await request(at(11, 10), other, world.other_customer, (world.fan, "2"), (world.duct, "10"))
    await uc.cancel(db, actor_id=other, order_id=d, reason_code="other", reason="Объект заморожен", now=at(11, 12))
    e = await request(at(17, 10), other, world.customer, (world.fan, "1"))
    await to_execution(e, other, at(17, 11))
    await uc.cancel(db, actor_id=world.approver, order_id=e, reason_code="competitor", now=at(18, 10))
    h = await request(at(30, 20, 11), me, world.other_customer)
    f = await request(at(31, 20, 10), me, world.customer, (world.fan, "100"))
    g = await request(at(30, 21, 11).replace(minute=30), me, world.customer, (world.fan, "100"))
    return Demand(world=world, ids={"A": a, "B": b, "C": c, "D": d, "E": e, "H": h, "F": f, "G": g})


def figures(requests: int, reached: int, cancelled: int, requested: str, ordered: str) -> Figures:
    return Figures(requests=requests, reached=reached, cancelled=cancelled, requested=D(requested), ordered=D(ordered))


async def test_every_figure_of_november_as_the_head_of_sales_sees_it(db: Database) -> None:
    story = await november(db)
    report = await demand_report(db, viewer_id=story.world.approver, start=NOVEMBER[0], end=NOVEMBER[1], now=NOW)
    assert not report.own_only and report.currency == "RUB"
    # A B C D E H; A and E reached execution; C D E cancelled
    assert report.total == figures(6, 2, 3, "47083.50", "27505.50")
    assert report.total.conversion == D("33.3")
    assert [(r.code, r.name, r.count, r.value) for r in report.reasons] == [
        ("price", "Не устроила цена", 1, D("10002.00")),
        ("competitor", "Ушли к конкуренту", 1, D("2500.50")),
        ("other", "Другое", 1, D("6501.00")),
    ]
    assert [(i.code, i.unit, i.quantity, i.value, i.requests) for i in report.items] == [
        ("ВК-12", "шт", D("17"), D("42508.50"), 4),  # 10 + 4 + 2 + 1, the cancelled and unconfirmed included
        ("ВЗ-100", "м", D("30.5"), D("4575.00"), 2),
    ]
    assert report.items_total == 2
    assert [(w.name, w.figures) for w in report.counterparties] == [
        ("ООО «Ромашка»", figures(3, 2, 1, "30580.50", "27505.50")),
        ("АО «Уралмашзавод»", figures(3, 0, 2, "16503.00", "0.00")),
    ]
    assert [(w.name, w.figures) for w in report.managers] == [
        ("Иванова Анна", figures(4, 1, 1, "38082.00", "25005.00")),
        ("Кузнецов Дмитрий", figures(2, 1, 2, "9001.50", "2500.50")),
    ]
    assert [(w.monday, w.figures) for w in report.weeks] == [
        (date(2026, 10, 26), figures(0, 0, 0, "0.00", "0.00")),  # Sunday 01.11 only
        (date(2026, 11, 2), figures(2, 1, 0, "28080.00", "25005.00")),
        (date(2026, 11, 9), figures(2, 0, 2, "16503.00", "0.00")),
        (date(2026, 11, 16), figures(1, 1, 1, "2500.50", "2500.50")),
        (date(2026, 11, 23), figures(0, 0, 0, "0.00", "0.00")),
        (date(2026, 11, 30), figures(1, 0, 0, "0.00", "0.00")),
    ]


async def test_a_manager_sees_only_the_requests_they_are_responsible_for(db: Database) -> None:
    story = await november(db)
    report = await demand_report(db, viewer_id=story.world.manager, start=NOVEMBER[0], end=NOVEMBER[1], now=NOW)
    assert report.own_only
    assert report.total == figures(4, 1, 1, "38082.00", "25005.00")  # A B C H
    assert report.total.conversion == D("25.0")
    assert [(r.code, r.count) for r in report.reasons] == [("price", 1)]
    assert [(i.code, i.quantity, i.value) for i in report.items] == [
        ("ВК-12", D("14"), D("35007.00")),
        ("ВЗ-100", D("20.5"), D("3075.00")),
    ]
    assert [(w.name, w.figures) for w in report.counterparties] == [
        ("ООО «Ромашка»", figures(2, 1, 0, "28080.00", "25005.00")),
        ("АО «Уралмашзавод»", figures(2, 0, 1, "10002.00", "0.00")),
    ]
    assert [w.name for w in report.managers] == ["Иванова Анна"]


async def test_a_period_with_only_cancelled_requests_converts_nothing(db: Database) -> None:
    story = await november(db)
    report = await demand_report(
        db, viewer_id=story.world.head_only, start=date(2026, 11, 10), end=date(2026, 11, 11), now=NOW
    )
    assert report.total == figures(2, 0, 2, "16503.00", "0.00")
    assert report.total.conversion == D("0.0")
    assert [(r.code, r.count) for r in report.reasons] == [("price", 1), ("other", 1)]


async def test_an_empty_period_has_no_figures_but_its_weeks(db: Database) -> None:
    story = await november(db)
    report = await demand_report(
        db, viewer_id=story.world.approver, start=date(2026, 9, 1), end=date(2026, 9, 30), now=NOW
    )
    assert report.empty and report.total == figures(0, 0, 0, "0.00", "0.00") and report.total.conversion is None
    assert report.reasons == () and report.items == () and report.counterparties == () and report.managers == ()
    assert len(report.weeks) == 5 and report.weeks[0].monday == date(2026, 8, 31)


async def test_a_request_counts_on_the_day_it_was_registered_on_the_viewers_calendar(db: Database) -> None:
    story = await november(db)
    head = story.world.approver
    october = await demand_report(db, viewer_id=head, start=date(2026, 10, 31), end=date(2026, 10, 31), now=NOW)
    december = await demand_report(db, viewer_id=head, start=date(2026, 12, 1), end=date(2026, 12, 1), now=NOW)
    assert october.total.requests == 1 and october.total.requested == D("250050.00")  # F, 23:00 in Moscow
    assert december.total.requests == 1  # G, 00:30 in Moscow on the 1st


@pytest.mark.parametrize("role", ["planner", "accountant", "admin", "finance"])
async def test_demand_is_refused_to_whoever_is_neither_head_nor_manager(db: Database, role: str) -> None:
    world = await make_world(db)
    with pytest.raises(DomainError) as refused:
        await demand_report(db, viewer_id=world.person(role), start=NOVEMBER[0], end=NOVEMBER[1], now=NOW)
    assert refused.value.code is ErrorCode.DEMAND_NOT_FOR_ROLE


async def test_a_period_that_ends_before_it_starts_is_refused(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(DomainError) as refused:
        await demand_report(db, viewer_id=world.approver, start=date(2026, 11, 30), end=date(2026, 11, 1), now=NOW)
    assert refused.value.code is ErrorCode.PERIOD_INVALID


async def test_the_excel_file_holds_the_numbers_of_the_report_a_sheet_per_section(db: Database) -> None:
    story = await november(db)
    report = await demand_report(db, viewer_id=story.world.approver, start=NOVEMBER[0], end=NOVEMBER[1], now=NOW)
    book = load_workbook(io.BytesIO(demand_workbook(report, sheet_words("ru"))))
    assert book.sheetnames == ["Итоги", "Отмены", "Номенклатура", "Клиенты", "Менеджеры", "Недели"]
    for name, which in zip(book.sheetnames, SHEETS, strict=True):
        cells = [list(row) for row in book[name].iter_rows(min_row=2, values_only=True)]
        if which == "summary":
            cells = [row[1:] for row in cells]
        assert cells == _as_excel(demand_rows(report, which)), which
    summary = {row[0]: row[1] for row in book["Итоги"].iter_rows(min_row=2, values_only=True)}
    assert summary["Зарегистрировано заявок"] == 6 and summary["Конверсия, %"] == pytest.approx(33.3)
    assert summary["Запрошено на сумму"] == pytest.approx(47083.50) and summary["Заказано на сумму"] == 27505.5


def _as_excel(rows: list[list[object]]) -> list[list[object]]:
    """What openpyxl reads back: numbers as numbers, dates as midnight."""
    return [
        [
            float(v) if isinstance(v, Decimal) else datetime(v.year, v.month, v.day) if isinstance(v, date) else v
            for v in row
        ]
        for row in rows
    ]


async def test_a_cancel_takes_a_catalogue_reason_or_other_with_words(db: Database) -> None:
    story = await november(db)
    async with db.reading() as session:
        cancelled = {key: await session.get(Order, story.ids[key]) for key in ("C", "D", "E")}
    assert cancelled["C"] is not None and cancelled["C"].cancel_reason_code == "price"
    assert cancelled["C"].cancel_reason == "Не устроила цена"
    assert cancelled["D"] is not None and cancelled["D"].cancel_reason_code == "other"
    assert cancelled["D"].cancel_reason == "Объект заморожен"
    assert cancelled["E"] is not None and cancelled["E"].cancel_reason_code == "competitor"


async def test_a_cancel_refuses_an_unknown_or_retired_reason_and_other_without_words(db: Database) -> None:
    world = await make_world(db)
    await restore_default_reasons(db)
    card = await uc.register_request(db, actor_id=world.manager, counterparty_id=world.customer, now=NOW)
    for code, words, refusal in (
        ("weather", "", ErrorCode.CANCEL_REASON_UNKNOWN),
        ("other", "—", ErrorCode.REASON_REQUIRED),
    ):
        with pytest.raises(DomainError) as refused:
            await uc.cancel(db, actor_id=world.manager, order_id=card.id, reason_code=code, reason=words, now=NOW)
        assert refused.value.code is refusal
    await reasons.retire_reason(db, code="no_stock")
    with pytest.raises(DomainError) as refused:
        await uc.cancel(db, actor_id=world.manager, order_id=card.id, reason_code="no_stock", now=NOW)
    assert refused.value.code is ErrorCode.CANCEL_REASON_UNKNOWN and "no_stock" not in refused.value.params["known"]
    done = await uc.cancel(db, actor_id=world.manager, order_id=card.id, reason_code="postponed", now=NOW)
    assert done.stage is Stage.CANCELLED and done.cancel_reason == "Клиент отложил закупку"


async def test_the_catalogue_is_edited_by_code_and_refuses_bad_codes(db: Database) -> None:
    await restore_default_reasons(db)
    added = await reasons.add_reason(db, code="No_Capacity", name="Нет мощностей")
    assert added.code == "no_capacity" and not added.needs_text
    await reasons.rename_reason(db, code="no_capacity", name="Нет производственных мощностей")
    await reasons.retire_reason(db, code="no_capacity")
    offered = [r.code for r in await reasons.cancel_reasons(db)]
    assert offered == ["price", "lead_time", "competitor", "no_stock", "postponed", "other"]
    every = {r.code: r for r in await reasons.cancel_reasons(db, with_retired=True)}
    assert every["no_capacity"].retired and every["no_capacity"].name == "Нет производственных мощностей"
    for call, code in (
        (reasons.add_reason(db, code="price", name="Дорого"), ErrorCode.CANCEL_REASON_TAKEN),
        (reasons.add_reason(db, code="1st", name="Первая"), ErrorCode.CANCEL_REASON_CODE_INVALID),
        (reasons.add_reason(db, code="цена", name="Цена"), ErrorCode.CANCEL_REASON_CODE_INVALID),
        (reasons.rename_reason(db, code="weather", name="Погода"), ErrorCode.CANCEL_REASON_UNKNOWN),
        (reasons.retire_reason(db, code="other"), ErrorCode.CANCEL_REASON_BUILT_IN),
    ):
        with pytest.raises(DomainError) as refused:
            await call
        assert refused.value.code is code
    assert await restore_default_reasons(db) == 0


# --- through the command line ---


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated database holding November's requests, for the command line to open by ORDERBOT_DATABASE_URL."""
    if request.param == "sqlite":
        path = tmp_path / "orderbot.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = sqlite_url(path)
    else:
        url = request.getfixturevalue("postgres_url")
    asyncio.run(_with_november(url, emptied=request.param == "postgres"))
    monkeypatch.setenv("ORDERBOT_DATABASE_URL", url)
    monkeypatch.setenv("ORDERBOT_TIME_ZONE", "Europe/Moscow")
    yield url


async def _with_november(url: str, *, emptied: bool) -> None:
    db = await empty_postgres(url) if emptied else Database(url)
    try:
        await november(db)
    finally:
        await db.dispose()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_report_demand_prints_the_table_csv_and_the_same_file_as_the_chat(
    database_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    period = ("--from", "2026-11-01", "--to", "30.11.2026")
    code, out, _ = run(capsys, "report", "demand", *period)
    assert code == 0 and "Зарегистрировано заявок: 6" in out and "Дошли до исполнения: 2 (33,3 %)" in out
    assert "Не устроила цена — 1" in out and "Иванова Анна" in out
    code, out, _ = run(capsys, "report", "demand", *period, "--format", "csv", "--lang", "en")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and ["Requests registered", "6"] in rows and ["Value requested", "47083.50"] in rows
    assert ["price", "Не устроила цена", "1", "10002.00"] in rows
    target = tmp_path / "demand.xlsx"
    code, out, _ = run(capsys, "report", "demand", *period, "--format", "xlsx", "--output", str(target))
    assert code == 0 and out.strip() == str(target)
    assert load_workbook(target)["Итоги"]["B4"].value == 6
    code, out, _ = run(capsys, "report", "demand", *period, "--as", "1001")
    assert code == 0 and "Спрос по вашим заявкам" in out and "Зарегистрировано заявок: 4" in out


def test_report_demand_refuses_a_planner_and_a_reversed_period(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "report", "demand", "--from", "2026-11-01", "--to", "2026-11-30", "--as", "1003")
    assert code == 2 and "руководители отдела продаж и менеджеры" in err
    code, _, err = run(capsys, "report", "demand", "--from", "2026-11-30", "--to", "2026-11-01")
    assert code == 2 and "позже" in err


def test_the_reasons_catalogue_is_edited_from_the_command_line(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "reasons", "add", "no_capacity", "Нет мощностей")
    assert code == 0 and "Причина добавлена." in out and "no_capacity — Нет мощностей" in out
    code, out, _ = run(capsys, "reasons", "rename", "no_capacity", "Нет мощностей в декабре")
    assert code == 0 and "no_capacity — Нет мощностей в декабре" in out
    code, out, _ = run(capsys, "reasons", "retire", "no_capacity", "--lang", "en")
    assert code == 0 and "no_capacity — Нет мощностей в декабре (retired)" in out
    code, out, _ = run(capsys, "reasons", "list")
    assert code == 0 and "other — Другое (просит пояснение)" in out
    code, _, err = run(capsys, "reasons", "retire", "weather")
    assert code == 2 and "Причины «weather» среди предлагаемых нет" in err
    code, _, err = run(capsys, "reasons", "add", "Нет-кода", "Что-то")
    assert code == 2 and "не годится в код причины" in err
