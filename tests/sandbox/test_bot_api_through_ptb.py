"""python-telegram-bot's Bot calls every method the sandbox serves and gets what Telegram would give."""

import struct
import zlib

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    MenuButtonCommands,
    MenuButtonDefault,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest

from sandbox.testing import SandboxClient

ANNA = 1001


def png(width: int, height: int) -> bytes:
    """A real PNG of a given size, made by hand so the tests need no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture
async def anna(sandbox: SandboxClient) -> int:
    await sandbox.user(ANNA, first_name="Анна", language_code="ru").send_nowait("/start")
    return ANNA


async def test_get_me_names_the_bot_by_the_number_in_its_token(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456 and me.is_bot and me.username == "sandbox_bot"


async def test_html_message_with_inline_keyboard_arrives_with_entities_and_buttons(
    bot: Bot, anna: int, sandbox: SandboxClient
) -> None:
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Да", callback_data="yes"), InlineKeyboardButton("Сайт", url="https://example.org")]]
    )
    sent = await bot.send_message(
        anna,
        "Заказ <b>№ 7</b> &amp; <i>срочно</i> 😀 <a href='https://example.org/o/7'>карточка</a>",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert sent.text == "Заказ № 7 & срочно 😀 карточка"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 6, 3),
        ("italic", 12, 6),
        ("text_link", 22, 8),
    ]
    assert sent.entities[2].url == "https://example.org/o/7"
    assert sent.reply_markup == keyboard
    transcript = await sandbox.transcript(anna)
    assert transcript["messages"][-1]["link_preview_options"] == {"is_disabled": True}


async def test_reply_keyboards_are_kept_for_the_chat_but_not_shown_in_the_message(
    bot: Bot, anna: int, sandbox: SandboxClient
) -> None:
    sent = await bot.send_message(
        anna, "Выберите", reply_markup=ReplyKeyboardMarkup([["Да"], ["Нет"]], one_time_keyboard=True)
    )
    assert sent.reply_markup is None
    assert (await sandbox.transcript(anna))["reply_keyboard"]["keyboard"] == [[{"text": "Да"}], [{"text": "Нет"}]]
    await bot.send_message(anna, "Готово", reply_markup=ReplyKeyboardRemove())
    assert (await sandbox.transcript(anna))["reply_keyboard"] is None
    await bot.send_message(anna, "Ваш комментарий?", reply_markup=ForceReply(input_field_placeholder="…"))
    assert (await sandbox.transcript(anna))["messages"][-1]["reply_markup"]["force_reply"] is True


async def test_a_reply_names_the_message_it_answers(bot: Bot, anna: int) -> None:
    sent = await bot.send_message(anna, "ответ", reply_parameters=ReplyParameters(message_id=1))
    assert sent.reply_to_message is not None and sent.reply_to_message.text == "/start"


async def test_edits_change_text_and_keyboard_and_keep_history(bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Да", callback_data="yes")]])
    sent = await bot.send_message(anna, "черновик", reply_markup=keyboard)
    edited = await bot.edit_message_text(
        "<b>готово</b>", chat_id=anna, message_id=sent.message_id, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )
    assert isinstance(edited, Message) and edited.text == "готово" and edited.edit_date is not None
    other = InlineKeyboardMarkup([[InlineKeyboardButton("Нет", callback_data="no")]])
    marked = await bot.edit_message_reply_markup(chat_id=anna, message_id=sent.message_id, reply_markup=other)
    assert isinstance(marked, Message) and marked.reply_markup == other
    history = (await sandbox.transcript(anna))["messages"][-1]["edits"]
    assert [version["text"] for version in history] == ["черновик", "готово"]


async def test_a_deleted_message_stays_in_the_transcript_marked_deleted(
    bot: Bot, anna: int, sandbox: SandboxClient
) -> None:
    sent = await bot.send_message(anna, "лишнее")
    assert await bot.delete_message(anna, sent.message_id) is True
    assert (await sandbox.transcript(anna))["messages"][-1]["deleted"] is True
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(anna, sent.message_id)


async def test_a_callback_answer_is_recorded_with_its_alert(bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    sent = await bot.send_message(
        anna, "?", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Да", callback_data="yes")]])
    )
    tap = await sandbox.request(
        "POST", "/callbacks", json={"user_id": anna, "message_id": sent.message_id, "data": "yes"}
    )
    updates = await bot.get_updates(offset=2, timeout=0)
    query = updates[-1].callback_query
    assert query is not None and query.id == tap["callback_query_id"] and query.data == "yes"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query.id, text="Принято", show_alert=True) is True
    callbacks = (await sandbox.transcript(anna))["callbacks"]
    assert callbacks[-1] | {"callback_query_id": None} == {
        "callback_query_id": None,
        "user_id": anna,
        "message_id": sent.message_id,
        "data": "yes",
        "forged": False,
        "answered": True,
        "text": "Принято",
        "show_alert": True,
        "url": None,
        "revision": callbacks[-1]["revision"],
    }


async def test_documents_upload_download_and_resend_by_file_id(bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    content = b"PK\x03\x04 pretend this is a workbook"
    sent = await bot.send_document(
        anna, document=content, filename="orders.xlsx", caption="<b>Реестр</b>", parse_mode=ParseMode.HTML
    )
    document = sent.document
    assert document is not None and document.file_name == "orders.xlsx" and document.file_size == len(content)
    assert document.mime_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert sent.caption == "Реестр" and sent.caption_entities[0].type == "bold"
    file = await bot.get_file(document.file_id)
    assert bytes(await file.download_as_bytearray()) == content
    again = await bot.send_document(anna, document=document.file_id)
    assert again.document is not None and again.document.file_unique_id == document.file_unique_id
    transcript = await sandbox.transcript(anna)
    async with sandbox._http().get(transcript["messages"][-1]["document"]["url"]) as response:
        assert await response.read() == content


async def test_photos_come_in_sizes_and_download_to_memory(bot: Bot, anna: int) -> None:
    import io

    picture = png(400, 200)
    sent = await bot.send_photo(anna, photo=picture, caption="График")
    assert [(p.width, p.height) for p in sent.photo] == [(90, 45), (400, 200)]
    file = await bot.get_file(sent.photo[-1].file_id)
    memory = io.BytesIO()
    await file.download_to_memory(memory)
    assert memory.getvalue() == picture


async def test_chat_action_shows_in_the_transcript(bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    assert await bot.send_chat_action(anna, ChatAction.UPLOAD_DOCUMENT) is True
    assert (await sandbox.transcript(anna))["chat_action"] == "upload_document"


async def test_commands_are_kept_per_scope_and_language(bot: Bot, anna: int, sandbox: SandboxClient) -> None:
    await bot.set_my_commands([BotCommand("start", "Начать"), BotCommand("orders", "Заказы")], language_code="ru")
    await bot.set_my_commands([BotCommand("start", "Start")])
    await bot.set_my_commands([BotCommand("help", "Помощь")], scope=BotCommandScopeChat(anna))
    assert [c.command for c in await bot.get_my_commands(language_code="ru")] == ["start", "orders"]
    assert [c.description for c in await bot.get_my_commands()] == ["Start"]
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == ()
    assert (await sandbox.transcript(anna))["commands"] == [{"command": "help", "description": "Помощь"}]
    assert await bot.delete_my_commands(scope=BotCommandScopeChat(anna)) is True
    assert [c["command"] for c in (await sandbox.transcript(anna))["commands"]] == ["start", "orders"]


async def test_menu_button_defaults_to_commands_and_can_be_set_per_chat(bot: Bot, anna: int) -> None:
    assert await bot.get_chat_menu_button() == MenuButtonCommands()
    assert await bot.set_chat_menu_button(chat_id=anna, menu_button=MenuButtonDefault()) is True
    assert await bot.get_chat_menu_button(chat_id=anna) == MenuButtonCommands()


async def test_name_and_descriptions_are_kept_per_language(bot: Bot) -> None:
    await bot.set_my_description("Заказы и согласования", language_code="ru")
    await bot.set_my_short_description("Заказы")
    await bot.set_my_name("Заказы")
    assert (await bot.get_my_description(language_code="ru")).description == "Заказы и согласования"
    assert (await bot.get_my_short_description()).short_description == "Заказы"
    assert (await bot.get_my_name()).name == "Заказы"


async def test_log_out_and_close_are_harmless(bot: Bot) -> None:
    assert await bot.log_out() is True
    assert await bot.close() is True
    assert (await bot.get_me()).id == 123456


async def test_webhook_set_info_and_delete(bot: Bot) -> None:
    assert (
        await bot.set_webhook(
            "http://127.0.0.1:9/hook", secret_token="s3cret_-", max_connections=5, allowed_updates=["message"]
        )
        is True
    )
    info = await bot.get_webhook_info()
    assert info.url == "http://127.0.0.1:9/hook" and info.max_connections == 5
    assert info.allowed_updates == ("message",)
    assert await bot.delete_webhook(drop_pending_updates=True) is True
    assert (await bot.get_webhook_info()).url == ""


async def test_a_secret_token_outside_the_allowed_alphabet_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Secret token contains unallowed characters"):
        await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="no spaces!")
    with pytest.raises(BadRequest, match="Secret token"):
        await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="x" * 257)


async def test_markdown_v2_is_parsed_too(bot: Bot, anna: int) -> None:
    sent = await bot.send_message(anna, r"*Итого:* 1\.500 ₽ `код`", parse_mode=ParseMode.MARKDOWN_V2)
    assert sent.text == "Итого: 1.500 ₽ код"
    assert [e.type for e in sent.entities] == ["bold", "code"]


async def test_chat_and_member_lookups_describe_the_person(bot: Bot, anna: int) -> None:
    chat = await bot.get_chat(anna)
    assert (chat.id, chat.type, chat.first_name) == (anna, "private", "Анна")
    member = await bot.get_chat_member(anna, anna)
    assert member.status == "member" and member.user.language_code == "ru"


async def test_several_messages_are_deleted_at_once_skipping_missing_ones(
    bot: Bot, anna: int, sandbox: SandboxClient
) -> None:
    first = await bot.send_message(anna, "one")
    second = await bot.send_message(anna, "two")
    assert await bot.delete_messages(anna, [first.message_id, second.message_id, 999]) is True
    assert [m["deleted"] for m in (await sandbox.transcript(anna))["messages"][-2:]] == [True, True]
