"""`orderbot run` that cannot start safely says why and which setting to change, and starts nothing."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.main import main

BOT_VARIABLES = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET", "ORDERBOT_SANDBOX_PORT")


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "orderbot.sqlite3"
    monkeypatch.setenv("ORDERBOT_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.chdir(tmp_path)  # no .env of a developer's own is read
    for name in BOT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another process listens on, as a first `orderbot run` does."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def test_a_webhook_without_a_secret_is_refused_with_how_to_set_one(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:not-used")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.com/telegram")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_WEBHOOK_SECRET" in err and "forged updates" in err and "secrets.token_urlsafe" in err
    assert not database.exists(), "the bot refused before it opened anything"


def test_a_webhook_secret_telegram_would_refuse_is_refused_before_starting(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:not-used")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.com/telegram")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "with spaces!")
    assert main(["run"]) == 2
    assert "A-Z, a-z, 0-9, _ and -" in capsys.readouterr().err


def test_a_second_run_on_a_busy_port_names_the_port_and_the_setting_that_moves_it(
    database: Path, busy_port: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ORDERBOT_SANDBOX_PORT", str(busy_port))
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert f"port {busy_port} is already in use" in err
    assert f"ORDERBOT_SANDBOX_PORT={busy_port + 1}" in err
    assert "database or settings error" not in err


def test_the_sandbox_command_on_a_busy_port_says_the_same(
    database: Path, busy_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sandbox", "--port", str(busy_port)]) == 2
    assert f"port {busy_port} is already in use" in capsys.readouterr().err
