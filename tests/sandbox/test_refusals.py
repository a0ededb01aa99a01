"""The sandbox refuses what Telegram refuses, with Telegram's own status codes and descriptions."""

from typing import Any

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken

from sandbox.testing import SandboxClient

ANNA = 1001


@pytest.fixture
async def anna(sandbox: SandboxClient) -> int:
    await sandbox.user(ANNA, first_name="Анна").send_nowait("/start")
    return ANNA


async def raw_call(sandbox: SandboxClient, path: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.post(f"{sandbox.base_url}{path}", **kwargs) as response:
        return response.status, await response.json()


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d or "empty", callback_data=d) for d in data]])


async def test_a_text_longer_than_4096_utf16_units_is_too_long(bot: Bot, anna: int) -> None:
    await bot.send_message(anna, "я" * 4096)
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(anna, "я" * 4097)
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(anna, "😀" * 2049)  # each emoji is two UTF-16 code units


async def test_the_length_is_counted_after_entity_parsing(bot: Bot, anna: int) -> None:
    await bot.send_message(anna, "<b>" + "x" * 4096 + "</b>", parse_mode=ParseMode.HTML)


async def test_an_empty_or_blank_text_is_refused(bot: Bot, anna: int) -> None:
    for text in ("", "  \n ", "<b> </b>"):
        with pytest.raises(BadRequest, match=r"^Message text is empty$"):
            await bot.send_message(anna, text, parse_mode=ParseMode.HTML)


async def test_a_caption_longer_than_1024_is_refused(bot: Bot, anna: int) -> None:
    with pytest.raises(BadRequest, match=r"^Message caption is too long$"):
        await bot.send_document(anna, document=b"data", filename="a.txt", caption="x" * 1025)


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>bold</i>", 'Unmatched end tag at byte offset 7, expected "</b>", found "</i>"'),
        ("<blink>x</blink>", 'Unsupported start tag "blink" at byte offset 0'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("Иван <Петров>", 'Unsupported start tag "петров" at byte offset 9'),
        ("Рога & Копыта", 'Unescaped "&" at byte offset 9'),
    ],
)
async def test_malformed_html_is_refused_with_the_parsers_reason(
    sandbox: SandboxClient, anna: int, html: str, reason: str
) -> None:
    status, body = await raw_call(
        sandbox, f"/bot{sandbox.token}/sendMessage", data={"chat_id": anna, "text": html, "parse_mode": "HTML"}
    )
    assert status == 400
    assert body["description"].startswith(f"Bad Request: can't parse entities: {reason}")


async def test_ptb_sees_malformed_html_as_bad_request(bot: Bot, anna: int) -> None:
    with pytest.raises(BadRequest, match=r"^Can't parse entities: can't find end tag"):
        await bot.send_message(anna, "<b>bold", parse_mode=ParseMode.HTML)


async def test_a_bare_ampersand_passes_when_not_strict(sandbox: SandboxClient, anna: int) -> None:
    sandbox.emulator.strict = False
    status, body = await raw_call(
        sandbox,
        f"/bot{sandbox.token}/sendMessage",
        data={"chat_id": anna, "text": "Рога & Копыта", "parse_mode": "HTML"},
    )
    assert status == 200 and body["result"]["text"] == "Рога & Копыта"


async def test_an_unknown_parse_mode_is_refused(bot: Bot, anna: int) -> None:
    with pytest.raises(BadRequest, match="Unsupported parse_mode"):
        await bot.send_message(anna, "x", parse_mode="BBCode")


@pytest.mark.parametrize("data", ["", "x" * 65, "я" * 33])
async def test_callback_data_must_be_1_to_64_bytes(bot: Bot, anna: int, data: str) -> None:
    with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):
        await bot.send_message(anna, "?", reply_markup=keyboard(data))


async def test_64_bytes_of_callback_data_are_accepted(bot: Bot, anna: int) -> None:
    await bot.send_message(anna, "?", reply_markup=keyboard("я" * 32))


async def test_an_inline_keyboard_holds_at_most_100_buttons(bot: Bot, anna: int) -> None:
    rows = [[InlineKeyboardButton(str(i), callback_data=str(i))] for i in range(101)]
    with pytest.raises(BadRequest, match="Reply_markup_too_long"):
        await bot.send_message(anna, "?", reply_markup=InlineKeyboardMarkup(rows))


async def test_a_button_that_does_nothing_is_refused(sandbox: SandboxClient, anna: int) -> None:
    status, body = await raw_call(
        sandbox,
        f"/bot{sandbox.token}/sendMessage",
        json={"chat_id": anna, "text": "?", "reply_markup": {"inline_keyboard": [[{"text": "just text"}]]}},
    )
    assert (status, body["description"]) == (
        400,
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    )


async def test_reply_markup_must_be_a_json_object(sandbox: SandboxClient, anna: int) -> None:
    sandbox.emulator.strict = False  # strict mode would catch the list first, as a broken contract
    for markup in ("{not json", "[1, 2]"):
        status, body = await raw_call(
            sandbox,
            f"/bot{sandbox.token}/sendMessage",
            data={"chat_id": str(anna), "text": "?", "reply_markup": markup},
        )
        assert (status, body["description"]) == (400, "Bad Request: can't parse reply keyboard markup JSON object")


async def test_an_edit_that_changes_nothing_is_not_modified(bot: Bot, anna: int) -> None:
    sent = await bot.send_message(anna, "<b>one</b>", parse_mode=ParseMode.HTML, reply_markup=keyboard("a"))
    with pytest.raises(
        BadRequest,
        match=r"^Message is not modified: specified new message content and reply "
        "markup are exactly the same as a current content and reply markup of "
        "the message$",
    ):
        await bot.edit_message_text(
            "<b>one</b>",
            chat_id=anna,
            message_id=sent.message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard("a"),
        )
    with pytest.raises(BadRequest, match=r"^Message is not modified"):
        await bot.edit_message_reply_markup(chat_id=anna, message_id=sent.message_id, reply_markup=keyboard("a"))
    # The same text without the keyboard is a change: the keyboard goes.
    await bot.edit_message_text("one", chat_id=anna, message_id=sent.message_id)


async def test_editing_a_missing_or_deleted_message_is_not_found(bot: Bot, anna: int) -> None:
    with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
        await bot.edit_message_text("x", chat_id=anna, message_id=999)
    sent = await bot.send_message(anna, "soon gone")
    await bot.delete_message(anna, sent.message_id)
    with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
        await bot.edit_message_text("x", chat_id=anna, message_id=sent.message_id)


async def test_a_persons_message_cannot_be_edited_by_the_bot(bot: Bot, anna: int) -> None:
    with pytest.raises(BadRequest, match=r"^Message can't be edited$"):
        await bot.edit_message_text("x", chat_id=anna, message_id=1)


async def test_replying_to_a_missing_message_is_refused_unless_allowed(bot: Bot, anna: int) -> None:
    with pytest.raises(BadRequest, match=r"^Message to be replied not found$"):
        await bot.send_message(anna, "x", reply_to_message_id=999)
    sent = await bot.send_message(anna, "x", reply_to_message_id=999, allow_sending_without_reply=True)
    assert sent.reply_to_message is None


async def test_an_unknown_callback_query_is_too_old(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"^Query is too old and response timeout expired or query id is invalid$"):
        await bot.answer_callback_query("12345")


async def test_a_callback_query_is_answered_once(bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    sent = await bot.send_message(anna, "?", reply_markup=keyboard("a"))
    tap = await sandbox.request(
        "POST", "/callbacks", json={"user_id": anna, "message_id": sent.message_id, "data": "a"}
    )
    await bot.answer_callback_query(tap["callback_query_id"])
    with pytest.raises(BadRequest, match=r"^Query is too old"):
        await bot.answer_callback_query(tap["callback_query_id"])


async def test_a_callback_query_older_than_15_minutes_is_too_old(bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    sent = await bot.send_message(anna, "?", reply_markup=keyboard("a"))
    tap = await sandbox.request(
        "POST", "/callbacks", json={"user_id": anna, "message_id": sent.message_id, "data": "a"}
    )
    await sandbox.advance_clock(15 * 60 + 1)
    with pytest.raises(BadRequest, match=r"^Query is too old"):
        await bot.answer_callback_query(tap["callback_query_id"])


async def test_an_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"^Chat not found$"):
        await bot.send_message(424242, "hello")


async def test_a_person_who_blocked_the_bot_cannot_be_written_to(bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    await sandbox.user(anna).block()
    with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
        await bot.send_message(anna, "hello")
    await sandbox.user(anna).unblock()
    await bot.send_message(anna, "hello again")


async def test_the_bot_cannot_write_first_to_someone_who_never_started_it(bot: Bot, sandbox: SandboxClient) -> None:
    await sandbox.register_user(2002, first_name="Борис", started=False)
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(2002, "hello")


async def test_a_malformed_token_is_unauthorized(sandbox: SandboxClient) -> None:
    status, body = await raw_call(sandbox, "/botnot-a-token/getMe")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})


async def test_ptb_reports_a_malformed_token_as_invalid(sandbox: SandboxClient) -> None:
    with pytest.raises(InvalidToken):
        await Bot("nonsense", base_url=sandbox.bot_api_url).get_me()


async def test_an_unknown_method_is_not_found(sandbox: SandboxClient) -> None:
    status, body = await raw_call(sandbox, f"/bot{sandbox.token}/sendTelepathy")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
