"""`orderbot prices load` and `orderbot import stock` on a SQLite file, in-process: all rows or none."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from cli.main import main
from core.db import Database
from core.migrate import upgrade
from tests.conftest import sqlite_url
from tests.integration.world import make_world


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


async def _world(path: Path) -> None:
    db = Database(sqlite_url(path))
    await upgrade(db)
    await make_world(db)
    await db.dispose()


@pytest.fixture
def world_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "orderbot.sqlite3"
    asyncio.run(_world(path))
    monkeypatch.setenv("ORDERBOT_DATABASE_URL", sqlite_url(path))
    return tmp_path


def test_a_customers_price_list_loads_from_the_command_line(
    world_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prices = world_file / "prices.csv"
    prices.write_text("item;price\nВК-12;2 300,00\nВЗ-100;140\n", encoding="utf-8")
    argv = ("prices", "load", str(prices), "--list", "Ромашка 2026", "--counterparty", "7707083893")
    code, out, err = run(capsys, *argv, "--from", "01.11.2026", "--to", "2026-12-31", "--lang", "en")
    assert (code, err) == (0, "")
    assert "Loaded 2 prices into «Ромашка 2026», the list of ООО «Ромашка»." in out
    assert "In force from 1 Nov 2026 to 31 Dec 2026." in out


def test_a_price_file_with_bad_rows_is_refused_row_by_row(world_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prices = world_file / "prices.csv"
    prices.write_text("item;price\nВК-12;2300\nВК-99;1\nВЗ-100;-3\n", encoding="utf-8")
    code, out, err = run(capsys, "prices", "load", str(prices), "--lang", "en")
    assert code == 2 and out == ""
    assert "Nothing was imported: 2 rows are wrong (rows 3, 4)." in err
    assert "Row 3: No item with the code ВК-99 in the catalogue." in err and "Row 4:" in err


def test_stock_imports_from_the_command_line_and_a_bad_file_imports_nothing(
    world_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stock = world_file / "stock.csv"
    stock.write_text('item,warehouse,on_hand\nВК-12,Основной,5\nВЗ-100,Основной,"12,5"\n', encoding="utf-8")
    code, out, _ = run(capsys, "import", "stock", str(stock), "--lang", "en")
    assert code == 0 and "Imported 2 stock rows; new item-warehouse balances: 2." in out
    stock.write_text("item,warehouse,on_hand\nВК-12,Основной,7\nВК-12,,1\n", encoding="utf-8")
    code, out, err = run(capsys, "import", "stock", str(stock))
    assert code == 2 and "Ничего не загружено" in err and "Строка 3: Не указан склад" in err
