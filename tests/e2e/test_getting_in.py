"""Getting in: staff are welcomed with their menu, strangers are politely refused, invitations work once."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import ADMIN, MANAGER, RunningBot


async def test_a_manager_is_welcomed_by_name_with_what_they_can_do(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/start")
    text = manager.last_message.text
    assert "Иванова" in text and "/new" in text and "/invite" not in text


async def test_a_stranger_gets_a_polite_refusal_and_nothing_else(running_bot: RunningBot) -> None:
    stranger = running_bot.user(777, language_code="en")
    for typed in ("/start", "/orders", "/order ЗС-000001", "ЗС-000001"):
        await stranger.send(typed)
        assert "staff of the company only" in stranger.last_message.text
        assert "ЗС-" not in stranger.last_message.text
    assert not stranger.last_message.buttons


async def test_an_invitation_works_once(running_bot: RunningBot) -> None:
    admin = running_bot.user(ADMIN)
    await admin.send("/invite planner")
    link = re.search(r"start=(i_[\w-]+)", admin.last_message.text)
    assert link is not None
    newcomer = running_bot.user(4321, first_name="Ольга", last_name="Новикова")
    await newcomer.send(f"/start {link.group(1)}")
    assert "Ольга" in newcomer.last_message.text
    latecomer = running_bot.user(4322)
    await latecomer.send(f"/start {link.group(1)}")
    assert "уже" in latecomer.last_message.text.lower()


async def test_only_an_admin_may_invite(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/invite admin")
    assert "i_" not in manager.last_message.text


async def test_an_order_card_opens_by_number_with_the_buttons_of_its_stage(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/order 1")
    card = manager.last_message
    assert "ЗС-000001" in card.text
    assert card.buttons


async def test_each_person_gets_the_menu_of_their_roles_in_their_language(running_bot: RunningBot) -> None:
    from telegram import BotCommandScopeChat

    bot = running_bot.application.bot
    for person in (MANAGER, ADMIN):
        await running_bot.user(person).send("/start")
    manager_menu = {c.command: c.description for c in await bot.get_my_commands(scope=BotCommandScopeChat(MANAGER))}
    admin_menu = {c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(ADMIN))}
    assert "new" in manager_menu and "invite" not in manager_menu
    assert manager_menu["orders"] == "Реестр заказов"
    assert "invite" in admin_menu and "new" not in admin_menu
    strangers = {c.command for c in await bot.get_my_commands(language_code="en")}
    assert strangers == {"help"}


async def test_an_invitation_link_names_the_bot(running_bot: RunningBot) -> None:
    admin = running_bot.user(ADMIN)
    await admin.send("/invite manager")
    assert re.search(r"https://t\.me/sandbox_bot\?start=i_[\w-]+", admin.last_message.text)


async def test_a_fault_of_ours_is_owned_up_to_not_met_with_silence(
    running_bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core import use_cases

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(use_cases, "get_order", broken)
    manager = running_bot.user(MANAGER)
    await manager.send("/order 1")
    assert "Не получилось" in manager.last_message.text and "сохранено" in manager.last_message.text


async def test_an_unknown_role_is_answered_once_with_the_roles_there_are(running_bot: RunningBot) -> None:
    admin = running_bot.user(ADMIN)
    await admin.send("/invite boss")
    answers = [message for message in admin.bot_messages if "boss" in (message.text or "")]
    assert len(admin.bot_messages) == 1 and len(answers) == 1, [m.text for m in admin.bot_messages]
    text = admin.last_message.text
    assert "Роли «boss» нет" in text and "менеджер по продажам" in text and "/invite менеджер" in text


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("менеджер", "Менеджер по продажам"),
        ("согласующий", "Согласующий"),
        ("планировщик", "Планировщик производства"),
        ("бухгалтер", "Бухгалтер"),
        ("руководитель", "Руководитель отдела продаж"),
        ("Администратор", "Администратор"),
        ("админ", "Администратор"),
    ],
)
async def test_an_admin_invites_by_the_russian_name_of_a_role(running_bot: RunningBot, typed: str, role: str) -> None:
    admin = running_bot.user(ADMIN)
    await admin.send(f"/invite {typed}")
    text = admin.last_message.text
    assert f"Приглашение на роль «{role}»" in text and "start=i_" in text, text


async def test_a_manager_who_tries_to_invite_is_sent_to_an_administrator(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/invite менеджер")
    text = manager.last_message.text
    assert "Приглашения делает администратор" in text and "i_" not in text
    assert "руководител" not in text.lower()
