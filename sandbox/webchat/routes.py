"""The web chat's HTTP routes: the page's three files, each chat's live transcript, and the control API.

GET /                                  the page
GET /webchat/{index.html|app.js|style.css}
GET /webchat/chats/{chat_id}/events    server-sent events: `transcript` with the chat as the control
                                       API's GET /__control/chats/{chat_id} renders it, at once and on
                                       every new revision; a comment line every few seconds keeps it open
/__control/...                         the control API, as on the emulator's own port
"""

import json
import time
from pathlib import Path

from aiohttp import web

from sandbox.control import EMULATOR, NotFound, control_app
from sandbox.emulator import Emulator
from sandbox.signals import Signal, wait_any
from sandbox.transcript import render_chat

HERE = Path(__file__).parent
FILES = {
    "index.html": "text/html",
    "app.js": "text/javascript",
    "style.css": "text/css",
}
KEEPALIVE_SECONDS = 15.0


class Closing(Signal):
    """Fired when the server stops, so that open event streams end at once instead of holding the shutdown."""

    fired = False

    def fire(self) -> None:
        self.fired = True
        super().fire()


CLOSING = web.AppKey("closing", Closing)


def webchat_app(emulator: Emulator) -> web.Application:
    app = web.Application()
    app[EMULATOR] = emulator
    app[CLOSING] = Closing()
    app.on_shutdown.append(_close_streams)
    app.router.add_get("/", page)
    app.router.add_get("/webchat/{name}", page_file)
    app.router.add_get("/webchat/chats/{chat_id}/events", chat_events)
    app.add_subapp("/__control/", control_app(emulator))
    return app


async def page(_request: web.Request) -> web.Response:
    return _file("index.html")


async def page_file(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in FILES:
        raise web.HTTPNotFound()
    return _file(name)


def _file(name: str) -> web.Response:
    return web.Response(
        body=(HERE / name).read_bytes(),
        content_type=FILES[name],
        charset="utf-8",
        headers={"Cache-Control": "no-cache"},
    )


async def chat_events(request: web.Request) -> web.StreamResponse:
    """The chat's transcript now and after every change, until the page goes away."""
    try:
        chat_id = int(request.match_info["chat_id"])
    except ValueError:
        raise web.HTTPBadRequest(text="chat_id must be an integer") from None
    world = request.app[EMULATOR].world_for_control()
    chat = world.chats.get(chat_id)
    if chat is None:
        raise web.HTTPNotFound(text=str(NotFound(f"no chat {chat_id}")))
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)
    base_url = f"{request.scheme}://{request.host}"
    closing = request.app[CLOSING]
    sent = -1
    try:
        while not closing.fired:
            if chat.revision != sent:
                sent = chat.revision
                transcript = json.dumps(render_chat(world, chat, base_url), ensure_ascii=False)
                await response.write(f"event: transcript\ndata: {transcript}\n\n".encode())
            else:
                await response.write(b": still here\n\n")
            deadline = time.monotonic() + KEEPALIVE_SECONDS
            while chat.revision == sent and not closing.fired and time.monotonic() < deadline:
                await wait_any(chat.changed, closing, within=deadline - time.monotonic())
    except ConnectionError:
        pass  # the page was closed or reloaded
    return response


async def _close_streams(app: web.Application) -> None:
    app[CLOSING].fire()
