"""The bot's name and descriptions, per language, as people see them in its profile."""

import re
from typing import Any

from sandbox import errors
from sandbox.methods.registry import Call, bot_method

_LANGUAGE = re.compile(r"(?:[a-z]{2})?")
# field -> the longest text Telegram takes
LIMITS = {"name": 64, "description": 512, "short_description": 120}


@bot_method("setMyName")
async def set_my_name(call: Call) -> bool:
    return _set(call, "name")


@bot_method("getMyName")
async def get_my_name(call: Call) -> dict[str, Any]:
    return {"name": _get(call, "name") or call.world.bot.first_name}


@bot_method("setMyDescription")
async def set_my_description(call: Call) -> bool:
    return _set(call, "description")


@bot_method("getMyDescription")
async def get_my_description(call: Call) -> dict[str, Any]:
    return {"description": _get(call, "description")}


@bot_method("setMyShortDescription")
async def set_my_short_description(call: Call) -> bool:
    return _set(call, "short_description")


@bot_method("getMyShortDescription")
async def get_my_short_description(call: Call) -> dict[str, Any]:
    return {"short_description": _get(call, "short_description")}


def _language(call: Call) -> str:
    language = call.params.get("language_code") or ""
    if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
        raise errors.bad_request("invalid language code specified")
    return language


def _set(call: Call, field: str) -> bool:
    text = call.params.get(field) or ""
    if not isinstance(text, str) or len(text) > LIMITS[field]:
        raise errors.bad_request(f"{field.replace('_', ' ')} is too long")
    key = (field, _language(call))
    if text:
        call.world.profile_texts[key] = text
    else:
        call.world.profile_texts.pop(key, None)
    return True


def _get(call: Call, field: str) -> str:
    texts = call.world.profile_texts
    return texts.get((field, _language(call))) or texts.get((field, ""), "")
