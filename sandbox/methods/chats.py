"""What a bot may ask about chats and their members."""

from typing import Any

from sandbox import errors
from sandbox.methods.registry import Call, bot_method

NO_GIFTS = {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
            "premium_subscription": False, "gifts_from_channels": False}


@bot_method("getChat")
async def get_chat(call: Call) -> dict[str, Any]:
    chat = call.chat()
    return {**chat.to_api(), "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": NO_GIFTS}


@bot_method("getChatMember")
async def get_chat_member(call: Call) -> dict[str, Any]:
    chat = call.chat()
    user_id = call.params.get("user_id")
    if user_id == call.world.bot.id:
        return {"status": "member", "user": call.world.bot.to_api()}
    user = call.world.users.get(user_id) if isinstance(user_id, int) else None
    if user is None:
        raise errors.bad_request("user not found")
    # A person belongs to their private chat, and to a group once they have written in it.
    present = chat.user is user or any(m.sender is user for m in chat.messages.values())
    return {"status": "member" if present else "left", "user": user.to_api()}
