"""The Bot API methods the emulator serves; importing this package registers them all."""

from sandbox.methods import bot_settings, callbacks, chats, media, messages, profile, updates
from sandbox.methods.registry import HANDLERS, Answer, Call

__all__ = [
    "HANDLERS", "Answer", "Call", "bot_settings", "callbacks", "chats", "media", "messages", "profile", "updates",
]
