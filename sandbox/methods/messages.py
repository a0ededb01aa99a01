"""Text messages: sending, editing, deleting, and the chat action a bot shows meanwhile."""

from typing import Any

from sandbox import errors
from sandbox.markup import is_inline, read_reply_markup
from sandbox.message_text import compose
from sandbox.methods.registry import Call, bot_method
from sandbox.state import Message

CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
})


@bot_method("sendMessage")
async def send_message(call: Call) -> dict[str, Any]:
    params = call.params
    chat = call.writable_chat()
    text, entities = compose(
        params.get("text"), parse_mode=params.get("parse_mode"), entities=params.get("entities"),
        **call.text_options(),
    )
    markup = read_reply_markup(params.get("reply_markup"))
    preview = params.get("link_preview_options")
    if preview is not None and not isinstance(preview, dict):
        raise errors.bad_request("can't parse link preview options JSON object")
    message = call.world.add_message(
        chat, call.world.bot, text=text, entities=entities, reply_markup=markup,
        reply_to=call.reply_target(chat), link_preview_options=preview or None,
    )
    return message.to_api()


@bot_method("editMessageText")
async def edit_message_text(call: Call) -> dict[str, Any]:
    params = call.params
    message = call.bot_message(not_found=errors.EDIT_NOT_FOUND)
    if not message.from_bot:
        raise errors.bad_request(errors.CANT_BE_EDITED)
    if message.text is None:
        raise errors.bad_request(errors.NO_TEXT_TO_EDIT)
    text, entities = compose(
        params.get("text"), parse_mode=params.get("parse_mode"), entities=params.get("entities"),
        **call.text_options(),
    )
    # Without reply_markup an edit removes the inline keyboard, so None is the new markup then.
    markup = read_reply_markup(params.get("reply_markup"), inline_only=True)
    if text == message.text and entities == message.entities and markup == _inline_markup(message):
        raise errors.bad_request(errors.NOT_MODIFIED)
    _edit(call, message, text=text, entities=entities, reply_markup=markup, dated=True)
    return message.to_api()


@bot_method("editMessageCaption")
async def edit_message_caption(call: Call) -> dict[str, Any]:
    params = call.params
    message = call.bot_message(not_found=errors.EDIT_NOT_FOUND)
    if not message.from_bot:
        raise errors.bad_request(errors.CANT_BE_EDITED)
    if message.photo is None and message.document is None:
        raise errors.bad_request("there is no caption in the message to edit")
    caption, entities = compose(
        params.get("caption"), parse_mode=params.get("parse_mode"), entities=params.get("caption_entities"),
        caption=True, **call.text_options(),
    )
    markup = read_reply_markup(params.get("reply_markup"), inline_only=True)
    same = (caption or None) == message.caption and entities == message.caption_entities
    if same and markup == _inline_markup(message):
        raise errors.bad_request(errors.NOT_MODIFIED)
    _edit(call, message, caption=caption or None, caption_entities=entities, reply_markup=markup, dated=True)
    return message.to_api()


@bot_method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> dict[str, Any]:
    message = call.bot_message(not_found=errors.EDIT_NOT_FOUND)
    if not message.from_bot:
        raise errors.bad_request(errors.CANT_BE_EDITED)
    markup = read_reply_markup(call.params.get("reply_markup"), inline_only=True)
    if markup == _inline_markup(message):
        raise errors.bad_request(errors.NOT_MODIFIED)
    _edit(call, message, reply_markup=markup, dated=False)
    return message.to_api()


@bot_method("deleteMessage")
async def delete_message(call: Call) -> bool:
    message = call.bot_message(not_found=errors.DELETE_NOT_FOUND)
    if not message.from_bot and message.chat.type != "private":
        raise errors.bad_request("message can't be deleted")
    message.deleted = True
    message.revision = message.chat.bump()
    return True


@bot_method("deleteMessages")
async def delete_messages(call: Call) -> bool:
    chat = call.writable_chat()
    wanted = call.params.get("message_ids")
    if not isinstance(wanted, list) or not 1 <= len(wanted) <= 100:
        raise errors.bad_request("message_ids must be a list of 1-100 message identifiers")
    for message_id in wanted:  # Telegram skips the ones it cannot find
        message = call.world.message(chat, message_id)
        if message is not None and (message.from_bot or chat.type == "private"):
            message.deleted = True
            message.revision = chat.bump()
    return True


@bot_method("sendChatAction")
async def send_chat_action(call: Call) -> bool:
    chat = call.writable_chat()
    if call.params.get("action") not in CHAT_ACTIONS:
        raise errors.bad_request("wrong parameter action in request")
    chat.chat_action = call.params["action"]
    return True


def _inline_markup(message: Message) -> dict[str, Any] | None:
    return message.reply_markup if is_inline(message.reply_markup) else None


def _edit(call: Call, message: Message, *, dated: bool, **changes: Any) -> None:
    """Change a message, keeping the version it replaces in its history."""
    message.edits.append(message.snapshot())
    for name, value in changes.items():
        setattr(message, name, value)
    if dated:
        message.edit_date = call.world.clock.today()
    message.revision = message.chat.bump()
