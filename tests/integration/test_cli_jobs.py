"""`orderbot jobs` and `orderbot notifications`, run in-process on a SQLite file with the demo company."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cli.main import main


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "orderbot.sqlite3"
    monkeypatch.setenv("ORDERBOT_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("ORDERBOT_TIME_ZONE", "Europe/Moscow")
    assert main(["demo-data"]) == 0
    return path


def test_jobs_list_names_every_job_with_its_cadence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "list", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "fan_out — every 5 s" in out and "release_held — every 60 s" in out
    assert "approval_reminders — every 60 s" in out


def test_running_the_fan_out_twice_at_one_moment_writes_notices_once(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(demo) as connection:  # the demo's history, as if nobody had been told of it yet
        connection.execute("UPDATE outbox_events SET processed_at = NULL")
    capsys.readouterr()
    assert main(["jobs", "run", "fan_out", "--at", "2026-12-01 12:00", "--lang", "en"]) == 0
    first = capsys.readouterr().out
    assert "fan_out as of 1 Dec 2026, 12:00:" in first
    notices = int(first.split("notices: ")[1].split()[0])
    assert notices > 0
    assert main(["jobs", "run", "fan_out", "--at", "2026-12-01 12:00", "--lang", "en"]) == 0
    assert "notices: 0" in capsys.readouterr().out
    assert main(["notifications", "list", "--status", "pending", "--lang", "en"]) == 0
    assert capsys.readouterr().out.count(" pending → ") == min(notices, 50)


def test_retrying_when_nothing_failed_says_so_in_russian(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["notifications", "retry"]) == 0
    assert "Уведомлений к повторной отправке: 0" in capsys.readouterr().out
    assert main(["notifications", "list", "--status", "failed"]) == 0
    assert "Уведомлений нет." in capsys.readouterr().out


def test_a_moment_typed_wrongly_is_refused_with_the_format_to_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "run", "fan_out", "--at", "tomorrow"]) == 2
    assert 'type it as "YYYY-MM-DD HH:MM"' in capsys.readouterr().err
