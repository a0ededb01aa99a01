"""The testing client's model of a chat: messages with their buttons and files, and what the bot did lately.

Built by sandbox.testing from the control API's transcript (GET /__control/chats/{id}), so it works
the same for an emulator in this process or in another one. The server's side of the transcript is
sandbox/transcript.py.
"""

from dataclasses import dataclass
from typing import Any, NamedTuple


class Button(NamedTuple):
    """An inline button as (text, value): value is the callback data, or the URL of a link button."""

    text: str
    value: str

    @property
    def is_url(self) -> bool:
        return self.value.startswith(("http://", "https://", "tg://"))


@dataclass(frozen=True)
class SentFile:
    file_id: str
    url: str  # where the control API serves its bytes
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class ChatMessage:
    message_id: int
    from_bot: bool
    text: str | None  # the caption, for a photo or a document
    entities: list[dict[str, Any]]
    buttons: list[list[Button]]
    documents: list[SentFile]
    photo: SentFile | None
    deleted: bool
    edits: list[dict[str, Any]]
    raw: dict[str, Any]

    @property
    def edited(self) -> bool:
        return bool(self.edits)

    def button(self, text: str) -> Button:
        for row in self.buttons:
            for button in row:
                if button.text == text:
                    return button
        raise AssertionError(f"message {self.message_id} has no button {text!r}; its buttons: {self.button_texts}")

    @property
    def button_texts(self) -> list[list[str]]:
        return [[b.text for b in row] for row in self.buttons]

    @classmethod
    def from_transcript(cls, raw: dict[str, Any]) -> "ChatMessage":
        markup = raw.get("reply_markup") or {}
        buttons = [
            [Button(b["text"], b.get("callback_data") or b.get("url") or "") for b in row]
            for row in markup.get("inline_keyboard", [])
        ]
        document = raw.get("document")
        photo = raw.get("photo")
        return cls(
            message_id=raw["message_id"],
            from_bot=raw["from"] == "bot",
            text=raw["text"] if raw.get("text") is not None else raw.get("caption"),
            entities=raw.get("entities") or raw.get("caption_entities") or [],
            buttons=buttons,
            documents=[_file(document)] if document else [],
            photo=_file(photo) if photo else None,
            deleted=raw["deleted"],
            edits=raw.get("edits", []),
            raw=raw,
        )


def _file(raw: dict[str, Any]) -> SentFile:
    return SentFile(
        file_id=raw["file_id"], url=raw["url"], file_name=raw.get("file_name"), mime_type=raw.get("mime_type"),
        file_size=raw.get("file_size"), width=raw.get("width"), height=raw.get("height"),
    )


@dataclass(frozen=True)
class CallbackAnswer:
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(frozen=True)
class Reaction:
    """What the bot did in a chat after a given revision: new messages, edits, deletions, an answer."""

    messages: list[ChatMessage]
    edited: list[ChatMessage]
    deleted: list[ChatMessage]
    answer: CallbackAnswer | None

    @property
    def last(self) -> ChatMessage | None:
        """The newest message the reaction produced or changed."""
        changed = self.messages or self.edited
        return changed[-1] if changed else None

    @classmethod
    def since(cls, transcript: dict[str, Any], revision: int, callback_query_id: str | None = None) -> "Reaction":
        new, edited, deleted = [], [], []
        for raw in transcript["messages"]:
            if raw["from"] != "bot" or raw["revision"] <= revision:
                continue
            message = ChatMessage.from_transcript(raw)
            if raw["created_revision"] > revision:
                new.append(message)
            elif raw["deleted"]:
                deleted.append(message)
            else:
                edited.append(message)
        answer = None
        for query in transcript["callbacks"]:
            if query["callback_query_id"] == callback_query_id and query["answered"]:
                answer = CallbackAnswer(query["text"], query["show_alert"], query["url"])
        return cls(new, edited, deleted, answer)


def transcript_tail(transcript: dict[str, Any] | None, count: int = 6) -> str:
    """The last messages of a chat, one a line, for an assertion's message."""
    if not transcript:
        return "  (no transcript)"
    lines = []
    for raw in transcript["messages"][-count:]:
        message = ChatMessage.from_transcript(raw)
        who = "bot " if message.from_bot else "user"
        flags = " [deleted]" if message.deleted else (" [edited]" if message.edited else "")
        text = (message.text or "").replace("\n", " / ")
        if message.documents:
            text += f" <document {message.documents[0].file_name}>"
        if message.photo:
            text += " <photo>"
        buttons = f"  buttons={message.button_texts}" if message.buttons else ""
        lines.append(f"  #{message.message_id} {who}{flags}: {text[:160]}{buttons}")
    for query in transcript["callbacks"][-2:]:
        state = f"answered {query['text']!r}" if query["answered"] else "not answered"
        lines.append(f"  tap {query['data']!r} on #{query['message_id']}: {state}")
    return "\n".join(lines) or "  (the chat is empty)"
