"""The control API under /__control/: how tests, the demo and the benchmarks play the people.

Documented in README.md; keep the two in step. Every answer is JSON; a request that cannot be
carried out gets 400 (404 for an unknown chat or file) with {"ok": false, "error": "why"}.
"""

import functools
import json
from typing import Any

from aiohttp import web

from sandbox import people
from sandbox.emulator import Emulator
from sandbox.faults import FaultRuleError
from sandbox.people import ControlError
from sandbox.state import BotWorld, Chat
from sandbox.transcript import render_chat, wait_for_revision, wait_until_settled

EMULATOR = web.AppKey("emulator", Emulator)
DEFAULT_TIMEOUT = 5.0
DEFAULT_QUIET = 0.1
DEFAULT_FOLLOW_UP = 0.3
MAX_WAIT = 300.0

routes = web.RouteTableDef()


class NotFound(ControlError):
    """A chat, user or file the request names does not exist."""


@web.middleware
async def _refusals(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except NotFound as refusal:
        return web.json_response({"ok": False, "error": str(refusal)}, status=404)
    except (ControlError, FaultRuleError) as refusal:
        return web.json_response({"ok": False, "error": str(refusal)}, status=400)


def control_app(emulator: Emulator) -> web.Application:
    app = web.Application(middlewares=[_refusals])
    app[EMULATOR] = emulator
    app.add_routes(routes)
    return app


# --- people ---


@routes.post("/messages")
async def post_message(request: web.Request) -> web.Response:
    body = await _body(request)
    world = _world(request, body)
    written = people.write(
        world,
        user_id=_int(body, "user_id"),
        text=_str(body, "text"),
        chat_id=_int(body, "chat_id", required=False),
        chat_type=_str(body, "chat_type", required=False),
        chat_title=_str(body, "chat_title", required=False),
        reply_to_message_id=_int(body, "reply_to_message_id", required=False),
        first_name=_str(body, "first_name", required=False),
        last_name=_str(body, "last_name", required=False),
        username=_str(body, "username", required=False),
        language_code=_str(body, "language_code", required=False),
    )
    message = written.message
    return _json({"ok": True, "update_id": written.update_id, "message_id": message.message_id,
                  "chat_id": message.chat.id, "revision": message.chat.revision})


@routes.post("/callbacks")
async def post_callback(request: web.Request) -> web.Response:
    body = await _body(request)
    world = _world(request, body)
    forge = body.get("forge", False)
    if not isinstance(forge, bool):
        raise ControlError("forge must be true or false")
    tapped = people.tap(
        world,
        user_id=_int(body, "user_id"),
        message_id=_int(body, "message_id"),
        data=_str(body, "data"),
        chat_id=_int(body, "chat_id", required=False),
        forge=forge,
    )
    return _json({"ok": True, "update_id": tapped.update_id, "callback_query_id": tapped.query.id,
                  "chat_id": tapped.query.chat.id, "revision": tapped.query.chat.revision})


@routes.post("/users")
async def post_user(request: web.Request) -> web.Response:
    body = await _body(request)
    world = _world(request, body)
    started = body.get("started", True)
    user = people.register(
        world,
        user_id=_int(body, "user_id"),
        started=bool(started),
        first_name=_str(body, "first_name", required=False),
        last_name=_str(body, "last_name", required=False),
        username=_str(body, "username", required=False),
        language_code=_str(body, "language_code", required=False),
        label=_str(body, "label", required=False),
    )
    return _json({"ok": True, "user": user.to_api(), "chat_id": user.id})


@routes.get("/users")
async def list_users(request: web.Request) -> web.Response:
    world = _world(request, {})
    return _json({"ok": True, "users": [
        {**user.to_api(), "label": user.label, "blocked": user.blocked,
         "started": world.chats[user.id].started if user.id in world.chats else False}
        for user in world.users.values()
    ]})


@routes.post("/users/{user_id}/block")
async def block_user(request: web.Request) -> web.Response:
    world = _world(request, {})
    update_id = people.block(world, _path_int(request, "user_id"))
    return _json({"ok": True, "update_id": update_id, "revision": world.chats[_path_int(request, "user_id")].revision})


@routes.post("/users/{user_id}/unblock")
async def unblock_user(request: web.Request) -> web.Response:
    world = _world(request, {})
    update_id = people.unblock(world, _path_int(request, "user_id"))
    return _json({"ok": True, "update_id": update_id, "revision": world.chats[_path_int(request, "user_id")].revision})


# --- chats ---


@routes.get("/chats")
async def list_chats(request: web.Request) -> web.Response:
    world = _world(request, {})
    return _json({"ok": True, "chats": [
        {**chat.to_api(), "revision": chat.revision, "messages": len(chat.messages)}
        for chat in world.chats.values()
    ]})


@routes.get("/chats/{chat_id}")
async def get_chat(request: web.Request) -> web.Response:
    world = _world(request, {})
    chat = _chat(world, request)
    query = request.query
    if "wait_revision_gt" in query:
        await wait_for_revision(chat, _query_int(request, "wait_revision_gt"), _timeout(request))
    return _json({"ok": True, **render_chat(world, chat, _base_url(request))})


@routes.get("/chats/{chat_id}/wait")
async def wait_for_bot(request: web.Request) -> web.Response:
    world = _world(request, {})
    chat = _chat(world, request)
    query = None
    if "callback_query_id" in request.query:
        query = world.callbacks.get(request.query["callback_query_id"])
        if query is None:
            raise NotFound(f"no callback query {request.query['callback_query_id']}")
    after = _query_int(request, "after_revision") if "after_revision" in request.query else chat.revision
    quiet = _query_float(request, "quiet", DEFAULT_QUIET)
    follow_up = _query_float(request, "follow_up", DEFAULT_FOLLOW_UP)
    processed = None
    if "update_id" in request.query and world.tracks_processing:
        processed = functools.partial(world.processed_updates.__contains__, _query_int(request, "update_id"))
    settled = await wait_until_settled(
        chat, clock=_emulator(request).clock, after_revision=after, query=query, quiet=quiet,
        within=_timeout(request), follow_up=follow_up, processed=processed,
    )
    return _json({"ok": True, "settled": settled, "exact": processed is not None,
                  **render_chat(world, chat, _base_url(request))})


@routes.post("/updates/{update_id}/processed")
async def update_processed(request: web.Request) -> web.Response:
    world = _world(request, await _body(request))
    world.mark_processed(_path_int(request, "update_id"))
    return _json({"ok": True})


@routes.post("/tracking")
async def start_tracking(request: web.Request) -> web.Response:
    body = await _body(request)
    world = _world(request, body)
    enabled = body.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ControlError("enabled must be true or false")
    world.tracks_processing = enabled
    return _json({"ok": True, "enabled": enabled})


@routes.get("/files/{file_id}")
async def download(request: web.Request) -> web.Response:
    stored = _world(request, {}).files.get(request.match_info["file_id"])
    if stored is None:
        raise NotFound(f"no file {request.match_info['file_id']}")
    return web.Response(body=stored.content, content_type=stored.mime_type or "application/octet-stream")


@routes.get("/bot")
async def get_bot(request: web.Request) -> web.Response:
    world = _world(request, {})
    return _json({
        "ok": True,
        "bot": world.bot.to_api(),
        "claimed": world.claimed,
        "pending_updates": len(world.updates),
        "webhook": world.webhook.info(len(world.updates), world.updates.allowed),
        "commands": [
            {"scope": scope, "language_code": language, "commands": commands}
            for (scope, language), commands in world.commands.items()
        ],
    })


# --- the emulator's knobs ---


@routes.post("/faults")
async def add_fault(request: web.Request) -> web.Response:
    rule = _emulator(request).faults.add(await _body(request))
    return _json({"ok": True, "id": rule.id, "rule": rule.to_json()})


@routes.get("/faults")
async def list_faults(request: web.Request) -> web.Response:
    return _json({"ok": True, "rules": [rule.to_json() for rule in _emulator(request).faults.rules]})


@routes.delete("/faults")
async def clear_faults(request: web.Request) -> web.Response:
    faults = _emulator(request).faults
    removed = len(faults.rules)
    faults.clear()
    return _json({"ok": True, "removed": removed})


@routes.delete("/faults/{rule_id}")
async def remove_fault(request: web.Request) -> web.Response:
    if not _emulator(request).faults.remove(request.match_info["rule_id"]):
        raise NotFound(f"no fault rule {request.match_info['rule_id']}")
    return _json({"ok": True, "removed": 1})


@routes.post("/limits")
async def set_limits(request: web.Request) -> web.Response:
    body = await _body(request)
    realistic = body.get("realistic", False)
    time_scale = body.get("time_scale", 1.0)
    if not isinstance(realistic, bool) or not isinstance(time_scale, int | float) or time_scale <= 0:
        raise ControlError("realistic must be true or false and time_scale a positive number")
    limits = _emulator(request).limits
    limits.configure(realistic=realistic, time_scale=float(time_scale))
    return _json({"ok": True, "realistic": limits.realistic, "time_scale": limits.time_scale})


@routes.post("/clock")
async def move_clock(request: web.Request) -> web.Response:
    body = await _body(request)
    seconds = body.get("advance", 0)
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        raise ControlError("advance must be a number of seconds, not negative")
    now = _emulator(request).clock.advance(float(seconds))
    return _json({"ok": True, "now": now})


@routes.get("/clock")
async def read_clock(request: web.Request) -> web.Response:
    clock = _emulator(request).clock
    return _json({"ok": True, "now": clock.now(), "offset": clock.offset})


@routes.post("/reset")
async def reset(request: web.Request) -> web.Response:
    await _emulator(request).reset()
    return _json({"ok": True})


@routes.get("/stats")
async def stats(request: web.Request) -> web.Response:
    emulator = _emulator(request)
    return _json({"ok": True, **emulator.stats.to_json(), "strict": emulator.strict,
                  "contract_violations": emulator.contract_violations})


# --- reading requests ---


def _emulator(request: web.Request) -> Emulator:
    return request.config_dict[EMULATOR]


def _world(request: web.Request, body: dict[str, Any]) -> BotWorld:
    bot_id = body.get("bot_id", request.query.get("bot_id"))
    if bot_id is not None:
        try:
            bot_id = int(bot_id)
        except (TypeError, ValueError):
            raise ControlError("bot_id must be an integer") from None
    return _emulator(request).world_for_control(bot_id)


def _chat(world: BotWorld, request: web.Request) -> Chat:
    chat_id = _path_int(request, "chat_id")
    chat = world.chats.get(chat_id)
    if chat is None:
        raise NotFound(f"no chat {chat_id}")
    return chat


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    try:
        body = json.loads(await request.read())
    except ValueError:
        raise ControlError("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise ControlError("the body must be a JSON object")
    return body


def _int(body: dict[str, Any], name: str, *, required: bool = True) -> Any:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ControlError(f"{name} must be an integer" + ("" if value is not None else " and is required"))
    return value


def _str(body: dict[str, Any], name: str, *, required: bool = True) -> Any:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise ControlError(f"{name} must be a string" + ("" if value is not None else " and is required"))
    return value


def _path_int(request: web.Request, name: str) -> int:
    try:
        return int(request.match_info[name])
    except ValueError:
        raise ControlError(f"{name} must be an integer") from None


def _query_int(request: web.Request, name: str) -> int:
    try:
        return int(request.query[name])
    except ValueError:
        raise ControlError(f"{name} must be an integer") from None


def _query_float(request: web.Request, name: str, default: float) -> float:
    try:
        return float(request.query.get(name, default))
    except ValueError:
        raise ControlError(f"{name} must be a number") from None


def _timeout(request: web.Request) -> float:
    return min(MAX_WAIT, max(0.0, _query_float(request, "timeout", DEFAULT_TIMEOUT)))


def _base_url(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


def _json(body: dict[str, Any]) -> web.Response:
    return web.json_response(body, dumps=lambda value: json.dumps(value, ensure_ascii=False))
