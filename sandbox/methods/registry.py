"""The Bot API methods the emulator serves, each an async function of one Call."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sandbox import errors
from sandbox.state import BotWorld, Chat, Message

if TYPE_CHECKING:
    from sandbox.emulator import Emulator


@dataclass
class Call:
    """One Bot API request: who made it, to which world, with which (already typed) parameters."""

    emulator: "Emulator"
    world: BotWorld
    method: str
    params: dict[str, Any]

    def chat(self) -> Chat:
        if "chat_id" not in self.params or self.params["chat_id"] == "":
            raise errors.bad_request("chat_id is empty")
        return self.world.chat(self.params["chat_id"])

    def writable_chat(self) -> Chat:
        self.chat()
        return self.world.writable_chat(self.params["chat_id"])

    def bot_message(self, *, not_found: str) -> Message:
        """The message a bot names by chat_id and message_id, or Telegram's refusal."""
        if "inline_message_id" in self.params:
            raise errors.bad_request("MESSAGE_ID_INVALID")  # no inline mode here: no inline messages exist
        if "message_id" not in self.params:
            raise errors.bad_request("message identifier is not specified")
        chat = self.writable_chat()
        message = self.world.message(chat, self.params["message_id"])
        if message is None:
            raise errors.bad_request(not_found)
        return message

    def reply_target(self, chat: Chat) -> Message | None:
        """The message this one answers, from reply_parameters (or the older reply_to_message_id)."""
        wanted = self.params.get("reply_parameters")
        if wanted is None and "reply_to_message_id" in self.params:
            wanted = {"message_id": self.params["reply_to_message_id"],
                      "allow_sending_without_reply": self.params.get("allow_sending_without_reply", False)}
        if wanted is None:
            return None
        if not isinstance(wanted, dict):
            raise errors.bad_request("can't parse reply parameters JSON object")
        where = chat if wanted.get("chat_id") in (None, chat.id) else self.world.chat(wanted["chat_id"])
        target = self.world.message(where, wanted.get("message_id"))
        if target is None and not wanted.get("allow_sending_without_reply"):
            raise errors.bad_request(errors.REPLY_NOT_FOUND)
        return target

    def text_options(self) -> dict[str, Any]:
        return {"strict": self.emulator.strict, "find_user": self.world.find_user_for_mention}


@dataclass
class Answer:
    """A result with Telegram's optional description beside it ("Webhook was set")."""

    result: Any
    description: str


Handler = Callable[[Call], Awaitable[Any]]
HANDLERS: dict[str, Handler] = {}


def bot_method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[name.lower()] = handler
        return handler

    return register
