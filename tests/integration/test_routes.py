"""The approval route as data: loaded whole or refused whole, and a new route only for orders submitted after it."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cli.main import main
from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.models import ApprovalRoute, Decision, OrderApprovalStep, StepState
from core.roles import Role
from core.stages import Stage
from core.use_cases.routes import RouteProblemKind as Kind
from tests.conftest import empty_postgres, sqlite_url
from tests.integration.world import NOW, make_world, order_in, request_with_line

EXAMPLE = Path(__file__).parents[2] / "docs" / "route.example.toml"

SEQUENTIAL = """
name = "Маршрут с финансовым контролем"

[[steps]]
title = "Коммерческий директор"
role = "approver"

[[steps]]
title = "Финансовый директор"
person = 1006
min_amount = "1000.00"
"""

# One file with something wrong in every step, and in the route itself.
BROKEN = """
name = "Новый маршрут"
colour = "red"

[[steps]]
title = "Коммерческое согласование"
role = "approver"
parallel = true

[[steps]]
title = "Финансовое согласование"
role = "boss"
min_amount = -5

[[steps]]
title = "финансовое согласование"
person = 9999
min_amount = "много"
parallel = "yes"
treshold = 5

[[steps]]
title = "Плановый отдел"
role = "manager"

[[steps]]
person = 1001
"""


def refused(error: pytest.ExceptionInfo[DomainError]) -> list[tuple[Kind, int | None]]:
    assert error.value.code is ErrorCode.ROUTE_INVALID
    return [(problem.kind, problem.step) for problem in error.value.params["problems"]]


async def routes_in(db: Database) -> tuple[int, int]:
    """How many routes are kept, and how many of them are in force."""
    async with db.reading() as session:
        kept = await session.scalar(select(func.count(ApprovalRoute.id)))
        in_force = await session.scalar(select(func.count(ApprovalRoute.id)).where(ApprovalRoute.is_default.is_(True)))
    return int(kept or 0), int(in_force or 0)


# --- through the use case ---


async def test_the_world_and_its_route_are_built_through_the_use_case(db: Database) -> None:
    world = await make_world(db, finance_threshold=Decimal("20000"))
    route = await uc.current_route(db)
    assert route is not None and route.name == "Стандартный маршрут"
    assert [(s.position, s.title, s.role, s.person_telegram_id, s.min_amount, s.parallel) for s in route.steps] == [
        (1, "Коммерческое согласование", Role.APPROVER, None, None, False),
        (2, "Финансовое согласование", Role.APPROVER, 1006, Decimal("20000.00"), True),
    ]
    assert route.steps[1].person_name == "Смирнова Ольга"
    assert world.finance  # the named person is the world's finance approver


async def test_a_new_route_applies_to_orders_submitted_afterwards_and_orders_in_approval_keep_their_steps(
    db: Database,
) -> None:
    world = await make_world(db)
    before = await order_in(world, Stage.APPROVAL)  # 25 005,00 ₽: only the commercial step of the old route
    assert [(s.title, s.state) for s in before.steps] == [("Коммерческое согласование", StepState.PENDING)]

    loaded = await uc.load_route(db, route=uc.read_route_file(SEQUENTIAL))

    assert [s.title for s in loaded.steps] == ["Коммерческий директор", "Финансовый директор"]
    assert loaded.steps[1].role is Role.APPROVER  # a step naming only a person takes the person's role
    assert await routes_in(db) == (2, 1)  # the old route is kept, out of force
    after = await request_with_line(world)
    after = await uc.submit_for_approval(db, actor_id=world.manager, order_id=after.id, now=NOW)
    assert [(s.title, s.state) for s in after.steps] == [
        ("Коммерческий директор", StepState.PENDING),
        ("Финансовый директор", StepState.WAITING),
    ]
    async with db.reading() as session:
        copied = (await session.scalars(select(OrderApprovalStep).where(OrderApprovalStep.order_id == after.id))).all()
    assert [(s.role, s.person_id) for s in sorted(copied, key=lambda s: s.position)] == [
        ("approver", None),
        ("approver", world.finance),
    ]
    kept = await uc.get_order(db, viewer_id=world.manager, order_id=before.id, now=NOW)
    assert [(s.title, s.state) for s in kept.steps] == [("Коммерческое согласование", StepState.PENDING)]
    done = await uc.vote(db, actor_id=world.approver, order_id=before.id, decision=Decision.APPROVE, now=NOW)
    assert done.stage is Stage.EXECUTION  # the old route's one step was all it needed


async def test_the_example_file_shipped_with_the_code_loads(db: Database) -> None:
    await make_world(db)
    route = await uc.load_route(db, route=uc.read_route_file(EXAMPLE.read_text(encoding="utf-8")))
    assert route.name == "Основной маршрут согласования"
    assert [(s.title, s.person_telegram_id, s.min_amount, s.parallel) for s in route.steps] == [
        ("Коммерческое согласование", None, None, False),
        ("Финансовое согласование", 1006, Decimal("500000.00"), True),
    ]


async def test_a_route_file_with_errors_is_refused_whole_with_every_problem_and_its_step(db: Database) -> None:
    await make_world(db)
    in_force = await uc.current_route(db)
    with pytest.raises(DomainError) as error:
        await uc.load_route(db, route=uc.read_route_file(BROKEN))
    assert refused(error) == [
        (Kind.UNKNOWN_FIELD, None),
        (Kind.FIRST_STEP_PARALLEL, 1),
        (Kind.ROLE_UNKNOWN, 2),
        (Kind.THRESHOLD_NEGATIVE, 2),
        (Kind.UNKNOWN_FIELD, 3),
        (Kind.THRESHOLD_INVALID, 3),
        (Kind.PARALLEL_NOT_BOOLEAN, 3),
        (Kind.TITLE_DUPLICATE, 3),
        (Kind.PERSON_UNKNOWN, 3),
        (Kind.ROLE_CANNOT_DECIDE, 4),
        (Kind.TITLE_MISSING, 5),
        (Kind.PERSON_LACKS_ROLE, 5),  # 1001 is a sales manager, not an approver
    ]
    problems = error.value.params["problems"]
    assert problems[2].value == "boss" and problems[2].known == "approver"
    assert problems[7].other == 2  # the same title, whatever its case, as step 2
    assert await uc.current_route(db) == in_force
    assert await routes_in(db) == (1, 1)


def test_a_file_that_is_not_toml_is_refused_with_its_line() -> None:
    with pytest.raises(DomainError) as error:
        uc.read_route_file('name = "Маршрут"\n\n[[steps]]\ntitle = "Без кавычки\nrole = "approver"\n')
    assert refused(error) == [(Kind.SYNTAX, None)]
    assert error.value.params["problems"][0].line == 4


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ({"name": "Пустой", "steps": []}, [(Kind.NO_STEPS, None)]),
        ({"name": "Без шагов"}, [(Kind.NO_STEPS, None)]),
        ({"name": "Одна таблица", "steps": {"title": "Шаг"}}, [(Kind.STEPS_NOT_A_LIST, None)]),
        ({"steps": [{"title": "Шаг", "role": "approver"}]}, [(Kind.NAME_MISSING, None)]),
        ({"name": "  ", "steps": ["approver"]}, [(Kind.NAME_MISSING, None), (Kind.STEP_NOT_A_TABLE, 1)]),
        ({"name": "Кто решает?", "steps": [{"title": "Шаг"}]}, [(Kind.ROLE_MISSING, 1)]),
        ({"name": "Кто?", "steps": [{"title": "Шаг", "person": "Фёдоров"}]}, [(Kind.PERSON_NOT_A_NUMBER, 1)]),
        ({"name": "Длинный", "steps": [{"title": "Ш" * 201, "role": "approver"}]}, [(Kind.TITLE_TOO_LONG, 1)]),
    ],
)
async def test_a_route_without_what_it_needs_is_refused_saying_what(
    db: Database, route: dict[str, object], expected: list[tuple[Kind, int | None]]
) -> None:
    with pytest.raises(DomainError) as error:
        await uc.load_route(db, route=route)
    assert refused(error) == expected


async def test_a_person_named_on_two_steps_is_refused_since_they_decide_one_step_of_an_order(db: Database) -> None:
    await make_world(db)
    twice = {"name": "Дважды", "steps": [{"title": "Первый", "person": 1006}, {"title": "Второй", "person": "1006"}]}
    with pytest.raises(DomainError) as error:
        await uc.load_route(db, route=twice)
    assert refused(error) == [(Kind.PERSON_TWICE, 2)]
    assert error.value.params["problems"][0].other == 1


@pytest.mark.parametrize(
    ("threshold", "stored"),
    [
        ("500000.50", Decimal("500000.50")),
        (Decimal("1000.5"), Decimal("1000.50")),
        (0, Decimal("0.00")),
        (1e3, Decimal("1000.00")),
    ],
)
async def test_a_threshold_is_read_as_an_exact_amount(db: Database, threshold: object, stored: Decimal) -> None:
    route = await uc.load_route(
        db, route={"name": "М", "steps": [{"title": "Ш", "role": "approver", "min_amount": threshold}]}
    )
    assert route.steps[0].min_amount == stored


@pytest.mark.parametrize("threshold", ["много", "100.555", True, [100], float("nan")])
async def test_a_threshold_that_is_no_amount_is_refused(db: Database, threshold: object) -> None:
    with pytest.raises(DomainError) as error:
        await uc.load_route(
            db, route={"name": "М", "steps": [{"title": "Ш", "role": "approver", "min_amount": threshold}]}
        )
    assert refused(error) == [(Kind.THRESHOLD_INVALID, 1)]


async def test_two_routes_loaded_at_once_leave_exactly_one_in_force(db: Database) -> None:
    await make_world(db)
    first = {"name": "Первый", "steps": [{"title": "Ш", "role": "approver"}]}
    second = {"name": "Второй", "steps": [{"title": "Ш", "role": "approver"}]}
    await asyncio.gather(uc.load_route(db, route=first), uc.load_route(db, route=second))
    assert await routes_in(db) == (3, 1)
    route = await uc.current_route(db)
    assert route is not None and route.name in ("Первый", "Второй")


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
    yield url


async def _emptied(url: str) -> None:
    db = await empty_postgres(url)
    await db.dispose()


def with_world(url: str) -> None:
    async def build() -> None:
        db = Database(url)
        try:
            await make_world(db)
        finally:
            await db.dispose()

    asyncio.run(build())


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_routes_show_lists_each_step_with_who_decides_the_threshold_and_its_turn(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with_world(database_url)
    code, out, _ = run(capsys, "routes", "show", "--lang", "en")
    assert code == 0
    assert out.splitlines() == [
        "Approval route “Стандартный маршрут”:",
        "1. Коммерческое согласование",
        "   • decides: anyone with the role Approver (approver)",
        "   • applies to: every order",
        "   • runs: first",
        "2. Финансовое согласование",
        "   • decides: Смирнова Ольга, Telegram id 1006, in the role Approver (approver)",
        "   • applies to: orders of 500,000.00 or more",
        "   • runs: together with step 1",
    ]


def test_routes_load_puts_the_file_in_force_and_says_for_which_orders(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_world(database_url)
    route_file = tmp_path / "route.toml"
    route_file.write_text(SEQUENTIAL, encoding="utf-8")
    code, out, _ = run(capsys, "routes", "load", str(route_file))
    assert code == 0
    assert out.startswith("Маршрут загружен. Он действует для заказов, отправленных на согласование с этого момента")
    assert "2. Финансовый директор\n   • решает: Смирнова Ольга, Telegram id 1006, в роли «Согласующий»" in out
    assert "для заказов: на сумму от 1\u00a0000,00" in out
    assert "очерёдность: после шага 1" in out
    code, shown, _ = run(capsys, "routes", "show")
    assert code == 0 and "Маршрут согласования «Маршрут с финансовым контролем»:" in shown


def test_routes_load_refuses_a_broken_file_listing_every_problem_and_changes_nothing(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_world(database_url)
    route_file = tmp_path / "route.toml"
    route_file.write_text(BROKEN, encoding="utf-8")
    code, out, err = run(capsys, "routes", "load", str(route_file))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0] == "Маршрут «Новый маршрут» не загружен; действующий маршрут остался прежним."
    assert len([line for line in lines if line.startswith("• ")]) == 12
    assert "• Шаг 2 «Финансовое согласование»: роли «boss» не существует; шаг может требовать роль: approver." in lines
    assert "• Шаг 3 «финансовое согласование»: ни у кого из действующих сотрудников нет Telegram id 9999" in err
    assert '• Шаг 5: нет названия: напишите title = "…".' in lines
    assert lines[-1] == "Исправьте файл и загрузите его снова."
    code, shown, _ = run(capsys, "routes", "show", "--lang", "en")
    assert "Approval route “Стандартный маршрут”:" in shown


def test_routes_load_names_the_line_of_a_file_that_is_not_toml(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    route_file = tmp_path / "route.toml"
    route_file.write_text('name = "Маршрут"\n[[steps]\n', encoding="utf-8")
    code, _, err = run(capsys, "routes", "load", str(route_file), "--lang", "en")
    assert code == 2
    assert err.startswith("The route was not loaded; the route in force stays as it was.\n• Line 2, column ")


def test_routes_load_of_a_missing_file_says_it_cannot_read_it(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "routes", "load", str(tmp_path / "nowhere.toml"))
    assert code == 2 and "cannot read" in err and "nowhere.toml" in err


def test_routes_show_without_a_route_says_how_to_load_one(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "routes", "show")
    assert code == 0
    assert "Маршрута согласования ещё нет" in out and "orderbot routes load" in out
