"""`orderbot mps` and `orderbot import progress` on a SQLite file, in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ORDERBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'orderbot.sqlite3'}")
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["demo-data"]) == 0
    return tmp_path


def test_replenishing_from_the_command_line_previews_then_plans_once(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code, dry, _ = run(capsys, "mps", "replenish", "--dry-run", "--lang", "en")
    assert code == 0 and ("Would plan" in dry or "Nothing to plan" in dry)
    code, done, _ = run(capsys, "mps", "replenish", "--lang", "en")
    assert code == 0 and ("Planned" in done or "Nothing to plan" in done)
    code, again, _ = run(capsys, "mps", "replenish", "--lang", "en")
    assert code == 0 and "Nothing to plan" in again
    code, listed, _ = run(capsys, "mps", "list", "--lang", "en")
    assert code == 0 and "Shown" in listed


def test_a_progress_file_with_a_bad_row_is_refused_row_by_row(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "mps", "replenish")
    bad = demo / "progress.csv"
    bad.write_text("order;line;produced;cost\nЗС-999999;1;1;0\n;1;1;0\n", encoding="utf-8")
    code, _out, err = run(capsys, "import", "progress", str(bad), "--lang", "en")
    assert code == 2
    assert "Nothing was imported" in err and "Row 2:" in err and "Row 3:" in err
