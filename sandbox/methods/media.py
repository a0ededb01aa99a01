"""Photos and documents: uploads, re-sending by file_id, and getFile for downloading them again."""

import mimetypes
from typing import Any

from sandbox import errors
from sandbox.contract import Upload
from sandbox.images import image_size, scaled
from sandbox.markup import read_reply_markup
from sandbox.message_text import compose
from sandbox.methods.registry import Call, bot_method
from sandbox.state import StoredFile

PHOTO_BYTES_LIMIT = 10 * 1024 * 1024
DOCUMENT_BYTES_LIMIT = 50 * 1024 * 1024
THUMBNAIL_SIDE = 90
LARGEST_PHOTO_SIDE = 2560


@bot_method("sendPhoto")
async def send_photo(call: Call) -> dict[str, Any]:
    chat = call.writable_chat()
    stored = _input_file(call, "photo")
    return _send_media(call, chat_id=chat.id, photo=_photo_sizes(call, stored))


@bot_method("sendDocument")
async def send_document(call: Call) -> dict[str, Any]:
    chat = call.writable_chat()
    stored = _input_file(call, "document")
    document = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": len(stored.content)}
    if stored.file_name:
        document["file_name"] = stored.file_name
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    return _send_media(call, chat_id=chat.id, document=document)


@bot_method("getFile")
async def get_file(call: Call) -> dict[str, Any]:
    stored = call.world.files.get(str(call.params.get("file_id")))
    if stored is None:
        raise errors.bad_request(errors.INVALID_FILE_ID)
    return stored.to_api()


def _send_media(call: Call, *, chat_id: int, **media: Any) -> dict[str, Any]:
    params = call.params
    chat = call.world.chats[chat_id]
    caption, caption_entities = compose(
        params.get("caption"), parse_mode=params.get("parse_mode"), entities=params.get("caption_entities"),
        caption=True, **call.text_options(),
    )
    message = call.world.add_message(
        chat, call.world.bot, caption=caption or None, caption_entities=caption_entities,
        reply_markup=read_reply_markup(params.get("reply_markup")), reply_to=call.reply_target(chat), **media,
    )
    return message.to_api()


def _input_file(call: Call, name: str) -> StoredFile:
    """The file a request sends: a new upload, or one Telegram already keeps, named by file_id."""
    value = call.params.get(name)
    if isinstance(value, Upload):
        return _keep_upload(call, value, kind=name)
    if not isinstance(value, str) or not value:
        raise errors.bad_request(f"there is no {name} in the request")
    if value.startswith(("http://", "https://")):
        raise errors.bad_request("failed to get HTTP URL content")  # the sandbox reaches no other server
    stored = call.world.files.get(value)
    if stored is None:
        raise errors.bad_request(errors.WRONG_FILE_ID)
    if stored.kind != name:
        raise errors.bad_request("type of file mismatch")
    return stored


def _keep_upload(call: Call, upload: Upload, *, kind: str) -> StoredFile:
    limit = PHOTO_BYTES_LIMIT if kind == "photo" else DOCUMENT_BYTES_LIMIT
    if not upload.content:
        raise errors.bad_request("file must be non-empty")
    if len(upload.content) > limit:
        raise errors.bad_request("file is too big")
    mime_type = upload.content_type
    if not mime_type or mime_type == "application/octet-stream":
        mime_type = mimetypes.guess_type(upload.filename or "")[0] or mime_type
    width = height = None
    if kind == "photo":
        size = image_size(upload.content)
        if size is None:
            raise errors.bad_request("IMAGE_PROCESS_FAILED")
        width, height = scaled(*size, LARGEST_PHOTO_SIDE)
    return call.world.store_file(
        upload.content, kind=kind, file_name=upload.filename if kind == "document" else None,
        mime_type=mime_type if kind == "document" else None, width=width, height=height,
    )


def _photo_sizes(call: Call, stored: StoredFile) -> list[dict[str, Any]]:
    """The sizes Telegram offers of a photo: a thumbnail when the photo is bigger, then the photo."""
    width, height = stored.width or 1, stored.height or 1
    sizes = [stored]
    if max(width, height) > THUMBNAIL_SIDE:
        thumb_width, thumb_height = scaled(width, height, THUMBNAIL_SIDE)
        # The sandbox does not resample: the thumbnail's bytes are the photo's own.
        thumbnail = call.world.store_file(
            stored.content, kind="photo", file_name=None, mime_type=None, width=thumb_width, height=thumb_height
        )
        sizes.insert(0, thumbnail)
    return [
        {"file_id": s.file_id, "file_unique_id": s.file_unique_id, "file_size": len(s.content),
         "width": s.width or 1, "height": s.height or 1}
        for s in sizes
    ]
