"""The ways to talk to the sandbox that `orderbot run` prints and the README shows work as written."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.runner import print_sandbox_help
from tests.e2e.conftest import RunningBot

README = Path(__file__).parents[2] / "README.md"


async def shell(script: str) -> str:
    process = await asyncio.create_subprocess_exec(
        "bash", "-euo", "pipefail", "-c", script, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


def chats(output: str) -> list[dict[str, Any]]:
    """The chats the commands printed, one JSON object after another."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while (at := output.find("{", at)) != -1:
        chat, at = decoder.raw_decode(output, at)
        found.append(chat)
    return found


async def slow_bot(running_bot: RunningBot) -> None:
    """Telegram (and so the bot) a second slow to answer: a read that does not wait sees no answer."""
    for method in ("sendMessage", "editMessageText"):
        await running_bot.sandbox.add_fault("delay", method=method, seconds=1)


@pytest.mark.parametrize("demo_db", ["sqlite"], indirect=True)
async def test_the_readme_example_reads_the_chat_only_after_the_bot_has_answered(running_bot: RunningBot) -> None:
    block = re.search(r"```sh\n(SANDBOX=.*?)```", README.read_text(), flags=re.DOTALL)
    assert block is not None, "the README shows how to talk to the sandbox"
    script = block.group(1).replace("http://127.0.0.1:8081", running_bot.sandbox.base_url)
    await slow_bot(running_bot)
    listing, paged = chats(await shell(script))
    assert "wait_revision_gt" in block.group(1)
    assert listing["messages"][-1]["from"] == "bot" and "1–10 из 12" in listing["messages"][-1]["text"]
    assert paged["settled"] is True and "11–12 из 12" in paged["messages"][-1]["text"]


@pytest.mark.parametrize("demo_db", ["sqlite"], indirect=True)
async def test_what_make_run_prints_reads_the_chat_only_after_the_bot_has_answered(
    running_bot: RunningBot, capsys: pytest.CaptureFixture[str]
) -> None:
    print_sandbox_help(running_bot.sandbox.base_url, "sandbox_bot")
    printed = capsys.readouterr().out
    commands = [line.strip() for line in printed.splitlines() if line.strip().startswith(("R=", "curl"))]
    assert len(commands) == 2 and "wait_revision_gt=$R" in commands[1]
    await slow_bot(running_bot)
    (chat,) = chats(await shell("\n".join(commands)))
    assert chat["messages"][-1]["from"] == "bot" and "Реестр заказов" in chat["messages"][-1]["text"]
