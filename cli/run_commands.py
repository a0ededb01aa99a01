"""`orderbot run` (the bot and its jobs) and `orderbot sandbox` (the local Telegram)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from collections.abc import Iterator

from bot.runner import PortBusy, run
from bot.settings import BotSettings, UnsafeSettings
from cli.common import Subparsers, UsageError
from core.settings import Settings


def register(commands: Subparsers) -> None:
    bot = commands.add_parser(
        "run", help="run the bot: against Telegram with TELEGRAM_BOT_TOKEN, else against the local sandbox"
    )
    bot.set_defaults(command=run_bot)
    sandbox = commands.add_parser("sandbox", help="run the bot against the local sandbox with the demo company")
    sandbox.add_argument("--emulator-only", action="store_true", help="only the Bot API emulator, no bot")
    sandbox.add_argument("--port", type=int, default=None, help="the emulator's port (default 8081)")
    sandbox.add_argument("--strict", action="store_true", help="check every call against the Bot API contract")
    sandbox.add_argument("--webchat-port", type=int, default=None, help="the web chat page's port (default 8080)")
    sandbox.set_defaults(command=run_sandbox)


def run_bot(_args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with refused_start(), contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(Settings(), BotSettings()))
    return 0


def run_sandbox(args: argparse.Namespace) -> int:
    settings = BotSettings()
    port = args.port if args.port is not None else settings.sandbox_port
    if args.emulator_only:
        from sandbox.__main__ import main as emulator

        webchat = args.webchat_port if args.webchat_port is not None else settings.webchat_port
        emulator(["--port", str(port), "--webchat-port", str(webchat), *(["--strict"] if args.strict else [])])
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with refused_start(), contextlib.suppress(KeyboardInterrupt):
        ports = {"sandbox_port": port, **({"webchat_port": args.webchat_port} if args.webchat_port is not None else {})}
        asyncio.run(run(Settings(), settings.model_copy(update={"token": "", **ports})))
    return 0


@contextlib.contextmanager
def refused_start() -> Iterator[None]:
    """A bot that cannot start says why and what to change, as a usage error (exit 2), not a database error."""
    try:
        yield
    except (PortBusy, UnsafeSettings) as refusal:
        raise UsageError(str(refusal)) from refusal
