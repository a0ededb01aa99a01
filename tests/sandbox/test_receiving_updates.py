"""Bots receive updates as from Telegram: by long polling, or through a webhook with a secret token."""

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, Update
from telegram.error import Conflict
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from sandbox.testing import SandboxClient
from sandbox.webhook import SECRET_HEADER
from tests.sandbox.conftest import StartBot, make_bot

Context = ContextTypes.DEFAULT_TYPE


async def shout(update: Update, context: Context) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text.upper())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_polling_application_answers_people(sandbox: SandboxClient, start_polling_bot: StartBot) -> None:
    await start_polling_bot([MessageHandler(filters.TEXT, shout)])
    anna = sandbox.user(1001)
    await anna.send("привет")
    await anna.send("ещё")
    assert [m.text for m in anna.bot_messages] == ["ПРИВЕТ", "ЕЩЁ"]


async def test_a_webhook_application_answers_people_and_checks_the_secret(sandbox: SandboxClient) -> None:
    port = free_port()
    application = (
        Application.builder().token(sandbox.token).base_url(sandbox.bot_api_url).base_file_url(sandbox.file_url).build()
    )
    application.add_handler(MessageHandler(filters.TEXT, shout))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="hook",
            webhook_url=f"http://127.0.0.1:{port}/hook",
            secret_token="webhook_Secret-1",
        )
        try:
            anna = sandbox.user(1001)
            await anna.send("через вебхук")
            assert anna.last_message.text == "ЧЕРЕЗ ВЕБХУК"
            info = await application.bot.get_webhook_info()
            assert info.url == f"http://127.0.0.1:{port}/hook" and info.pending_update_count == 0
        finally:
            await application.updater.stop()
            await application.stop()


@pytest.fixture
async def receiver() -> AsyncIterator[dict[str, Any]]:
    """A webhook endpoint that refuses its first two deliveries, and records what it got."""
    seen: dict[str, Any] = {"bodies": [], "secrets": [], "refusals": 2}

    async def hook(request: web.Request) -> web.Response:
        if seen["refusals"] > 0:
            seen["refusals"] -= 1
            return web.Response(status=500)
        seen["bodies"].append(await request.json())
        seen["secrets"].append(request.headers.get(SECRET_HEADER))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    seen["url"] = f"http://127.0.0.1:{port}/hook"
    yield seen
    await runner.cleanup()


async def test_a_failed_delivery_is_retried_and_reported_in_webhook_info(
    sandbox: SandboxClient, bot: Bot, receiver: dict[str, Any]
) -> None:
    webhook = sandbox.world.webhook
    await bot.set_webhook(receiver["url"], secret_token="abc")
    await sandbox.user(1001).send_nowait("one")
    assert await webhook.attempted.until(lambda: webhook.delivered == 1)
    assert webhook.failed == 2
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.last_error_date is not None and info.pending_update_count == 0
    assert receiver["secrets"] == ["abc"]
    assert receiver["bodies"][0]["message"]["text"] == "one"


async def test_pending_updates_are_counted_while_the_webhook_cannot_be_reached(
    sandbox: SandboxClient, bot: Bot
) -> None:
    webhook = sandbox.world.webhook
    await bot.set_webhook(f"http://127.0.0.1:{free_port()}/nobody")
    await sandbox.user(1001).send_nowait("one")
    await sandbox.user(1001).send_nowait("two")
    assert await webhook.attempted.until(lambda: webhook.failed >= 1)
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 2 and info.last_error_message == "Connection refused"
    await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_offset_confirms_earlier_updates_and_limit_caps_the_batch(sandbox: SandboxClient, bot: Bot) -> None:
    for text in ("a", "b", "c"):
        await sandbox.user(1001).send_nowait(text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["a", "b"]
    assert [u.update_id for u in await bot.get_updates()] == [1, 2, 3]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["c"]
    assert await bot.get_updates(offset=4) == ()


async def test_a_negative_offset_keeps_only_the_latest_updates(sandbox: SandboxClient, bot: Bot) -> None:
    for text in ("a", "b", "c"):
        await sandbox.user(1001).send_nowait(text)
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == [3]


async def test_a_long_poll_returns_as_soon_as_an_update_arrives(sandbox: SandboxClient, bot: Bot) -> None:
    poll = asyncio.ensure_future(bot.get_updates(timeout=60))
    assert await sandbox.world.updates.waiting_polls.wait_for_one()
    assert not poll.done()
    await sandbox.user(1001).send_nowait("now")
    updates = await asyncio.wait_for(poll, 5)
    assert updates[0].message is not None and updates[0].message.text == "now"


async def test_a_long_poll_ends_empty_when_its_timeout_passes_on_the_emulators_clock(
    sandbox: SandboxClient, bot: Bot
) -> None:
    poll = asyncio.ensure_future(bot.get_updates(timeout=60))
    assert await sandbox.world.updates.waiting_polls.wait_for_one()
    await sandbox.advance_clock(60)
    assert await asyncio.wait_for(poll, 5) == ()


async def test_a_second_poller_terminates_the_first_with_a_conflict(sandbox: SandboxClient, bot: Bot) -> None:
    first = asyncio.ensure_future(bot.get_updates(timeout=5))
    assert await sandbox.world.updates.waiting_polls.wait_for_one()
    async with make_bot(sandbox) as second_bot:
        await second_bot.get_updates(timeout=0)
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 2)


async def test_get_updates_conflicts_while_a_webhook_is_set(bot: Bot) -> None:
    await bot.set_webhook(f"http://127.0.0.1:{free_port()}/hook")
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()


async def test_allowed_updates_filter_what_is_queued_from_then_on(sandbox: SandboxClient, bot: Bot) -> None:
    anna = sandbox.user(1001)
    await anna.send_nowait("/start")
    await bot.get_updates(allowed_updates=["callback_query"])
    await anna.send_nowait("ignored")
    assert [u.update_id for u in await bot.get_updates()] == [1]


async def test_blocking_the_bot_sends_a_my_chat_member_update(sandbox: SandboxClient, bot: Bot) -> None:
    anna = sandbox.user(1001)
    await anna.send_nowait("/start")
    await anna.block()
    updates = await bot.get_updates(offset=2)
    member = updates[0].my_chat_member
    assert member is not None
    assert (member.old_chat_member.status, member.new_chat_member.status) == ("member", "kicked")
    assert member.new_chat_member.user.id == bot.id
