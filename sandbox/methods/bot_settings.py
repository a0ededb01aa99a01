"""What a bot says about itself: getMe, its commands and its menu button."""

import re
from typing import Any

from sandbox import errors
from sandbox.bot_commands import scope_key
from sandbox.methods.registry import Call, bot_method
from sandbox.state import BOT_USER_FIELDS

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"(?:[a-z]{2})?")
MAX_COMMANDS = 100
MENU_BUTTON_TYPES = frozenset({"commands", "web_app", "default"})


@bot_method("getMe")
async def get_me(call: Call) -> dict[str, Any]:
    return {**call.world.bot.to_api(), **BOT_USER_FIELDS}


@bot_method("logOut")
async def log_out(call: Call) -> bool:
    return True  # harmless here: there is no cloud server to leave


@bot_method("close")
async def close(call: Call) -> bool:
    return True


@bot_method("setMyCommands")
async def set_my_commands(call: Call) -> bool:
    commands = call.params.get("commands")
    if not isinstance(commands, list):
        raise errors.bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise errors.bad_request("BOT_COMMANDS_TOO_MUCH")
    kept = []
    for command in commands:
        if not isinstance(command, dict):
            raise errors.bad_request("can't parse BotCommand JSON object")
        name, description = command.get("command"), command.get("description")
        if not isinstance(name, str) or not _COMMAND.fullmatch(name):
            raise errors.bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise errors.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        kept.append({"command": name, "description": description})
    key = _commands_key(call)
    if kept:
        call.world.commands[key] = kept
    else:
        call.world.commands.pop(key, None)
    return True


@bot_method("getMyCommands")
async def get_my_commands(call: Call) -> list[dict[str, Any]]:
    return list(call.world.commands.get(_commands_key(call), []))


@bot_method("deleteMyCommands")
async def delete_my_commands(call: Call) -> bool:
    call.world.commands.pop(_commands_key(call), None)
    return True


@bot_method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> bool:
    button = call.params.get("menu_button", {"type": "default"})
    if not isinstance(button, dict) or button.get("type") not in MENU_BUTTON_TYPES:
        raise errors.bad_request("can't parse menu button JSON object")
    if button["type"] == "web_app" and not (isinstance(button.get("text"), str) and button.get("web_app")):
        raise errors.bad_request("can't parse menu button JSON object")
    if "chat_id" in call.params:
        call.chat().menu_button = None if button["type"] == "default" else button
    else:
        call.world.default_menu_button = None if button["type"] == "default" else button
    return True


@bot_method("getChatMenuButton")
async def get_chat_menu_button(call: Call) -> dict[str, Any]:
    default = call.world.default_menu_button or {"type": "commands"}
    if "chat_id" in call.params:
        return call.chat().menu_button or default
    return default


def _commands_key(call: Call) -> tuple[str, str]:
    language = call.params.get("language_code") or ""
    if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
        raise errors.bad_request("invalid language code specified")
    return scope_key(call.world, call.params.get("scope")), language
