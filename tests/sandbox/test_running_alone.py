"""`python -m sandbox --port N` runs the emulator on its own and prints where it listens."""

import asyncio
import signal
import sys

import aiohttp

from sandbox.server import start


async def test_the_command_prints_its_base_url_and_serves_the_bot_api() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sandbox", "--port", "0", "--strict", stdout=asyncio.subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode().strip()
        assert line.startswith("http://127.0.0.1:")
        async with aiohttp.ClientSession() as session, session.get(f"{line}/bot42:token/getMe") as response:
            assert (await response.json())["result"]["id"] == 42
    finally:
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 10) == 0


async def test_started_in_a_program_it_listens_on_the_port_it_was_given() -> None:
    probe = await start(port=0)
    port = probe.port
    await probe.stop()
    running = await start("127.0.0.1", port)
    try:
        assert running.base_url == f"http://127.0.0.1:{port}"
        assert running.bot_api_url == f"http://127.0.0.1:{port}/bot"
        async with aiohttp.ClientSession() as session, session.get(f"{running.bot_api_url}1:x/getMe") as response:
            assert response.status == 200
    finally:
        await running.stop()


async def test_it_stops_on_sigint_even_when_started_with_sigint_ignored() -> None:
    """A background job inherits SIGINT ignored; Ctrl+C (or the shell's kill -INT) must still stop the emulator."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sandbox",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode().strip()
        assert line.startswith("http://127.0.0.1:")
    finally:
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 10) == 0
