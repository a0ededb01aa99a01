"""The control API plays the people and shows their chats, as documented in sandbox/README.md."""

import asyncio

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from sandbox.testing import SandboxClient

ANNA = 1001
GROUP = -5001


async def test_a_message_becomes_an_update_with_a_bot_command_entity(sandbox: SandboxClient, bot: Bot) -> None:
    posted = await sandbox.request(
        "POST",
        "/messages",
        json={
            "user_id": ANNA,
            "text": "/start invite-7",
            "first_name": "Анна",
            "last_name": "К",
            "username": "anna_k",
            "language_code": "ru",
        },
    )
    assert (posted["update_id"], posted["message_id"], posted["chat_id"]) == (1, 1, ANNA)
    update = (await bot.get_updates())[0]
    assert update.message is not None and update.effective_user is not None
    assert update.message.text == "/start invite-7"
    assert update.message.entities[0].type == "bot_command" and update.message.entities[0].length == 6
    assert (update.effective_user.language_code, update.effective_user.username) == ("ru", "anna_k")


async def test_group_messages_arrive_from_a_group_chat(sandbox: SandboxClient, bot: Bot) -> None:
    await sandbox.user(ANNA).in_group(GROUP, title="Продажи").send_nowait("всем привет")
    update = (await bot.get_updates())[0]
    assert update.effective_chat is not None
    assert (update.effective_chat.id, update.effective_chat.type, update.effective_chat.title) == (
        GROUP,
        "group",
        "Продажи",
    )
    await bot.send_message(GROUP, "и вам")
    assert [m["text"] for m in (await sandbox.transcript(GROUP))["messages"]] == ["всем привет", "и вам"]


async def test_a_tap_must_name_a_real_button_of_a_bot_message(sandbox: SandboxClient, bot: Bot) -> None:
    await sandbox.user(ANNA).send_nowait("/start")
    sent = await bot.send_message(
        ANNA, "?", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Да", callback_data="yes")]])
    )
    tap = {"user_id": ANNA, "message_id": sent.message_id, "data": "no"}
    with pytest.raises(AssertionError, match=r"no callback button with data 'no'; its buttons are \[\('Да', 'yes'\)\]"):
        await sandbox.request("POST", "/callbacks", json=tap)
    with pytest.raises(AssertionError, match="was not sent by the bot"):
        await sandbox.request("POST", "/callbacks", json={**tap, "message_id": 1})
    with pytest.raises(AssertionError, match="does not exist"):
        await sandbox.request("POST", "/callbacks", json={**tap, "message_id": 99})
    forged = await sandbox.request("POST", "/callbacks", json={**tap, "forge": True})
    assert forged["callback_query_id"]


async def test_a_forged_tap_on_a_missing_message_names_an_inaccessible_message(
    sandbox: SandboxClient, bot: Bot
) -> None:
    await sandbox.user(ANNA).send_nowait("/start")
    await sandbox.request("POST", "/callbacks", json={"user_id": ANNA, "message_id": 99, "data": "x", "forge": True})
    query = (await bot.get_updates(offset=2))[0].callback_query
    assert query is not None and query.message is not None
    assert query.message.message_id == 99 and not query.message.is_accessible


async def test_the_transcript_lists_both_sides_in_order_with_revisions(sandbox: SandboxClient, bot: Bot) -> None:
    await sandbox.user(ANNA).send_nowait("one")
    await bot.send_message(ANNA, "two")
    transcript = await sandbox.transcript(ANNA)
    assert [(m["from"], m["text"], m["revision"]) for m in transcript["messages"]] == [
        ("user", "one", 1),
        ("bot", "two", 2),
    ]
    assert transcript["revision"] == 2 and transcript["chat"]["id"] == ANNA


async def test_a_transcript_read_can_wait_for_the_next_revision(sandbox: SandboxClient, bot: Bot) -> None:
    await sandbox.user(ANNA).send_nowait("one")
    later = asyncio.ensure_future(
        sandbox.request("GET", f"/chats/{ANNA}", params={"wait_revision_gt": 1, "timeout": 5})
    )
    assert await sandbox.world.chats[ANNA].waiting_readers.wait_for_one()
    assert not later.done()
    await bot.send_message(ANNA, "two")
    assert (await later)["revision"] == 2


async def test_wait_reports_unsettled_when_the_bot_stays_silent(sandbox: SandboxClient) -> None:
    await sandbox.user(ANNA).send_nowait("hello?")
    answer = await sandbox.wait(ANNA, after_revision=1, within=0.1)
    assert answer["settled"] is False


async def test_wait_settles_only_after_the_bot_has_been_quiet(sandbox: SandboxClient, bot: Bot) -> None:
    await sandbox.user(ANNA).send_nowait("hello")
    waiting = asyncio.ensure_future(sandbox.wait(ANNA, after_revision=1, quiet=30, within=5))
    assert await sandbox.world.chats[ANNA].waiting_readers.wait_for_one()
    await bot.send_message(ANNA, "first")
    await sandbox.advance_clock(20)  # the bot thinks, for less than the quiet period
    await bot.send_message(ANNA, "second")
    await sandbox.advance_clock(30)  # and then stays quiet
    answer = await waiting
    assert answer["settled"] and [m["text"] for m in answer["messages"]][-2:] == ["first", "second"]


async def test_a_person_known_in_advance_can_be_written_to(sandbox: SandboxClient, bot: Bot) -> None:
    registered = await sandbox.register_user(3003, first_name="Вера", language_code="ru")
    assert registered["user"] == {"id": 3003, "is_bot": False, "first_name": "Вера", "language_code": "ru"}
    await bot.send_message(3003, "Добро пожаловать")


async def test_the_clock_moves_forward_for_dates(sandbox: SandboxClient, bot: Bot) -> None:
    await sandbox.user(ANNA).send_nowait("/start")
    before = (await bot.send_message(ANNA, "now")).date
    await sandbox.advance_clock(3600)
    after = (await bot.send_message(ANNA, "later")).date
    assert 3600 <= (after - before).total_seconds() < 3610


async def test_reset_forgets_everything(sandbox: SandboxClient, bot: Bot) -> None:
    await sandbox.user(ANNA).send_nowait("/start")
    await sandbox.add_fault("error", method="getMe", status=500)
    await sandbox.reset()
    assert (await sandbox.request("GET", "/chats"))["chats"] == []
    assert (await sandbox.request("GET", "/faults"))["rules"] == []
    assert (await bot.get_me()).id == 123456


async def test_stats_count_calls_per_method(sandbox: SandboxClient, bot: Bot) -> None:
    await bot.get_me()
    await bot.get_updates()
    stats = await sandbox.stats()
    assert stats["calls"]["getMe"] >= 2 and stats["calls"]["getUpdates"] == 1 and stats["strict"] is True


async def test_bot_info_shows_the_bot_and_its_queue(sandbox: SandboxClient, bot: Bot) -> None:
    await sandbox.user(ANNA).send_nowait("/start")
    info = await sandbox.bot_info()
    assert info["bot"]["id"] == 123456 and info["pending_updates"] == 1


async def test_control_calls_before_any_bot_go_to_the_first_bot_that_comes(sandbox: SandboxClient) -> None:
    await sandbox.user(ANNA).send_nowait("early")
    await sandbox.user(ANNA).block()
    async with Bot("777:late-bot", base_url=sandbox.bot_api_url) as late_bot:
        updates = await late_bot.get_updates()
    assert updates[0].message is not None and updates[0].message.text == "early"
    member = updates[1].my_chat_member
    assert member is not None and member.new_chat_member.user.id == 777


async def test_an_unknown_chat_is_404_with_a_reason(sandbox: SandboxClient) -> None:
    with pytest.raises(AssertionError, match="no chat 42"):
        await sandbox.transcript(42)


async def test_a_message_without_text_is_refused_with_a_reason(sandbox: SandboxClient) -> None:
    with pytest.raises(AssertionError, match="text must be a string and is required"):
        await sandbox.request("POST", "/messages", json={"user_id": ANNA})
