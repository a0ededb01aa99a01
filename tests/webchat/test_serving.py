"""Serving the web chat, without a browser: the page's files, the people it lists, the live stream, the port."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from cli.main import main
from sandbox.server import open_webchat
from sandbox.testing import SandboxClient, running_sandbox


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxClient]:
    async with running_sandbox() as client:
        yield client


async def test_the_page_and_only_its_own_files_are_served(sandbox: SandboxClient) -> None:
    assert sandbox.running is not None
    url = await open_webchat(sandbox.running)
    async with aiohttp.ClientSession() as http:
        for path, kind in (
            ("/", "text/html"),
            ("/webchat/app.js", "text/javascript"),
            ("/webchat/style.css", "text/css"),
        ):
            async with http.get(url + path) as response:
                assert (response.status, response.content_type) == (200, kind)
        for path in ("/webchat/routes.py", "/webchat/..%2f__init__.py", "/webchat/chats/1/events"):
            async with http.get(url + path) as response:
                assert response.status == 404, path


async def test_people_are_listed_with_the_label_the_runner_gave_and_nothing_of_it_reaches_the_bot(
    sandbox: SandboxClient,
) -> None:
    await sandbox.register_user(1002, first_name="Сергей", last_name="Петров", label="approver, head")
    [person] = (await sandbox.request("GET", "/users"))["users"]
    assert (person["id"], person["label"], person["started"]) == (1002, "approver, head", True)
    assert "label" not in sandbox.world.users[1002].to_api()


async def test_a_chat_streams_its_transcript_at_once_and_again_on_each_change(sandbox: SandboxClient) -> None:
    assert sandbox.running is not None
    url = await open_webchat(sandbox.running)
    anna = sandbox.user(1001, first_name="Анна")
    await anna.send_nowait("/start")
    async with aiohttp.ClientSession() as http, http.get(f"{url}/webchat/chats/1001/events") as stream:
        assert stream.content_type == "text/event-stream"
        first = await next_transcript(stream)
        await anna.send_nowait("ещё")
        second = await next_transcript(stream)
    assert [m["text"] for m in first["messages"]] == ["/start"]
    assert [m["text"] for m in second["messages"]] == ["/start", "ещё"]


async def next_transcript(stream: aiohttp.ClientResponse) -> dict[str, object]:
    async for line in stream.content:
        if line.startswith(b"data: "):
            transcript: dict[str, object] = json.loads(line[len(b"data: ") :])
            return transcript
    raise AssertionError("the stream ended")


def test_a_busy_web_chat_port_names_the_setting_that_moves_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ORDERBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'orderbot.sqlite3'}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    with socket.socket() as holder, socket.socket() as free:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        free.bind(("127.0.0.1", 0))
        busy, sandbox_port = holder.getsockname()[1], free.getsockname()[1]
        free.close()
        monkeypatch.setenv("ORDERBOT_WEBCHAT_PORT", str(busy))
        assert main(["sandbox", "--port", str(sandbox_port)]) == 2
    err = capsys.readouterr().err
    assert f"port {busy} is already in use" in err and f"ORDERBOT_WEBCHAT_PORT={busy + 1}" in err
