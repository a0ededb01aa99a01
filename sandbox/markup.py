"""Reply markup: the keyboards a bot attaches to messages, checked the way Telegram checks them."""

import re
from typing import Any

from sandbox import errors

MAX_INLINE_BUTTONS = 100
MAX_REPLY_BUTTONS = 300
CALLBACK_DATA_BYTES = 64
# A button must do exactly one thing; a button with none of these is a "text button".
INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
)
_BUTTON_URL = re.compile(r"(?:https?|tg)://[^\s]+$", re.IGNORECASE)

Markup = dict[str, Any]


def read_reply_markup(value: Any, *, inline_only: bool = False) -> Markup | None:
    """The markup as stored, or Telegram's refusal; None when the request carries none."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise errors.bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        _check_inline(value["inline_keyboard"])
        return value
    if inline_only:
        raise errors.bad_request("can't parse inline keyboard markup JSON object")
    if "keyboard" in value:
        _check_reply_keyboard(value["keyboard"])
        return value
    if value.get("remove_keyboard") is True or value.get("force_reply") is True:
        return value
    raise errors.bad_request("can't parse reply keyboard markup JSON object")


def _check_inline(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise errors.bad_request('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays')
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise errors.bad_request(errors.REPLY_MARKUP_TOO_LONG)
    for row in rows:
        for button in row:
            _check_inline_button(button)


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise errors.bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise errors.bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    actions = [name for name in INLINE_ACTIONS if name in button]
    if not actions:
        raise errors.bad_request(errors.TEXT_BUTTONS_UNALLOWED)
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_BYTES:
            raise errors.bad_request(errors.BUTTON_DATA_INVALID)
    if "url" in button and not (isinstance(button["url"], str) and _BUTTON_URL.match(button["url"])):
        raise errors.bad_request(errors.BUTTON_URL_INVALID)


def _check_reply_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise errors.bad_request('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays')
    if sum(len(row) for row in rows) > MAX_REPLY_BUTTONS:
        raise errors.bad_request(errors.REPLY_MARKUP_TOO_LONG)
    for row in rows:
        for button in row:
            if not isinstance(button, str | dict) or (isinstance(button, dict) and "text" not in button):
                raise errors.bad_request('can\'t parse keyboard button: Field "text" must be of type String')


def is_inline(markup: Markup | None) -> bool:
    return markup is not None and "inline_keyboard" in markup


def callback_buttons(markup: Markup | None) -> list[dict[str, Any]]:
    """The buttons of an inline keyboard that answer with callback data, in reading order."""
    if not is_inline(markup):
        return []
    assert markup is not None
    return [b for row in markup["inline_keyboard"] for b in row if "callback_data" in b]
