"""/settings on a phone: one message of buttons edited in place; the language, instant notices or a daily
digest, quiet hours (a preset, none, or typed) and the kinds of notice to mute, each stored at a tap;
what cannot be taken is refused with words saying why, and changes nothing."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select
from telegram import BotCommandScopeChat

from core import use_cases as uc
from core.events import EventKind, known_kinds
from core.models import Person
from core.notice_kinds import ALWAYS_HEARD, CATEGORY_KINDS
from sandbox.testing import ChatMessage, SandboxUser
from tests.e2e.conftest import ADMIN, MANAGER, PLANNER, RunningBot
from tests.e2e.test_new_request import start_request

ANSWERED = 0.02


async def stored(bot: RunningBot, telegram_id: int) -> Person:
    async with bot.db.reading() as session:
        person = await session.scalar(select(Person).where(Person.telegram_id == telegram_id))
    assert person is not None
    return person


async def flow_kind(bot: RunningBot, telegram_id: int) -> object:
    person = await stored(bot, telegram_id)
    return (await uc.load_draft(bot.db, person_id=person.id)).get("flow", {}).get("kind")


def labels(message: ChatMessage) -> list[str]:
    return [label for row in message.button_texts for label in row]


# Notices (`bot.notices`) may reach the chat at any moment: the screen and the replies are found by what they say.


def newest(user: SandboxUser, *parts: str) -> ChatMessage:
    """The newest message of the bot that says all of `parts`."""
    for message in reversed(user.bot_messages):
        if all(part in (message.text or "") for part in parts):
            return message
    raise AssertionError(f"no message says {parts}: {[m.text for m in user.bot_messages[-4:]]}")


def screen(user: SandboxUser) -> ChatMessage:
    """The settings screen on display, as it is now (a tap edits it in place)."""
    return newest(user, "⚙️")


async def open_settings(user: SandboxUser) -> int:
    await user.send("/settings")
    return screen(user).message_id


async def tap(user: SandboxUser, label: str) -> ChatMessage:
    """Tap a button of the settings screen; the screen afterwards."""
    await user.tap(label, message_id=screen(user).message_id)
    return screen(user)


# --- the screen ---


async def test_the_settings_screen_shows_the_defaults_and_says_what_always_comes_at_once(
    running_bot: RunningBot,
) -> None:
    manager = running_bot.user(MANAGER)
    await open_settings(manager)
    shown = screen(manager)
    text = shown.text or ""
    assert "Настройки" in text and "Язык: Русский" in text
    assert "Уведомления: сразу" in text
    assert "Тихие часы: 21:00–08:00 (по умолчанию)" in text
    assert "Решения, которые ждут вас" in text and "приходят сразу" in text and "Europe/Moscow" in text
    assert "Решение, которое ждёт вас, приходит всегда: его отключить нельзя" in text
    assert {"✓ Русский", "English", "✓ ⚡ Сразу", "🗞 Сводка раз в день", "✓ 🌙 21:00–08:00"} <= set(labels(shown))
    assert "🔔 Приглашения приняты" not in labels(shown), "invitations are an admin's"


async def test_changing_the_language_redraws_the_screen_in_it_and_the_next_reply_and_menu_follow(
    running_bot: RunningBot,
) -> None:
    manager = running_bot.user(MANAGER)
    first = await open_settings(manager)
    shown = await tap(manager, "English")
    assert shown.message_id == first, "the same message, edited in place"
    assert "Settings" in (shown.text or "") and "Language: English" in (shown.text or "")
    assert "✓ English" in labels(shown)
    assert (await stored(running_bot, MANAGER)).language == "en"
    await manager.send("/help")
    newest(manager, "/orders — the registry of orders")
    menu = await running_bot.application.bot.get_my_commands(scope=BotCommandScopeChat(MANAGER))
    assert {c.command: c.description for c in menu}["orders"] == "Registry of orders"
    assert "Язык: Русский" in (await tap(manager, "Русский")).text
    await manager.send("/help")
    newest(manager, "/orders — реестр заказов")


async def test_a_language_the_bot_has_no_texts_in_is_refused_and_changes_nothing(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    message_id = await open_settings(manager)
    reaction = await manager.tap_data("s:l:de", message_id=message_id, forge=True, quiet=ANSWERED)
    assert reaction.answer is not None and "Язык «de» недоступен" in (reaction.answer.text or "")
    assert (await stored(running_bot, MANAGER)).language == "ru"


# --- instant or a daily digest ---


async def test_a_daily_digest_is_chosen_with_its_hour_and_instant_notices_chosen_back(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await open_settings(manager)
    shown = await tap(manager, "🗞 Сводка раз в день")
    assert "раз в день, одной сводкой в 08:00, когда кончаются тихие часы" in (shown.text or "")
    assert (await stored(running_bot, MANAGER)).notify_digest is True
    assert "Уведомления: сразу" in ((await tap(manager, "⚡ Сразу")).text or "")
    assert (await stored(running_bot, MANAGER)).notify_digest is False


# --- quiet hours ---


async def test_quiet_hours_are_chosen_with_one_tap_and_none_keeps_the_digests_hour(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await open_settings(manager)
    shown = await tap(manager, "🌙 22:00–07:00")
    person = await stored(running_bot, MANAGER)
    assert (person.quiet_from, person.quiet_to) == (time(22, 0), time(7, 0))
    assert "Тихие часы: 22:00–07:00: до их конца" in (shown.text or "")
    assert "✓ 🌙 22:00–07:00" in labels(shown)
    await tap(manager, "🗞 Сводка раз в день")
    shown = await tap(manager, "🌙 Без тихих часов")
    person = await stored(running_bot, MANAGER)
    assert person.quiet_from == person.quiet_to == time(7, 0)  # none at all, and the digest still at 07:00
    assert "Тихие часы: нет" in (shown.text or "") and "одной сводкой в 07:00." in (shown.text or "")


async def test_quiet_hours_are_typed_after_other_hours_in_either_form(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await open_settings(manager)
    await tap(manager, "✏️ Другие часы")
    newest(manager, "Напишите тихие часы", "22-7")
    await manager.send("23:30-06:00")
    shown = newest(manager, "✅ Тихие часы теперь 23:30–06:00")
    assert "✓ ✏️ 23:30–06:00" in labels(shown)
    person = await stored(running_bot, MANAGER)
    assert (person.quiet_from, person.quiet_to) == (time(23, 30), time(6, 0))
    assert await flow_kind(running_bot, MANAGER) is None, "the flow is over"
    await tap(manager, "✓ ✏️ 23:30–06:00")
    await manager.send("с 22 до 7")
    newest(manager, "✅ Тихие часы теперь 22:00–07:00")
    person = await stored(running_bot, MANAGER)
    assert (person.quiet_from, person.quiet_to) == (time(22, 0), time(7, 0))


async def test_quiet_hours_that_cannot_be_read_or_last_no_time_are_refused_and_the_flow_goes_on(
    running_bot: RunningBot,
) -> None:
    manager = running_bot.user(MANAGER)
    await open_settings(manager)
    await tap(manager, "✏️ Другие часы")
    await manager.send("поздно вечером")
    newest(manager, "Не удалось прочитать тихие часы из «поздно вечером»", "22:00-07:00")
    await manager.send("8-8")
    newest(manager, "с 08:00 до 08:00 не длились бы ни минуты", "Без тихих часов")
    person = await stored(running_bot, MANAGER)
    assert (person.quiet_from, person.quiet_to) == (None, None), "nothing was stored"
    assert await flow_kind(running_bot, MANAGER) == "settings_quiet"
    await manager.send("22-7")
    person = await stored(running_bot, MANAGER)
    assert (person.quiet_from, person.quiet_to) == (time(22, 0), time(7, 0))


async def test_a_preset_tapped_while_typing_quiet_hours_ends_the_typing(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await open_settings(manager)
    await tap(manager, "✏️ Другие часы")
    await tap(manager, "🌙 20:00–09:00")
    assert await flow_kind(running_bot, MANAGER) is None
    person = await stored(running_bot, MANAGER)
    assert (person.quiet_from, person.quiet_to) == (time(20, 0), time(9, 0))


async def test_typing_quiet_hours_waits_while_a_request_is_being_registered(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await start_request(manager)
    await open_settings(manager)
    reaction = await manager.tap("✏️ Другие часы", message_id=screen(manager).message_id)
    assert reaction.answer is not None and "Вы ещё вводите другое" in (reaction.answer.text or "")
    assert await flow_kind(running_bot, MANAGER) != "settings_quiet", "the request's conversation is kept"


async def test_cancel_stops_typing_quiet_hours(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await open_settings(manager)
    await tap(manager, "✏️ Другие часы")
    await manager.send("/cancel")
    assert await flow_kind(running_bot, MANAGER) is None
    assert (await stored(running_bot, MANAGER)).quiet_from is None


# --- what to tell about ---


def test_every_kind_of_notice_is_in_one_category_or_always_comes() -> None:
    covered = [kind for kinds in CATEGORY_KINDS.values() for kind in kinds]
    assert len(covered) == len(set(covered)), "a kind in two categories"
    assert set(covered) | ALWAYS_HEARD == known_kinds()
    assert not set(covered) & ALWAYS_HEARD
    assert EventKind.APPROVAL_STEP_OPENED in ALWAYS_HEARD  # a decision waiting cannot be muted


async def test_muting_a_category_stores_its_kinds_and_turning_it_on_removes_them(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await open_settings(manager)
    shown = await tap(manager, "🔔 Изменения заказов")
    assert (await stored(running_bot, MANAGER)).muted_kinds == ["order.changed"]
    assert "🔕 Изменения заказов" in labels(shown)
    assert "🔕 Изменения заказов — строки" in (shown.text or "")
    await tap(manager, "🔔 Согласование")
    assert (await stored(running_bot, MANAGER)).muted_kinds == [
        "approval.restarted",
        "approval.voted",
        "order.changed",
        "order.rejected",
    ]
    shown = await tap(manager, "🔕 Изменения заказов")
    assert (await stored(running_bot, MANAGER)).muted_kinds == [
        "approval.restarted",
        "approval.voted",
        "order.rejected",
    ]
    assert "🔔 Изменения заказов" in labels(shown)


async def test_a_planner_mutes_orders_reaching_execution_with_the_progress_of_orders(running_bot: RunningBot) -> None:
    planner = running_bot.user(PLANNER)
    await open_settings(planner)
    assert "для планировщиков — заказы в исполнении" in (screen(planner).text or "")
    await tap(planner, "🔔 Движение заказов")
    assert (await stored(running_bot, PLANNER)).muted_kinds == [
        "order.registered",
        "order.stage_changed",
        "order.submitted",
    ]


async def test_a_double_tap_on_a_kind_of_notice_mutes_it_once(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    message_id = await open_settings(manager)
    data = screen(manager).button("🔔 Изменения заказов").value
    await manager.tap_data(data, message_id=message_id)
    await manager.tap_data(data, message_id=message_id, forge=True)
    assert (await stored(running_bot, MANAGER)).muted_kinds == ["order.changed"]


async def test_invitations_are_offered_to_admins_and_refused_to_anyone_else(running_bot: RunningBot) -> None:
    admin = running_bot.user(ADMIN)
    await open_settings(admin)
    await tap(admin, "🔔 Приглашения приняты")
    assert (await stored(running_bot, ADMIN)).muted_kinds == ["invite.used"]
    manager = running_bot.user(MANAGER)
    message_id = await open_settings(manager)
    reaction = await manager.tap_data("s:m:invites:1", message_id=message_id, forge=True, quiet=ANSWERED)
    assert reaction.answer is not None and "Уведомлений вида «invites» для вас нет" in (reaction.answer.text or "")
    assert (await stored(running_bot, MANAGER)).muted_kinds == []


async def test_forged_settings_buttons_are_refused_and_change_nothing(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    message_id = await open_settings(manager)
    for data in ("s:d:7", "s:d", "s:q:3-4", "s:q", "s:m:progress:5", "s:m:payments:1", "s:m"):
        reaction = await manager.tap_data(data, message_id=message_id, forge=True, quiet=ANSWERED)
        assert reaction.answer is not None and reaction.answer.show_alert, data
        assert "Эта кнопка не от меня" in (reaction.answer.text or "") or "для вас нет" in (reaction.answer.text or "")
    person = await stored(running_bot, MANAGER)
    assert (person.notify_digest, person.quiet_from, person.muted_kinds) == (False, None, [])
