"""The test client drives a real python-telegram-bot Application as people would."""

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from sandbox.clock import Clock
from sandbox.testing import Button, SandboxClient
from tests.sandbox.conftest import StartBot

Context = ContextTypes.DEFAULT_TYPE


async def greet(update: Update, context: Context) -> None:
    """Answer /start with the payload and a keyboard to approve or reject."""
    assert update.message is not None and update.effective_user is not None
    payload = " ".join(context.args or []) or "none"
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Согласовать", callback_data="approve:1"),
                InlineKeyboardButton("Отклонить", callback_data="reject:1"),
            ],
            [InlineKeyboardButton("Сайт", url="https://example.org")],
        ]
    )
    await update.message.reply_html(
        f"Здравствуйте, <b>{update.effective_user.first_name}</b>! ({payload})", reply_markup=keyboard
    )


def work(context: Context, *, seconds: float) -> None:
    """The work a real bot does between two calls, as `seconds` passing at once on the emulator's clock."""
    clock: Clock = context.bot_data["clock"]
    clock.advance(seconds)


async def decide(update: Update, context: Context) -> None:
    """Answer the tap first, then edit the message, as a real handler does."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer("Согласовано" if query.data.startswith("approve") else "Отклонено")
    if query.data.endswith(":999"):
        return  # a stale button: the answer says it all
    work(context, seconds=0.15)  # longer than the quiet period, shorter than the follow-up one
    await query.edit_message_text(f"Решение: {query.data}")


async def echo(update: Update, context: Context) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text, reply_markup=ReplyKeyboardMarkup([["Да", "Нет"]]))


@pytest.fixture
async def keyboard_bot(sandbox: SandboxClient, start_polling_bot: StartBot) -> None:
    application = await start_polling_bot(
        [
            CommandHandler("start", greet),
            CallbackQueryHandler(decide),
            MessageHandler(filters.TEXT & ~filters.COMMAND, echo),
        ]
    )
    application.bot_data["clock"] = sandbox.emulator.clock


async def test_send_returns_once_the_bot_has_answered(sandbox: SandboxClient, keyboard_bot: None) -> None:
    anna = sandbox.user(1001, first_name="Анна", language_code="ru")
    reaction = await anna.send("/start invite-42")
    assert anna.last_message.text == "Здравствуйте, Анна! (invite-42)"
    assert reaction.messages == [anna.last_message]
    assert anna.last_message.entities == [{"type": "bold", "offset": 14, "length": 4}]
    assert anna.last_message.buttons == [
        [("Согласовать", "approve:1"), ("Отклонить", "reject:1")],
        [("Сайт", "https://example.org")],
    ]
    assert anna.last_message.button("Сайт").is_url


async def test_tap_waits_for_the_answer_and_the_edit_that_follows(sandbox: SandboxClient, keyboard_bot: None) -> None:
    anna = sandbox.user(1001, first_name="Анна")
    await anna.send("/start")
    reaction = await anna.tap("Согласовать")
    assert anna.last_answer == "Согласовано"
    assert reaction.answer is not None and reaction.answer.text == "Согласовано"
    assert anna.last_message.text == "Решение: approve:1"
    assert anna.last_message.buttons == []
    assert reaction.edited == [anna.last_message]
    assert anna.last_message.edits[0]["text"] == "Здравствуйте, Анна! (none)"


async def test_tapping_a_button_that_is_not_there_fails_with_the_buttons_shown(
    sandbox: SandboxClient, keyboard_bot: None
) -> None:
    anna = sandbox.user(1001)
    await anna.send("/start")
    with pytest.raises(AssertionError, match="Отклонить"):
        await anna.tap("Утвердить")


async def test_tapping_a_link_button_fails_because_it_sends_no_callback(
    sandbox: SandboxClient, keyboard_bot: None
) -> None:
    anna = sandbox.user(1001)
    await anna.send("/start")
    with pytest.raises(AssertionError, match="sends no callback"):
        await anna.tap("Сайт")


async def test_a_silent_bot_fails_the_test_with_the_end_of_the_chat(
    sandbox: SandboxClient, start_polling_bot: StartBot
) -> None:
    await start_polling_bot([])
    boris = sandbox.user(1002)
    with pytest.raises(AssertionError, match=r"did not react to .hello. in chat 1002.*\n.*#1 user: hello"):
        await boris.send("hello", within=0.3)


async def test_the_reply_keyboard_the_person_sees_is_readable(sandbox: SandboxClient, keyboard_bot: None) -> None:
    anna = sandbox.user(1001)
    await anna.send("эхо")
    assert anna.reply_keyboard == [["Да", "Нет"]]


async def test_send_nowait_returns_before_the_bot_answers(sandbox: SandboxClient, keyboard_bot: None) -> None:
    anna = sandbox.user(1001)
    message_id = await anna.send_nowait("раз")
    assert message_id == 1
    message = await anna.wait_for_message()
    assert message.text == "раз"


async def test_a_forged_tap_reaches_the_bot_and_is_answered(sandbox: SandboxClient, keyboard_bot: None) -> None:
    anna = sandbox.user(1001)
    await anna.send("/start")
    reaction = await anna.tap_data("approve:999", message_id=anna.last_message.message_id, forge=True)
    assert reaction.answer is not None and reaction.answer.text == "Согласовано"
    assert reaction.edited == [] and reaction.messages == []


def test_buttons_compare_as_pairs_of_text_and_value() -> None:
    assert Button("Да", "yes") == ("Да", "yes")
    assert not Button("Да", "yes").is_url


async def answer_then_think(update: Update, context: Context) -> None:
    """Answer the tap, then work longer than any quiet period before editing."""
    query = update.callback_query
    assert query is not None
    await query.answer("Принято")
    work(context, seconds=0.5)
    await query.edit_message_text("Готово")


async def two_replies_apart(update: Update, context: Context) -> None:
    assert update.message is not None
    await update.message.reply_text(
        "Сейчас посмотрю…", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Ок", callback_data="ok")]])
    )
    work(context, seconds=0.4)
    await update.message.reply_text("Вот что нашлось")


async def test_a_tracked_bot_is_waited_for_exactly_however_long_it_pauses(
    sandbox: SandboxClient, start_polling_bot: StartBot
) -> None:
    application = await start_polling_bot(
        [MessageHandler(filters.TEXT, two_replies_apart), CallbackQueryHandler(answer_then_think)], track=True
    )
    application.bot_data["clock"] = sandbox.emulator.clock
    anna = sandbox.user(1001)
    reaction = await anna.send("найди")
    assert [m.text for m in reaction.messages] == ["Сейчас посмотрю…", "Вот что нашлось"]
    reaction = await anna.tap("Ок")
    assert anna.last_answer == "Принято" and reaction.edited[0].text == "Готово"


async def test_a_tracked_bot_that_ignores_a_message_fails_at_once(
    sandbox: SandboxClient, start_polling_bot: StartBot
) -> None:
    await start_polling_bot([], track=True)
    with pytest.raises(AssertionError, match="handled 'hello' but changed nothing in chat 1001"):
        await sandbox.user(1001).send("hello", within=3)


async def edit_without_answering(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    await query.edit_message_text("Молча")


async def test_a_tracked_bot_that_leaves_a_tap_unanswered_fails_the_test(
    sandbox: SandboxClient, start_polling_bot: StartBot
) -> None:
    await start_polling_bot([CommandHandler("start", greet), CallbackQueryHandler(edit_without_answering)], track=True)
    anna = sandbox.user(1001)
    await anna.send("/start")
    with pytest.raises(AssertionError, match="handled the tap on 'Согласовать' without answering the callback"):
        await anna.tap("Согласовать")
