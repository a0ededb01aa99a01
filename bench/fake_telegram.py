"""The least a Bot API server can be for an echo bot: getUpdates and sendMessage from a queue.

The yardstick for the emulator's speed: it parses the same requests and answers the same JSON,
and does nothing else (no validation, no state but a queue and a counter).
"""

import asyncio
import contextlib
import json
import time
from collections import deque
from typing import Any

from aiohttp import web


class FakeTelegram:
    def __init__(self) -> None:
        self.updates: deque[dict[str, Any]] = deque()
        self.sent = 0
        self._next_id = 1
        self._arrived = asyncio.Event()
        self._bot = {"id": 1, "is_bot": True, "first_name": "Fake", "username": "fake_bot"}

    def add_text(self, user_id: int, text: str) -> None:
        chat = {"id": user_id, "type": "private", "first_name": "U"}
        message = {"message_id": self._next_id, "date": int(time.time()), "chat": chat, "text": text,
                   "from": {"id": user_id, "is_bot": False, "first_name": "U"}}
        self.updates.append({"update_id": self._next_id, "message": message})
        self._next_id += 1
        self._arrived.set()

    async def handle(self, request: web.Request) -> web.Response:
        params = {key: str(value) for key, value in (await request.post()).items()}
        method = request.match_info["method"]
        result: Any = True
        if method == "getMe":
            result = self._bot
        elif method == "getUpdates":
            offset = int(params.get("offset", 0))
            while self.updates and self.updates[0]["update_id"] < offset:
                self.updates.popleft()
            if not self.updates:
                self._arrived.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), float(params.get("timeout", 0)) or 0.001)
            result = list(self.updates)[: int(params.get("limit", 100))]
        elif method == "sendMessage":
            self.sent += 1
            result = {"message_id": 10**6 + self.sent, "date": int(time.time()), "from": self._bot,
                      "chat": {"id": int(params["chat_id"]), "type": "private"}, "text": params["text"]}
        return web.Response(text=json.dumps({"ok": True, "result": result}), content_type="application/json")


async def start_fake(fake: FakeTelegram) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"
