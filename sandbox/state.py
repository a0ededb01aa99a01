"""What the emulated Telegram remembers, in memory: people, chats, messages, callback queries, files.

Each bot (told apart by the number in its token) has its own world, as bots do on Telegram: its own
chats, message ids, file ids and update queue.
"""

import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any

from sandbox import errors
from sandbox.clock import Clock
from sandbox.entities import Entity
from sandbox.markup import Markup, is_inline
from sandbox.signals import Signal, Waiters
from sandbox.update_queue import UpdateQueue
from sandbox.webhook import Webhook

BOT_USER_FIELDS = {
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}


@dataclass(eq=False)
class User:
    id: int
    first_name: str
    is_bot: bool = False
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    blocked: bool = False  # this person has blocked the bot
    label: str | None = None  # what the web chat shows beside the name (e.g. the runner's roles); never sent to bots

    def to_api(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user


@dataclass(eq=False)
class Message:
    message_id: int
    chat: "Chat"
    sender: User
    date: int
    text: str | None = None
    entities: list[Entity] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[Entity] = field(default_factory=list)
    photo: list[dict[str, Any]] | None = None
    document: dict[str, Any] | None = None
    reply_markup: Markup | None = None
    reply_to: "Message | None" = None
    link_preview_options: dict[str, Any] | None = None
    edit_date: int | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)  # earlier versions, oldest first
    deleted: bool = False
    revision: int = 0  # the chat's revision when this message last changed
    created_revision: int = 0  # the chat's revision when this message appeared

    @property
    def from_bot(self) -> bool:
        return self.sender.is_bot

    def to_api(self, *, with_reply: bool = True) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender.to_api(),
            "chat": self.chat.to_api(),
            "date": self.date,
        }
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if with_reply and self.reply_to is not None:
            message["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        if self.text is not None:
            message["text"] = self.text
            if self.entities:
                message["entities"] = self.entities
        if self.link_preview_options:
            message["link_preview_options"] = self.link_preview_options
        if self.photo is not None:
            message["photo"] = self.photo
        if self.document is not None:
            message["document"] = self.document
        if self.caption:
            message["caption"] = self.caption
            if self.caption_entities:
                message["caption_entities"] = self.caption_entities
        if is_inline(self.reply_markup):
            message["reply_markup"] = self.reply_markup  # Telegram shows only inline keyboards in a Message
        return message

    def snapshot(self) -> dict[str, Any]:
        """This version of the message, kept in its edit history when it changes."""
        return {
            "text": self.text,
            "entities": self.entities,
            "caption": self.caption,
            "reply_markup": self.reply_markup,
            "date": self.edit_date or self.date,
        }


@dataclass(eq=False)
class CallbackQuery:
    id: str
    user: User
    chat: "Chat"
    message_id: int
    data: str
    created: float  # emulated Unix time
    forged: bool = False
    answer: dict[str, Any] | None = None
    revision: int = 0


@dataclass(eq=False)
class Chat:
    id: int
    type: str  # "private", "group" or "supergroup"
    title: str | None = None
    user: User | None = None  # the person, in a private chat
    username: str | None = None
    started: bool = True  # whether the person has ever opened the chat (the bot cannot write first)
    messages: dict[int, Message] = field(default_factory=dict)
    last_message_id: int = 0
    revision: int = 0
    callbacks: list[CallbackQuery] = field(default_factory=list)
    reply_keyboard: Markup | None = None  # the reply keyboard the person currently sees
    chat_action: str | None = None
    menu_button: dict[str, Any] | None = None
    bot_calls_in_flight: int = 0
    last_bot_call: float = 0.0  # Clock.monotonic() of the last Bot API call that touched this chat
    changed: Signal = field(default_factory=Signal, repr=False)  # fired on every revision and call's end
    waiting_readers: Waiters = field(default_factory=Waiters, repr=False)  # the control API's waits on it

    def to_api(self) -> dict[str, Any]:
        if self.type == "private" and self.user is not None:
            chat = {"id": self.id, "type": "private", "first_name": self.user.first_name}
            if self.user.last_name:
                chat["last_name"] = self.user.last_name
            if self.user.username:
                chat["username"] = self.user.username
            return chat
        chat = {"id": self.id, "type": self.type, "title": self.title or str(self.id)}
        if self.username:
            chat["username"] = self.username
        return chat

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id

    def bump(self) -> int:
        """Something in the chat changed: count a new revision and wake whoever waits on the chat."""
        self.revision += 1
        self.wake()
        return self.revision

    def bot_call_started(self, now: float) -> None:
        """A Bot API call touching this chat began at `now` (Clock.monotonic())."""
        self.bot_calls_in_flight += 1
        self.last_bot_call = now

    def bot_call_ended(self, now: float) -> None:
        self.bot_calls_in_flight -= 1
        self.last_bot_call = now
        self.wake()

    def wake(self) -> None:
        """Whoever waits on the chat looks again."""
        self.changed.fire()


@dataclass(eq=False)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    kind: str  # "photo" or "document"
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    def to_api(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }


class BotWorld:
    """One bot's view of Telegram."""

    def __init__(self, bot_id: int, *, first_name: str, username: str, clock: Clock) -> None:
        self.bot = User(bot_id, first_name, is_bot=True, username=username)
        self.clock = clock
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.callbacks: dict[str, CallbackQuery] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.updates = UpdateQueue()
        self.webhook = Webhook()
        self.claimed = True  # False while a world made by the control API waits for its bot
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.default_menu_button: dict[str, Any] | None = None
        self.profile_texts: dict[tuple[str, str], str] = {}  # (field, language) -> name or description
        # Updates the bot reports as fully handled (see README.md, "Waiting for the bot").
        self.tracks_processing = False
        self.processed_updates: set[int] = set()
        self.update_chats: dict[int, Chat] = {}
        self._callback_ids = itertools.count(int.from_bytes(secrets.token_bytes(6), "big") * 1000)
        self._file_numbers = itertools.count(1)

    def adopt(self, bot_id: int) -> None:
        """A world made by the control API before any bot spoke becomes the first bot's world.

        Updates queued meanwhile that name the bot (my_chat_member) are made to name it rightly.
        """
        old_id, self.bot.id, self.claimed = self.bot.id, bot_id, True
        for update in self.updates.peek(len(self.updates)):
            member_update = update.get("my_chat_member")
            if member_update is not None:
                for side in ("old_chat_member", "new_chat_member"):
                    if member_update[side]["user"]["id"] == old_id:
                        member_update[side]["user"] = self.bot.to_api()

    # --- updates ---

    def push_update(self, kind: str, payload: dict[str, Any], chat: Chat) -> int | None:
        update_id = self.updates.push(kind, payload)
        if update_id is not None:
            self.update_chats[update_id] = chat
        return update_id

    def mark_processed(self, update_id: int) -> None:
        """The bot reports it has finished handling an update: whoever waits on its chat looks again."""
        self.tracks_processing = True
        self.processed_updates.add(update_id)
        chat = self.update_chats.get(update_id)
        if chat is not None:
            chat.wake()

    # --- people and chats ---

    def person(self, user_id: int, **profile: Any) -> User:
        """The person with this id, created on first sight; given profile fields replace the old ones."""
        user = self.users.get(user_id)
        if user is None:
            user = self.users[user_id] = User(user_id, profile.get("first_name") or f"User {user_id}")
        for name in ("first_name", "last_name", "username", "language_code", "label"):
            if profile.get(name) is not None:
                setattr(user, name, profile[name])
        return user

    def private_chat(self, user: User, *, started: bool = True) -> Chat:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = Chat(user.id, "private", user=user, started=started)
        elif started:
            chat.started = True
        return chat

    def group_chat(self, chat_id: int, *, title: str | None = None, chat_type: str = "group") -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = Chat(chat_id, chat_type, title=title or f"Group {-chat_id}")
        elif title:
            chat.title = title
        return chat

    def chat(self, chat_id: Any) -> Chat:
        """The chat a bot names in chat_id, or Telegram's "chat not found"."""
        chat: Chat | None = None
        if isinstance(chat_id, int) and not isinstance(chat_id, bool):
            chat = self.chats.get(chat_id)
        elif isinstance(chat_id, str) and chat_id.startswith("@"):
            chat = next((c for c in self.chats.values() if c.type != "private" and c.username == chat_id[1:]), None)
        if chat is None:
            raise errors.bad_request(errors.CHAT_NOT_FOUND)
        return chat

    def writable_chat(self, chat_id: Any) -> Chat:
        """The chat a bot may send to now: the person has started it and not blocked the bot."""
        chat = self.chat(chat_id)
        if chat.user is not None:
            if chat.user.blocked:
                raise errors.forbidden(errors.BLOCKED)
            if not chat.started:
                raise errors.forbidden(errors.CANT_INITIATE)
        return chat

    def find_user_for_mention(self, user_id: int) -> dict[str, Any] | None:
        user = self.users.get(user_id)
        return user.to_api() if user is not None else None

    # --- messages ---

    def add_message(self, chat: Chat, sender: User, **content: Any) -> Message:
        message = Message(chat.next_message_id(), chat, sender, self.clock.today(), **content)
        chat.messages[message.message_id] = message
        if sender.is_bot and message.reply_markup is not None and not is_inline(message.reply_markup):
            markup = message.reply_markup
            chat.reply_keyboard = None if markup.get("remove_keyboard") else markup
        message.revision = message.created_revision = chat.bump()
        return message

    def message(self, chat: Chat, message_id: Any) -> Message | None:
        message = chat.messages.get(message_id) if isinstance(message_id, int) else None
        return None if message is None or message.deleted else message

    # --- callback queries and files ---

    def new_callback_id(self) -> str:
        return str(next(self._callback_ids))

    def store_file(self, content: bytes, *, kind: str, file_name: str | None, mime_type: str | None,
                   width: int | None = None, height: int | None = None) -> StoredFile:
        number = next(self._file_numbers)
        folder, suffix = ("photos", ".jpg") if kind == "photo" else ("documents", "")
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        stored = StoredFile(
            file_id=f"{'AgAC' if kind == 'photo' else 'BQAC'}{secrets.token_urlsafe(24)}",
            file_unique_id=f"AQAD{secrets.token_urlsafe(8)}",
            file_path=f"{folder}/file_{number}{suffix}",
            content=content,
            kind=kind,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored
