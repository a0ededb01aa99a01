"""What people do in the emulated Telegram: write to the bot, tap its buttons, block and unblock it.

Each action changes the chat and queues the update the bot would receive from Telegram.
"""

from dataclasses import dataclass
from typing import Any

from sandbox.entities import find_entities, utf16_len
from sandbox.markup import callback_buttons
from sandbox.message_text import TEXT_LIMIT
from sandbox.state import BotWorld, CallbackQuery, Chat, Message, User


class ControlError(ValueError):
    """A control request that cannot be carried out; the message says why, for the test's author."""


@dataclass
class Written:
    message: Message
    update_id: int | None


@dataclass
class Tapped:
    query: CallbackQuery
    update_id: int | None


def write(
    world: BotWorld,
    *,
    user_id: int,
    text: str,
    chat_id: int | None = None,
    chat_type: str | None = None,
    chat_title: str | None = None,
    reply_to_message_id: int | None = None,
    **profile: Any,
) -> Written:
    """A person sends a text message, in their private chat with the bot or in a group."""
    if not text.strip():
        raise ControlError("text must not be empty")
    if utf16_len(text) > TEXT_LIMIT:
        raise ControlError(f"text is longer than Telegram's {TEXT_LIMIT} characters")
    user = world.person(user_id, **profile)
    if chat_id is None or chat_id == user_id:
        if user.blocked:
            _set_blocked(world, user, False)  # writing to a bot means restarting it first
        chat = world.private_chat(user)
    else:
        if chat_id > 0:
            raise ControlError("a group's chat_id is negative; a private chat's is the person's user_id")
        chat = world.group_chat(chat_id, title=chat_title, chat_type=chat_type or "group")
    reply_to = None
    if reply_to_message_id is not None:
        reply_to = world.message(chat, reply_to_message_id)
        if reply_to is None:
            raise ControlError(f"no message {reply_to_message_id} to reply to in chat {chat.id}")
    keyboard = chat.reply_keyboard
    if keyboard is not None and keyboard.get("one_time_keyboard"):
        chat.reply_keyboard = None  # a one-time keyboard hides once used
    message = world.add_message(chat, user, text=text, entities=find_entities(text, []), reply_to=reply_to)
    return Written(message, world.push_update("message", message.to_api(), chat))


def tap(
    world: BotWorld, *, user_id: int, message_id: int, data: str, chat_id: int | None = None, forge: bool = False
) -> Tapped:
    """A person taps a callback button under a bot message (or, forged, sends any data for any message)."""
    user = world.users.get(user_id)
    if user is None:
        raise ControlError(f"user {user_id} has never written to the bot")
    chat = world.chats.get(chat_id if chat_id is not None else user_id)
    if chat is None:
        raise ControlError(f"chat {chat_id if chat_id is not None else user_id} does not exist")
    message = world.message(chat, message_id)
    if not forge:
        _check_button(chat, message, message_id, data)
    query = CallbackQuery(world.new_callback_id(), user, chat, message_id, data, world.clock.now(), forged=forge)
    payload: dict[str, Any] = {
        "id": query.id,
        "from": user.to_api(),
        "chat_instance": str(abs(chat.id) * 1_000_003 + 17),
        "data": data,
    }
    if message is not None:
        payload["message"] = message.to_api()
    else:  # what Telegram sends for a message the bot can no longer see
        payload["message"] = {"chat": chat.to_api(), "message_id": message_id, "date": 0}
    world.callbacks[query.id] = query
    chat.callbacks.append(query)
    query.revision = chat.bump()
    return Tapped(query, world.push_update("callback_query", payload, chat))


def _check_button(chat: Chat, message: Message | None, message_id: int, data: str) -> None:
    if message is None:
        raise ControlError(f"message {message_id} does not exist in chat {chat.id} (or was deleted)")
    if not message.from_bot:
        raise ControlError(f"message {message_id} in chat {chat.id} was not sent by the bot")
    buttons = callback_buttons(message.reply_markup)
    if not any(b["callback_data"] == data for b in buttons):
        offered = [(b["text"], b["callback_data"]) for b in buttons]
        raise ControlError(
            f"message {message_id} has no callback button with data {data!r}; its buttons are {offered} "
            '(pass "forge": true to send it anyway)'
        )


def register(world: BotWorld, *, user_id: int, started: bool = True, **profile: Any) -> User:
    """Make a person known, with a private chat the bot may write to if `started` (as after /start)."""
    user = world.person(user_id, **profile)
    world.private_chat(user, started=started)
    return user


def block(world: BotWorld, user_id: int) -> int | None:
    return _set_blocked(world, _known(world, user_id), True)


def unblock(world: BotWorld, user_id: int) -> int | None:
    return _set_blocked(world, _known(world, user_id), False)


def _known(world: BotWorld, user_id: int) -> User:
    user = world.users.get(user_id)
    if user is None:
        raise ControlError(f"user {user_id} is unknown")
    return user


def _set_blocked(world: BotWorld, user: User, blocked: bool) -> int | None:
    """Block or unblock, and tell the bot with a my_chat_member update, as Telegram does."""
    if user.blocked == blocked:
        return None
    user.blocked = blocked
    chat = world.private_chat(user)
    chat.bump()
    member = {"status": "member", "user": world.bot.to_api()}
    kicked = {"status": "kicked", "user": world.bot.to_api(), "until_date": 0}
    return world.push_update("my_chat_member", {
        "chat": chat.to_api(),
        "from": user.to_api(),
        "date": world.clock.today(),
        "old_chat_member": member if blocked else kicked,
        "new_chat_member": kicked if blocked else member,
    }, chat)
