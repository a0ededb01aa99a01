"""The web chat page against the sandbox and a scripted bot: formatting, keyboards, edits, files,
callback answers, the command menu, new people, dark mode and a phone's screen.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import expect
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
)

from sandbox.server import open_webchat
from sandbox.testing import SandboxClient, running_sandbox
from tests.webchat.chat_page import ChatPane
from tests.webchat.conftest import PHONE, screenshot_path

ANNA = 1001
BORIS = 1002
HOSTILE = '<img src=x onerror="window.hacked=1">'


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxClient]:
    async with running_sandbox() as client:
        await client.register_user(ANNA, first_name="Анна", last_name="Иванова", label="manager")
        await client.register_user(BORIS, first_name="Борис", label="approver")
        yield client


@pytest.fixture
async def bot(sandbox: SandboxClient) -> AsyncIterator[Bot]:
    async with Bot(sandbox.token, base_url=sandbox.bot_api_url, base_file_url=sandbox.file_url) as ready:
        yield ready


@pytest.fixture
async def anna(sandbox: SandboxClient, bot: Bot, open_page: Any) -> ChatPane:
    """Anna's chat, open on the page (the bot has spoken, so the page talks to its world)."""
    assert sandbox.running is not None
    page = await open_page(await open_webchat(sandbox.running))
    pane = ChatPane(page, ANNA)
    await pane.open()
    return pane


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x2a\x7a\xb8" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


async def test_telegram_html_is_drawn_with_its_tags_and_nothing_else_becomes_markup(bot: Bot, anna: ChatPane) -> None:
    await bot.send_message(
        ANNA,
        "<b>bold</b> <i>italic</i> <u>under</u> <s>struck</s> <code>code</code> <pre>pre block</pre> "
        '<a href="https://example.com/x">link</a> <tg-spoiler>secret</tg-spoiler> <b>nested <i>both</i></b>'
        f"<blockquote>quoted</blockquote> {HOSTILE.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}",
        parse_mode="HTML",
    )
    text = anna.root.locator(".msg .text").last
    for tag, shown in [
        ("b", "bold"),
        ("i", "italic"),
        ("u", "under"),
        ("s", "struck"),
        ("code", "code"),
        ("pre", "pre block"),
        ("blockquote", "quoted"),
        ("b i", "both"),
    ]:
        await expect(text.locator(tag).filter(has_text=shown)).to_have_count(1)
    link = text.locator("a", has_text="link")
    assert await link.get_attribute("href") == "https://example.com/x"
    assert await link.get_attribute("rel") == "noopener noreferrer"
    spoiler = text.locator(".spoiler")
    await expect(spoiler).not_to_have_class("spoiler revealed")
    await spoiler.click()
    await expect(spoiler).to_have_class("spoiler revealed")
    await expect(text).to_contain_text(HOSTILE)  # shown as the text it is
    await expect(text.locator("img")).to_have_count(0)
    assert await anna.page.evaluate("window.hacked") is None


async def test_inline_buttons_tap_and_the_answer_shows_as_a_toast_or_an_alert(
    sandbox: SandboxClient, bot: Bot, anna: ChatPane
) -> None:
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Да", callback_data="yes"), InlineKeyboardButton("Сайт", url="https://example.com")]]
    )
    sent = await bot.send_message(ANNA, "Согласовать?", reply_markup=keyboard)
    await expect(anna.root.locator("a.key", has_text="Сайт")).to_have_attribute("href", "https://example.com/")
    for answer, show_alert in (("Принято", False), ("Нельзя: заказ изменился", True)):
        await anna.root.locator("button.key", has_text="Да").click()
        query = await waiting_query(sandbox, ANNA)
        assert (query["message_id"], query["data"]) == (sent.message_id, "yes")
        await bot.answer_callback_query(query["callback_query_id"], text=answer, show_alert=show_alert)
        if show_alert:
            await expect(anna.root.locator("dialog.alert")).to_contain_text(answer)
            await anna.root.locator("dialog.alert button").click()
            await expect(anna.root.locator("dialog.alert")).not_to_be_visible()
        else:
            await expect(anna.root.locator(".toast")).to_contain_text(answer)


async def waiting_query(sandbox: SandboxClient, chat_id: int) -> dict[str, Any]:
    """The callback query the page has just made, once the sandbox has it."""
    for _ in range(50):
        queries = [q for q in (await sandbox.transcript(chat_id))["callbacks"] if not q["answered"]]
        if queries:
            return queries[-1]
        await sandbox.wait(chat_id, after_revision=(await sandbox.transcript(chat_id))["revision"], within=0.2)
    raise AssertionError("the page made no callback query")


async def test_edits_show_in_place_and_deleted_messages_go(bot: Bot, anna: ChatPane) -> None:
    sent = await bot.send_message(ANNA, "Заказ · Заявка")
    message = anna.root.locator(f'.msg[data-message-id="{sent.message_id}"]')
    await expect(message).to_contain_text("Заявка")
    await bot.edit_message_text("Заказ · Согласование", chat_id=ANNA, message_id=sent.message_id)
    await expect(message).to_contain_text("Согласование")
    await expect(message.locator(".meta")).to_contain_text("edited")
    await expect(anna.root.locator(".msg")).to_have_count(1)
    await bot.delete_message(ANNA, sent.message_id)
    await expect(message).to_have_count(0)


async def test_photos_are_shown_and_documents_download(bot: Bot, anna: ChatPane) -> None:
    await bot.send_photo(ANNA, photo=png(40, 20), caption="График")
    await bot.send_document(ANNA, document=b"a;b\n1;2\n", filename="orders.csv", caption="Реестр")
    photo = anna.root.locator("img.photo")
    await expect(photo).to_be_visible()
    assert await photo.evaluate("image => image.complete && image.naturalWidth") == 40
    document = anna.root.locator("a.document")
    await expect(document).to_have_attribute("download", "orders.csv")
    downloaded = await anna.page.request.get(await document.get_attribute("href"))
    assert await downloaded.body() == b"a;b\n1;2\n"


async def test_reply_keyboards_send_their_text_and_a_forced_reply_shows_its_placeholder(
    sandbox: SandboxClient, bot: Bot, anna: ChatPane
) -> None:
    await bot.send_message(
        ANNA,
        "Что дальше?",
        reply_markup=ReplyKeyboardMarkup([["Мои заказы", "Новая заявка"]], input_field_placeholder="Выберите действие"),
    )
    await expect(anna.input).to_have_attribute("placeholder", "Выберите действие")
    await anna.root.locator(".reply-keyboard .key", has_text="Мои заказы").click()
    await expect(anna.root.locator(".msg.from-user").last).to_contain_text("Мои заказы")
    asked = await bot.send_message(ANNA, "Причина отказа?", reply_markup=ForceReply(input_field_placeholder="Причина"))
    await expect(anna.input).to_have_attribute("placeholder", "Причина")
    await expect(anna.root.locator(".reply-keyboard")).to_be_hidden()
    await anna.input.fill("Дорого")
    await anna.input.press("Enter")
    await expect(anna.root.locator(".msg.from-user").last).to_contain_text("Дорого")
    reply = (await sandbox.transcript(ANNA))["messages"][-1]
    assert (reply["text"], reply["reply_to_message_id"]) == ("Дорого", asked.message_id)
    await expect(anna.root.locator(".msg.from-user .quote").last).to_contain_text("Причина отказа?")


async def test_the_bots_command_menu_for_this_chat_sends_a_command(
    sandbox: SandboxClient, bot: Bot, anna: ChatPane
) -> None:
    await bot.set_my_commands([BotCommand("orders", "Мои заказы")])
    await bot.set_my_commands(
        [BotCommand("new", "Новая заявка"), BotCommand("orders", "Заказы")], scope=BotCommandScopeChat(ANNA)
    )
    await bot.send_message(ANNA, "Меню обновлено")
    await anna.root.locator("button.menu").click()
    await expect(anna.root.locator(".commands button")).to_have_text(["/newНовая заявка", "/ordersЗаказы"])
    await anna.root.locator(".commands button", has_text="/new").click()
    await expect(anna.root.locator(".msg.from-user .text").last).to_have_text("/new")
    await expect(anna.root.locator(".commands")).to_be_hidden()


async def test_a_new_person_opens_the_bot_by_an_invite_link_and_sends_its_payload(
    sandbox: SandboxClient, bot: Bot, anna: ChatPane
) -> None:
    page = anna.page
    await page.locator("#add-person summary").click()
    await page.fill("#add-person-form [name=name]", "Ольга Новикова")
    await page.fill("#add-person-form [name=invite]", "https://t.me/sandbox_bot?start=inv-7Q")
    await page.click("#add-person-form button[type=submit]")
    stranger = page.locator(".pane.active")
    await expect(stranger.locator(".name")).to_have_text("Ольга Новикова")
    await expect(stranger.locator(".msg.from-user")).to_contain_text("/start inv-7Q")
    user_id = int(await stranger.get_attribute("data-user-id") or 0)
    assert user_id > BORIS
    await bot.send_message(user_id, "Добро пожаловать")
    await expect(stranger.locator(".msg.from-bot")).to_contain_text("Добро пожаловать")


async def test_people_are_listed_with_their_labels_and_chats_open_side_by_side_or_one_at_a_time_on_a_phone(
    sandbox: SandboxClient, bot: Bot, open_page: Any
) -> None:
    await bot.get_me()
    assert sandbox.running is not None
    url = await open_webchat(sandbox.running)
    wide = await open_page(url, dark=True)
    await expect(wide.locator('#people-list button[data-user-id="1002"]')).to_contain_text("Борис")
    await expect(wide.locator('#people-list button[data-user-id="1002"]')).to_contain_text("approver")
    for person in (ANNA, BORIS):
        await ChatPane(wide, person).open()
        await bot.send_message(person, f"Привет, {person}")
    await expect(wide.locator(".pane")).to_have_count(2)
    for pane in await wide.locator(".pane").all():
        await expect(pane).to_be_visible()
    background = await wide.evaluate("getComputedStyle(document.body).backgroundColor")
    assert sum(int(part) for part in background[4:-1].split(",")) < 3 * 80, background  # dark
    await wide.screenshot(path=screenshot_path("two-chats-dark"))

    phone = await open_page(url, viewport=PHONE)
    await ChatPane(phone, ANNA).open()
    await ChatPane(phone, BORIS).open()
    await expect(phone.locator(".pane.active")).to_have_attribute("data-user-id", str(BORIS))
    await expect(phone.locator(f'.pane[data-user-id="{ANNA}"]')).to_be_hidden()
    await expect(phone.locator("#people-list")).to_be_hidden()
    await phone.screenshot(path=screenshot_path("phone-one-chat"))
