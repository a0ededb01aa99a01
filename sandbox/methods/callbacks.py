"""Answering callback queries: once, within 15 minutes, with an optional notification or alert."""

from sandbox import errors
from sandbox.methods.registry import Call, bot_method

ANSWER_WINDOW_SECONDS = 15 * 60
ANSWER_TEXT_LIMIT = 200


@bot_method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> bool:
    params = call.params
    query = call.world.callbacks.get(str(params.get("callback_query_id")))
    too_old = query is not None and call.world.clock.now() - query.created > ANSWER_WINDOW_SECONDS
    if query is None or query.answer is not None or too_old:
        raise errors.bad_request(errors.QUERY_TOO_OLD)
    text = params.get("text")
    if isinstance(text, str) and len(text) > ANSWER_TEXT_LIMIT:
        raise errors.bad_request("MESSAGE_TOO_LONG")
    query.answer = {
        "text": text,
        "show_alert": bool(params.get("show_alert", False)),
        "url": params.get("url"),
        "cache_time": params.get("cache_time", 0),
        "date": call.world.clock.today(),
    }
    query.revision = query.chat.bump()
    return True
