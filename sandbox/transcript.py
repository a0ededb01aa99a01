"""A chat as the control API shows it (the transcript), and the waits for the bot to react in it.

Every change in a chat (a message from either side, an edit, a deletion, a tap, a callback answer,
a block) raises the chat's revision by one. A reaction is *settled* when the awaited change has
happened and then the bot has made no Bot API call touching the chat for a quiet period, with none
still in flight; see README.md, "Waiting for the bot".
"""

import time
from collections.abc import Callable
from typing import Any

from sandbox.bot_commands import visible_commands
from sandbox.clock import Clock
from sandbox.signals import wait_any
from sandbox.state import BotWorld, CallbackQuery, Chat, Message


def render_chat(world: BotWorld, chat: Chat, base_url: str) -> dict[str, Any]:
    return {
        "chat": chat.to_api(),
        "revision": chat.revision,
        "blocked": chat.user.blocked if chat.user is not None else False,
        "started": chat.started,
        "messages": [_render_message(m, base_url) for m in chat.messages.values()],
        "callbacks": [_render_callback(q) for q in chat.callbacks],
        "reply_keyboard": chat.reply_keyboard,
        "chat_action": chat.chat_action,
        "commands": visible_commands(world, chat, chat.user),
        "menu_button": chat.menu_button or world.default_menu_button or {"type": "commands"},
    }


def _render_message(message: Message, base_url: str) -> dict[str, Any]:
    rendered: dict[str, Any] = {
        "message_id": message.message_id,
        "from": "bot" if message.from_bot else "user",
        "sender": message.sender.to_api(),
        "date": message.date,
        "edit_date": message.edit_date,
        "text": message.text,
        "entities": message.entities,
        "caption": message.caption,
        "caption_entities": message.caption_entities,
        "reply_markup": message.reply_markup,
        "reply_to_message_id": message.reply_to.message_id if message.reply_to else None,
        "link_preview_options": message.link_preview_options,
        "edits": message.edits,
        "deleted": message.deleted,
        "revision": message.revision,
        "created_revision": message.created_revision,
        "photo": None,
        "document": None,
    }
    if message.photo:
        largest = message.photo[-1]
        rendered["photo"] = {**largest, "url": f"{base_url}/__control/files/{largest['file_id']}"}
    if message.document:
        rendered["document"] = {
            **message.document, "url": f"{base_url}/__control/files/{message.document['file_id']}"
        }
    return rendered


def _render_callback(query: CallbackQuery) -> dict[str, Any]:
    answer = query.answer or {}
    return {
        "callback_query_id": query.id,
        "user_id": query.user.id,
        "message_id": query.message_id,
        "data": query.data,
        "forged": query.forged,
        "answered": query.answer is not None,
        "text": answer.get("text"),
        "show_alert": answer.get("show_alert", False),
        "url": answer.get("url"),
        "revision": query.revision,
    }


async def wait_for_revision(chat: Chat, after: int, within: float) -> bool:
    """Wait until the chat's revision passes `after`; whether it did `within` that many seconds."""
    with chat.waiting_readers.one():
        return await chat.changed.until(lambda: chat.revision > after, within=within)


async def wait_until_settled(
    chat: Chat,
    *,
    clock: Clock,
    after_revision: int,
    query: CallbackQuery | None,
    quiet: float,
    within: float,
    follow_up: float = 0.0,
    processed: Callable[[], bool] | None = None,
) -> bool:
    """Wait until the bot has reacted and gone quiet in this chat; whether it did `within` seconds.

    When the bot reports the updates it has handled, `processed` tells whether it has handled the
    one awaited, and that alone decides (with no call in flight): exact, no quiet period needed.
    Otherwise: reacted means the callback query is answered, when one is given, else the revision
    passed `after_revision`; quiet means no Bot API call touching the chat in flight and none for
    `quiet` seconds, or for `follow_up` seconds while the answer to the tap is all that changed (a
    bot answers a tap at once, then does the work and edits). The quiet periods are measured on the
    emulator's clock (moving it forward lets them pass at once); `within` is real seconds, a guard.
    """
    deadline = time.monotonic() + within
    with chat.waiting_readers.one():
        while True:
            if processed is not None:
                reacted = processed()
            elif query is not None:
                reacted = query.answer is not None
            else:
                reacted = chat.revision > after_revision
            left = deadline - time.monotonic()
            pause = left
            if reacted and chat.bot_calls_in_flight == 0:
                answer_only = query is not None and chat.revision == query.revision == after_revision + 1
                needed = 0.0 if processed is not None else max(quiet, follow_up) if answer_only else quiet
                idle = clock.monotonic() - chat.last_bot_call
                if idle >= needed:
                    return True
                pause = min(pause, needed - idle)
            if left <= 0:
                return False
            await wait_any(chat.changed, clock.moved, within=pause)
