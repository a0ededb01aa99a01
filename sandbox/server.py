"""The emulator's HTTP face: the Bot API at /bot<token>/<method>, files, and the control API.

Start it inside a running asyncio program with `await start(host, port)`, or on its own with
`await serve_forever(host, port)` (what `python -m sandbox` does).
"""

import asyncio
import contextlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web

from sandbox import contract, errors
from sandbox.control import EMULATOR, control_app
from sandbox.emulator import Emulator
from sandbox.faults import FaultRule
from sandbox.methods import HANDLERS, Answer, Call
from sandbox.state import BotWorld, Chat
from sandbox.webchat.routes import webchat_app

TOKEN = re.compile(r"(\d{1,20}):[A-Za-z0-9_-]{1,200}")
SHUTDOWN_GRACE_SECONDS = 1.0
# What nginx in front of Telegram answers when the backend is down; clients get HTML, not JSON.
_HTML_ERROR = "<html>\r\n<head><title>{0} {1}</title></head>\r\n<body>\r\n<center><h1>{0} {1}</h1></center>\r\n" \
              "<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
_JSON_HEADERS = {"Content-Type": "application/json"}
# How Telegram names a JSON parameter it cannot parse, where that differs from the parameter's name.
_JSON_PARAMETER_NAMES = {"reply_markup": "reply keyboard markup"}


def create_app(emulator: Emulator) -> web.Application:
    app = web.Application(client_max_size=60 * 1024 * 1024)
    app[EMULATOR] = emulator
    app.router.add_route("*", "/bot{token}/{method}", bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", download_file)
    app.add_subapp("/__control/", control_app(emulator))
    return app


# --- the Bot API ---


async def bot_api(request: web.Request) -> web.StreamResponse:
    emulator = request.app[EMULATOR]
    name = request.match_info["method"]
    spec = emulator.spec.method(name)  # method names are case-insensitive, as on Telegram
    emulator.stats.calls[spec.name if spec else name] += 1
    token = TOKEN.fullmatch(request.match_info["token"])
    if token is None:
        return _refusal(emulator, errors.UNAUTHORIZED)
    if spec is None:
        return _refusal(emulator, errors.NOT_FOUND)
    handler = HANDLERS.get(name.lower())
    if handler is None:
        return _refusal(emulator, errors.ApiError(501, f"Not Implemented: the sandbox does not emulate {spec.name}"))
    world = emulator.world_for_bot(int(token.group(1)))
    try:
        params = contract.decode_params(spec, await _read_params(request))
    except contract.UndecodableParameter as bad:
        named = _JSON_PARAMETER_NAMES.get(bad.name, bad.name.replace("_", " "))
        return _refusal(emulator, errors.bad_request(f"can't parse {named} JSON object"))
    except errors.ApiError as refusal:
        return _refusal(emulator, refusal)
    _resolve_attachments(params)
    if emulator.strict:
        problems = contract.check_request(emulator.spec, spec, params)
        if problems:
            return _contract_broken(emulator, problems)
    call = Call(emulator, world, spec.name, params)
    rule = emulator.faults.match(spec.name, params) if emulator.faults.rules else None
    if rule is not None:
        emulator.stats.faults += 1
        return await _serve_fault(request, rule, lambda: _answer(call, handler, spec))
    return await _answer(call, handler, spec)


async def _answer(call: Call, handler: Callable[[Call], Awaitable[Any]], spec: contract.MethodSpec) -> web.Response:
    emulator, world = call.emulator, call.world
    chat = _touched_chat(world, call.params)
    if chat is not None:
        chat.bot_call_started(emulator.clock.monotonic())
    try:
        if emulator.limits.realistic and chat is not None:
            retry_after = emulator.limits.retry_after(world.bot.id, spec.name, chat.id, chat.type)
            if retry_after is not None:
                emulator.stats.rate_limited += 1
                raise errors.too_many_requests(retry_after)
        result = await handler(call)
    except errors.ApiError as refusal:
        return _refusal(emulator, refusal)
    finally:
        if chat is not None:
            chat.bot_call_ended(emulator.clock.monotonic())
    body: dict[str, Any] = {"ok": True, "result": result}
    if isinstance(result, Answer):
        body = {"ok": True, "result": result.result, "description": result.description}
    if emulator.strict:
        problems = contract.check_result(emulator.spec, spec, body["result"])
        if problems:
            return _contract_broken(emulator, problems)
    return web.Response(body=json.dumps(body, ensure_ascii=False).encode(), headers=_JSON_HEADERS)


def _touched_chat(world: BotWorld, params: dict[str, Any]) -> Chat | None:
    """The chat a call acts in, so that waiting for the bot can tell when it has gone quiet there."""
    chat_id = params.get("chat_id")
    if isinstance(chat_id, int):
        return world.chats.get(chat_id)
    query_id = params.get("callback_query_id")
    if query_id is not None:
        query = world.callbacks.get(str(query_id))
        return query.chat if query is not None else None
    return None


def _refusal(emulator: Emulator, refusal: errors.ApiError) -> web.Response:
    emulator.stats.errors[refusal.code] += 1
    if refusal.parameters and emulator.strict:
        problems = contract.check_object(emulator.spec, refusal.parameters, "ResponseParameters")
        if problems:
            return _contract_broken(emulator, problems)
    return web.Response(
        body=json.dumps(refusal.to_api(), ensure_ascii=False).encode(), status=refusal.code, headers=_JSON_HEADERS
    )


def _contract_broken(emulator: Emulator, problems: list[str]) -> web.Response:
    violation = emulator.violation(problems)
    description = f"Internal Server Error: sandbox contract violation: {violation}"
    emulator.stats.errors[500] += 1
    body = {"ok": False, "error_code": 500, "description": description}
    return web.Response(body=json.dumps(body, ensure_ascii=False).encode(), status=500, headers=_JSON_HEADERS)


async def _serve_fault(
    request: web.Request, rule: FaultRule, answer: Callable[[], Awaitable[web.Response]]
) -> web.StreamResponse:
    emulator = request.app[EMULATOR]
    if rule.action == "error":
        return web.json_response(rule.error_body(), status=rule.status)
    if rule.action == "html":
        page = _HTML_ERROR.format(rule.status, _reason(rule.status))
        return web.Response(status=rule.status, text=page, content_type="text/html")
    if rule.action == "delay":
        await emulator.hang(rule.seconds)
        return await answer()
    if rule.action == "apply_then_hang":
        await answer()
    if rule.action in ("apply_then_hang", "hang"):
        await emulator.hang(rule.seconds or None)
    _drop_connection(request)
    return web.Response(status=503)  # never reaches the client: the connection is gone


def _drop_connection(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.abort()


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Parameters from the query string and the body, be it urlencoded, multipart or JSON."""
    params: dict[str, Any] = dict(request.query) if request.query_string else {}
    if not request.body_exists:
        return params
    content_type = request.content_type
    if content_type == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                content = bytes(await part.read())
                params[part.name] = contract.Upload(content, part.filename, part.headers.get("Content-Type"))
            else:
                params[part.name] = await part.text()
        return params
    raw = await request.read()
    if content_type == "application/json":
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            raise errors.bad_request("can't parse JSON encoded request") from None
        if isinstance(data, dict):
            params.update(data)
        return params
    params.update(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    return params


def _resolve_attachments(params: dict[str, Any]) -> None:
    """A parameter "attach://name" means the file uploaded in the multipart part called name."""
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            attached = params.get(value[len("attach://") :])
            if isinstance(attached, contract.Upload):
                params[key] = attached
                params.pop(value[len("attach://") :])


# --- files ---


async def download_file(request: web.Request) -> web.Response:
    emulator = request.app[EMULATOR]
    token = TOKEN.fullmatch(request.match_info["token"])
    if token is None:
        return _refusal(emulator, errors.UNAUTHORIZED)
    world = emulator.worlds.get(int(token.group(1)))
    stored = world.files_by_path.get(request.match_info["path"]) if world is not None else None
    if stored is None:
        return _refusal(emulator, errors.NOT_FOUND)
    return web.Response(body=stored.content, content_type=stored.mime_type or "application/octet-stream")


# --- running it ---


@dataclass
class RunningSandbox:
    """A started emulator: where it listens, the emulator itself, and how to stop it."""

    base_url: str
    host: str
    port: int
    emulator: Emulator
    runner: web.AppRunner
    webchat_url: str | None = None  # the web chat page, when started with a webchat_port
    webchat_runner: web.AppRunner | None = None

    @property
    def bot_api_url(self) -> str:
        """For telegram.Bot(base_url=...) and ApplicationBuilder.base_url(...)."""
        return f"{self.base_url}/bot"

    @property
    def file_url(self) -> str:
        """For telegram.Bot(base_file_url=...) and ApplicationBuilder.base_file_url(...)."""
        return f"{self.base_url}/file/bot"

    async def stop(self) -> None:
        await self.emulator.close()
        if self.webchat_runner is not None:
            await self.webchat_runner.cleanup()
        await self.runner.cleanup()


async def start(host: str = "127.0.0.1", port: int = 0, *, emulator: Emulator | None = None,
                webchat_port: int | None = None, **options: Any) -> RunningSandbox:
    """Start the emulator in the running event loop; port 0 takes a free port. Options go to Emulator.

    With a webchat_port (0: a free one), the web chat page listens there too (see sandbox/webchat).
    """
    emulator = emulator or Emulator(**options)
    runner = await _listen(create_app(emulator), host, port)
    bound_port = int(runner.addresses[0][1])
    running = RunningSandbox(f"http://{host}:{bound_port}", host, bound_port, emulator, runner)
    if webchat_port is not None:
        try:
            await open_webchat(running, webchat_port)
        except BaseException:
            await running.stop()
            raise
    return running


async def open_webchat(running: RunningSandbox, port: int = 0) -> str:
    """Serve the web chat page for this emulator on `port` (0: a free one); its URL."""
    running.webchat_runner = await _listen(webchat_app(running.emulator), running.host, port)
    running.webchat_url = f"http://{running.host}:{int(running.webchat_runner.addresses[0][1])}"
    return running.webchat_url


async def _listen(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_GRACE_SECONDS)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


async def serve_forever(host: str = "127.0.0.1", port: int = 0, *,
                        on_ready: Callable[[RunningSandbox], None] | None = None, **options: Any) -> None:
    """Run the emulator until cancelled; on_ready gets the running handle once it listens."""
    running = await start(host, port, **options)
    try:
        if on_ready is not None:
            on_ready(running)
        await asyncio.Event().wait()
    finally:
        with contextlib.suppress(Exception):
            await running.stop()
