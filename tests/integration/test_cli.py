"""The `orderbot` command line, run in-process on a SQLite file named by ORDERBOT_DATABASE_URL."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.main import main
from cli.texts import activity_name, money, stage_name
from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode, NotFound
from core.settings import Settings
from core.stages import Stage
from core.use_cases.people import parse_role
from core.views import OrderPage
from templates import error_message


def url_of(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database with the demo loaded, for the tests that only read it."""
    path = tmp_path_factory.mktemp("demo") / "orderbot.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ORDERBOT_DATABASE_URL", url_of(path))
        assert main(["demo-data"]) == 0
    return path


@pytest.fixture
def demo(demo_file: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ORDERBOT_DATABASE_URL", url_of(demo_file))
    monkeypatch.setenv("COLUMNS", "200")
    return demo_file


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "orderbot.sqlite3"
    monkeypatch.setenv("ORDERBOT_DATABASE_URL", url_of(path))
    monkeypatch.setenv("COLUMNS", "200")
    yield path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def refusal(error: DomainError, lang: str = "ru") -> str:
    return error_message(error, lang=lang, html=False)


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and all(command in out for command in ("db", "demo-data", "orders", "people"))
    for group, commands in (
        ("db", ("upgrade", "downgrade", "current")),
        ("orders", ("list", "show")),
        ("people", ("add", "grant", "revoke", "limit", "list")),
    ):
        code, out, _ = run(capsys, group, "--help")
        assert code == 0 and all(command in out for command in commands), group


def test_the_registry_of_the_demo_shows_the_first_order_the_count_and_the_totals(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "orders", "list", "--page-size", "50")

    page = asyncio.run(_admin_page(demo))
    assert code == 0 and not err
    assert "ЗС-000001" in out and stage_name("execution", "ru") in out
    assert f"Заказов: {page.total_count}" in out and "Страница 1 из 1" in out
    assert f"Итого: {money(page.totals[0], 'ru')}" in out


def test_the_registry_filters_by_stage_person_and_counterparty_and_pages(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, archived, _ = run(capsys, "orders", "list", "--stage", "archived", "--lang", "en")
    _, mine, _ = run(capsys, "orders", "list", "--mine-of", "1001", "--page-size", "50")
    _, romashka, _ = run(capsys, "orders", "list", "--counterparty", "ромашка")
    _, paged, _ = run(capsys, "orders", "list", "--page", "2", "--page-size", "10")

    assert "Orders: 2" in archived and stage_name("archived", "en") in archived
    assert "Иванова Анна Сергеевна" in mine and "Кузнецов Дмитрий Олегович" not in mine
    assert "ООО «Ромашка»" in romashka and "АО «Уралмашзавод»" not in romashka
    assert "Страница 2 из 3" in paged


def test_an_order_card_shows_lines_approvals_and_the_journal_by_stage(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "orders", "show", "зс-000001")

    assert code == 0
    for text in ("ЗС-000001", "АО «Уралмашзавод»", "ВР-80-75-6.3", "Коммерческое согласование", "ДП-004"):
        assert text in out
    assert activity_name("registered", "ru") in out and stage_name("approval", "ru") in out


def test_an_order_in_approval_shows_what_still_keeps_it_from_execution(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = asyncio.run(_orders_in_approval())
    assert page.rows, "the demo has orders in approval"
    code, out, _ = run(capsys, "orders", "show", page.rows[0].number, "--lang", "en")
    assert code == 0 and "Before execution: not every approval is given yet" in out


async def _orders_in_approval() -> OrderPage:
    db = Database(Settings().database_url)
    try:
        admin = next(person for person in await uc.list_people(db) if person.telegram_id == 1002)
        return await uc.list_orders(db, viewer_id=admin.id, filters=uc.OrderFilter(stages=(Stage.APPROVAL,)))
    finally:
        await db.dispose()


def test_an_unknown_order_number_exits_2_with_the_refusal(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "orders", "show", "ЗС-999999", "--lang", "en")

    assert code == 2 and not out
    assert err.strip() == refusal(NotFound(ErrorCode.ORDER_NOT_FOUND, number="ЗС-999999"), "en")


def test_a_second_demo_load_is_refused_politely(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "demo-data")
    assert code == 1 and "--reset" in err and not out


def test_people_are_added_granted_revoked_and_listed(empty: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "people",
        "add",
        "--name",
        "Орлов Игорь Петрович",
        "--telegram-id",
        "2001",
        "--role",
        "manager",
        "--approval-limit",
        "250000",
    )
    assert code == 0 and "Орлов Игорь Петрович" in out and "manager" in out
    code, out, _ = run(capsys, "people", "grant", "2001", "approver")
    assert code == 0 and "approver" in out and "manager" in out
    code, out, _ = run(capsys, "people", "revoke", "2001", "manager")
    assert code == 0 and "(manager)" not in out
    code, out, _ = run(capsys, "people", "list", "--lang", "en")
    assert code == 0 and "2001" in out and "Approver" in out


def test_an_approval_limit_is_set_shown_in_the_list_and_cleared(
    empty: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "people", "add", "--name", "Орлов Игорь Петрович", "--telegram-id", "2001", "--role", "approver")
    limit = "500\u00a0000,00"  # sums are grouped by no-break spaces
    code, out, _ = run(capsys, "people", "limit", "2001", "500000")
    assert code == 0 and limit in out
    code, out, _ = run(capsys, "people", "list")
    assert code == 0 and limit in out
    code, out, _ = run(capsys, "people", "limit", "2001", "none")
    assert code == 0 and limit not in out
    code, out, _ = run(capsys, "people", "list")
    assert code == 0 and limit not in out


def test_a_limit_that_is_no_amount_exits_2_saying_what_to_type(empty: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "people", "add", "--name", "Орлов Игорь Петрович", "--telegram-id", "2001", "--role", "approver")
    code, _, err = run(capsys, "people", "limit", "2001", "полмиллиона")
    assert code == 2 and err.strip() == refusal(DomainError(ErrorCode.APPROVAL_LIMIT_INVALID, value="полмиллиона"))
    assert "none" in err and "Traceback" not in err
    code, _, err = run(capsys, "people", "limit", "4040", "1000")
    assert code == 2 and err.strip() == refusal(NotFound(ErrorCode.PERSON_NOT_FOUND, value="4040"))


def test_a_bad_role_or_an_unknown_person_exits_2_with_a_clear_message(
    empty: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "people", "add", "--name", "Орлов И. П.", "--telegram-id", "2001", "--role", "boss")
    with pytest.raises(DomainError) as bad_role:
        parse_role("boss")
    assert code == 2 and err.strip() == refusal(bad_role.value) and "boss" in err

    code, _, err = run(capsys, "people", "grant", "4040", "manager")
    assert code == 2 and err.strip() == refusal(NotFound(ErrorCode.PERSON_NOT_FOUND, value="4040"))

    code, _, err = run(capsys, "orders", "list", "--from", "вчера")
    assert code == 2 and "not a date" in err and "Traceback" not in err


def test_the_demo_goes_into_a_database_with_people_only_after_a_reset(
    empty: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "people", "add", "--name", "Иванов Иван", "--telegram-id", "1001", "--role", "admin")

    code, _, err = run(capsys, "demo-data")
    assert code == 2 and "1001" in err
    code, out, _ = run(capsys, "demo-data", "--reset")
    assert code == 0 and "Иванова Анна Сергеевна" in out


def test_the_schema_is_upgraded_downgraded_and_reported(empty: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and "(newest)" in out
    code, out, _ = run(capsys, "db", "downgrade", "base")
    assert code == 0 and "none (empty)" in out
    code, out, _ = run(capsys, "db", "current")
    assert code == 0 and "none (empty)" in out
    code, _, err = run(capsys, "db", "downgrade", "no-such-revision")
    assert code == 2 and "Traceback" not in err


async def _admin_page(path: Path) -> OrderPage:
    db = Database(url_of(path))
    try:
        admin = await uc.identify(db, telegram_id=1000)
        assert admin is not None
        return await uc.list_orders(db, viewer_id=admin.id, limit=50)
    finally:
        await db.dispose()


@pytest.mark.parametrize("typed", ["27", "ZS-000027", "zs27", "зс-27"])
def test_an_order_is_shown_by_the_number_however_it_is_typed_as_in_the_bot(
    demo: Path, capsys: pytest.CaptureFixture[str], typed: str
) -> None:
    code, out, err = run(capsys, "orders", "show", typed.replace("27", "1"))

    assert code == 0 and not err
    assert "ЗС-000001" in out


def test_the_tables_speak_russian(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, listing, _ = run(capsys, "orders", "list")
    _, card, _ = run(capsys, "orders", "show", "1")

    for heading in ("Номер", "Зарегистрирован", "Стадия", "Контрагент", "Итого"):
        assert heading in listing, heading
    for heading in ("Номенклатура", "Количество", "Дата потребности", "История", "Когда", "Маржа"):
        assert heading in card, heading
    for english in ("Number", "Registered", "Counterparty", "Quantity", "Required by", "History", "Margin"):
        assert english not in listing + card, english


def test_dates_are_never_cut_short_at_80_columns(
    demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    _, listing, _ = run(capsys, "orders", "list")
    _, card, _ = run(capsys, "orders", "show", "1")

    assert len(re.findall(r"\d\d\.\d\d\.2026 \d\d:\d\d", listing)) == 10  # one whole moment a row
    assert re.search(r"\d\d\.\d\d\.2026 ", card)
    assert not re.search(r"\d\d\.\d\d\.(20|2|202)?…", listing + card)


def test_an_english_card_names_units_in_english(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, english, _ = run(capsys, "orders", "show", "1", "--lang", "en")
    _, russian, _ = run(capsys, "orders", "show", "1")

    assert " pcs" in english and " шт" not in english
    assert " шт" in russian
