"""`python -m sandbox --port N`: run the Telegram Bot API emulator on its own until interrupted."""

import argparse
import asyncio
import contextlib
import signal
import sys

from sandbox.emulator import DEFAULT_BOT_NAME, DEFAULT_BOT_USERNAME
from sandbox.server import RunningSandbox, serve_forever


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    parser.add_argument("--webchat-port", type=int, default=None,
                        help="also serve the web chat page on this port (0: a free one; default: no page)")
    parser.add_argument("--strict", action="store_true",
                        help="check every request and answer against the Bot API contract, and refuse bare &")
    parser.add_argument("--bot-name", default=DEFAULT_BOT_NAME, help="the bot's first_name in getMe")
    parser.add_argument("--bot-username", default=DEFAULT_BOT_USERNAME, help="the bot's username in getMe")
    args = parser.parse_args(argv)

    def announce(running: RunningSandbox) -> None:
        print(running.base_url, flush=True)  # one line, so a script can read the address
        if running.webchat_url:
            print(f"web chat: {running.webchat_url}", file=sys.stderr, flush=True)

    async def serve_until_stopped() -> None:
        # Explicit handlers, because a process started in the background inherits SIGINT ignored,
        # and Python then never raises KeyboardInterrupt: Ctrl+C and SIGTERM must stop it all the same.
        server = asyncio.ensure_future(serve_forever(args.host, args.port, on_ready=announce, strict=args.strict,
                                                     webchat_port=args.webchat_port,
                                                     bot_first_name=args.bot_name, bot_username=args.bot_username))
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, server.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await server

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_until_stopped())


if __name__ == "__main__":
    main()
