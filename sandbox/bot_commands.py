"""Bot commands by scope and language, and which list a person actually sees in a chat.

Telegram picks the first list that exists, from the narrowest scope to the default, trying the
person's language before the list for all languages (Bot API, "Determining list of commands").
"""

from typing import Any

from sandbox import errors
from sandbox.state import BotWorld, Chat, User

_PLAIN_SCOPES = frozenset({"default", "all_private_chats", "all_group_chats", "all_chat_administrators"})
_CHAT_SCOPES = frozenset({"chat", "chat_administrators", "chat_member"})


def scope_key(world: BotWorld, scope: Any) -> str:
    """A scope as a key of the command lists, or Telegram's refusal for a scope it cannot read."""
    if scope is None:
        return "default"
    if not isinstance(scope, dict) or scope.get("type") not in _PLAIN_SCOPES | _CHAT_SCOPES:
        raise errors.bad_request("can't parse BotCommandScope JSON object")
    kind = scope["type"]
    if kind in _PLAIN_SCOPES:
        return str(kind)
    chat = world.chat(scope.get("chat_id"))
    if kind == "chat_member":
        user_id = scope.get("user_id")
        if not isinstance(user_id, int) or user_id not in world.users:
            raise errors.bad_request("user not found")
        return f"chat_member:{chat.id}:{user_id}"
    return f"{kind}:{chat.id}"


def visible_commands(world: BotWorld, chat: Chat, user: User | None) -> list[dict[str, Any]]:
    if chat.type == "private":
        scopes = [f"chat:{chat.id}", "all_private_chats", "default"]
    else:
        member = [f"chat_member:{chat.id}:{user.id}"] if user is not None else []
        scopes = [*member, f"chat:{chat.id}", "all_group_chats", "default"]
    language = (user.language_code or "") if user is not None else ""
    for scope in scopes:
        for lang in dict.fromkeys((language, "")):
            commands = world.commands.get((scope, lang))
            if commands:
                return commands
    return []
