"""Notification dispatchers in processes of their own, to be killed: `python -m tests.e2e.dispatcher_process`.

Importing the bot takes seconds and a fork a millisecond, so this process imports it once and then,
for each `start` line read on stdin, forks a dispatcher and answers its pid; `wait PID` answers how
that process ended (`killed 9`, `exited 1`). A dispatcher claims with a short lease, sends to the
Bot API server it was given and never stops by itself. Its clock is the wall clock moved by
`--offset` seconds, the same in every child, so a lease one child wrote means the same to the next.
When stdin closes, the children still alive are killed and the process exits.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import traceback
from datetime import UTC, datetime, timedelta

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.notices.dispatcher import Dispatcher, DispatchSettings
from core.db import Database


def worker_name(pid: int) -> str:
    """What a dispatcher in process `pid` writes into the rows it claims (`claimed_by`)."""
    return f"killable:{pid}"


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.e2e.dispatcher_process", description=__doc__)
    parser.add_argument("--database", required=True, help="the SQLAlchemy URL of the database")
    parser.add_argument("--api", required=True, help="the Bot API base URL, python-telegram-bot's form (…/bot)")
    parser.add_argument("--token", required=True)
    parser.add_argument("--lease", type=float, default=1.0, help="seconds a claim lasts")
    parser.add_argument("--offset", type=float, default=0.0, help="seconds the clock stands ahead of the wall clock")
    return parser.parse_args(argv)


async def dispatch(args: argparse.Namespace) -> None:
    """One dispatcher, as every bot process runs it, until the process is killed."""
    offset = timedelta(seconds=args.offset)
    bot = Bot(args.token, base_url=args.api, request=HTTPXRequest(connection_pool_size=8))
    await bot.initialize()
    settings = DispatchSettings(poll=0.1, lease=timedelta(seconds=args.lease), send_timeout=600.0)
    dispatcher = Dispatcher(
        bot,
        Database(args.database),
        clock=lambda: datetime.now(UTC) + offset,
        worker=worker_name(os.getpid()),
        settings=settings,
    )
    dispatcher.start()
    await asyncio.Event().wait()


def child(args: argparse.Namespace) -> None:
    """The forked dispatcher: it reads nothing of the parent's stdin and writes its output to stderr."""
    try:
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(2, 1)
        logging.basicConfig(level=logging.INFO, format=f"{os.getpid()} %(asctime)s %(name)s %(message)s")
        asyncio.run(dispatch(args))
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(1)  # never back into the parent's loop


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    alive: set[int] = set()
    answer("ready")
    while line := sys.stdin.readline():
        command, *rest = line.split() or [""]
        if command == "start":
            pid = os.fork()
            if pid == 0:
                child(args)
            alive.add(pid)
            answer(str(pid))
        elif command == "wait":
            pid = int(rest[0])
            _, status = os.waitpid(pid, 0)
            alive.discard(pid)
            ended = f"killed {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exited {os.WEXITSTATUS(status)}"
            answer(ended)
        else:
            answer(f"unknown command {command!r}: start, or wait PID")
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def answer(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
