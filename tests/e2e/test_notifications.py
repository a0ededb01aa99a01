"""The bot speaks first: who hears what, in their language, with working buttons; nobody hears of their own act."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator

from sqlalchemy import select, update

from core import use_cases as uc
from core.locks import only_one
from core.models import NoticeStatus, Notification, Person
from core.stages import Stage
from core.views import OrderCard
from sandbox.client_model import ChatMessage
from sandbox.testing import SandboxUser
from tests.e2e.conftest import ADMIN, BOT_NOW, FINANCE, HEAD, MANAGER, PLANNER, RunningBot
from tests.e2e.test_order_card import SOON, customer_id, in_approval, item_id, new_request, order, person_id

BIG = (("ВК-100", "300"),)  # above the finance threshold: both approvers are asked at once


async def told(user: SandboxUser, *needles: str, within: float = 15.0) -> ChatMessage:
    """The newest message the bot sent this person with all of `needles` in it, waiting for it if it has not come."""
    deadline = time.monotonic() + within
    await user.refresh()
    while True:
        for message in reversed(user.bot_messages):
            if all(needle in (message.text or "") for needle in needles):
                return message
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"chat {user.chat_id} got no message with {needles}: {user.last_message.text!r}")
        with contextlib.suppress(AssertionError):  # a change that is no new message (an edit): look again
            await user.wait_for_message(within=left)


async def statuses(bot: RunningBot, telegram_id: int) -> list[str]:
    async with bot.db.reading() as session:
        found = await session.scalars(
            select(Notification.status)
            .join(Person, Person.id == Notification.person_id)
            .where(Person.telegram_id == telegram_id)
            .order_by(Notification.id)
        )
        return list(found)


async def registered_by_head(bot: RunningBot, manager: int = MANAGER) -> OrderCard:
    """A request the head of sales registers for a manager, as of the bot's clock: the manager is to hear of it."""
    return await uc.register_request(
        bot.db,
        actor_id=await person_id(bot, HEAD),
        counterparty_id=await customer_id(bot, "Ромашка"),
        responsible_id=await person_id(bot, manager),
        now=bot.clock(),
    )


async def test_a_submission_brings_each_approver_the_card_with_buttons_and_tells_the_manager_nothing(
    notifying_bot: RunningBot,
) -> None:
    card = await new_request(notifying_bot, lines=BIG)
    manager, head, finance = notifying_bot.user(MANAGER), notifying_bot.user(HEAD), notifying_bot.user(FINANCE)
    await manager.send(f"/order {card.number}")
    await manager.tap("На согласование")
    for approver in (head, finance):
        notice = await told(approver, "Ждёт вашего решения", card.number)
        assert {"Согласовать", "Вернуть на доработку", "Отклонить"} <= {b for row in notice.button_texts for b in row}
    await manager.refresh()
    assert "Ждёт вашего решения" not in (manager.last_message.text or "")
    assert await statuses(notifying_bot, MANAGER) == []


async def test_one_tap_on_the_notice_approves_and_the_manager_hears_it(notifying_bot: RunningBot) -> None:
    card = await in_approval(notifying_bot)
    head, manager = notifying_bot.user(HEAD), notifying_bot.user(MANAGER)
    notice = await told(head, "Ждёт вашего решения", card.number)
    await head.tap("Согласовать", message_id=notice.message_id)
    heard = await told(manager, card.number, "Согласовано")
    assert [b for row in heard.button_texts for b in row] == ["Открыть заказ"]
    assert (await order(notifying_bot, card.id)).stage is not Stage.REQUEST


async def test_a_rejection_tells_the_manager_why_and_closes_the_other_approvers_card(notifying_bot: RunningBot) -> None:
    card = await in_approval(notifying_bot, lines=BIG)
    head, finance, manager = notifying_bot.user(HEAD), notifying_bot.user(FINANCE), notifying_bot.user(MANAGER)
    asked = await told(finance, "Ждёт вашего решения", card.number)
    notice = await told(head, "Ждёт вашего решения", card.number)
    await head.tap("Отклонить", message_id=notice.message_id)
    await head.send("Цена ниже себестоимости")
    await told(manager, card.number, "Отклонён", "Цена ниже себестоимости")
    closed = await told(finance, "Решено: отклонён", "Петров")
    assert closed.message_id == asked.message_id and not closed.buttons
    assert (await order(notifying_bot, card.id)).stage is Stage.CANCELLED


async def test_a_return_for_rework_reaches_the_manager_with_what_to_fix(notifying_bot: RunningBot) -> None:
    card = await in_approval(notifying_bot)
    head, manager = notifying_bot.user(HEAD), notifying_bot.user(MANAGER)
    notice = await told(head, "Ждёт вашего решения", card.number)
    await head.tap("Вернуть на доработку", message_id=notice.message_id)
    await head.send("Уточните сроки поставки")
    await told(manager, card.number, "Возвращён на доработку", "Уточните сроки поставки")


async def test_a_manager_hears_of_an_order_a_head_of_sales_registered_for_them(notifying_bot: RunningBot) -> None:
    registered = await registered_by_head(notifying_bot)
    await told(notifying_bot.user(MANAGER), registered.number, "Зарегистрирован на вас", "Петров")
    assert await statuses(notifying_bot, HEAD) == []


async def test_an_admin_hears_that_their_invitation_was_used(notifying_bot: RunningBot) -> None:
    admin = notifying_bot.user(ADMIN)
    await admin.send("/invite planner")
    link = re.search(r"start=(i_[\w-]+)", admin.last_message.text or "")
    assert link is not None
    await notifying_bot.user(4321, first_name="Ольга", last_name="Новикова").send(f"/start {link.group(1)}")
    await told(admin, "Новикова", "приглашению")


async def test_an_approver_who_reads_english_gets_the_card_in_english(notifying_bot: RunningBot) -> None:
    async with notifying_bot.db.unit_of_work() as session:
        await session.execute(update(Person).where(Person.telegram_id == HEAD).values(language="en"))
    notifying_bot.db.identities.forget(HEAD)
    await in_approval(notifying_bot)
    notice = await told(notifying_bot.user(HEAD), "Waiting for your decision")
    assert {"Approve", "Reject"} <= {b for row in notice.button_texts for b in row}


async def test_planners_hear_when_an_order_reaches_execution(notifying_bot: RunningBot) -> None:
    card = await new_request(notifying_bot)
    manager = await person_id(notifying_bot, MANAGER)
    contract = (await uc.list_contracts(notifying_bot.db, counterparty_id=card.counterparty_id, on=BOT_NOW.date()))[0]
    terms = (await uc.list_payment_terms(notifying_bot.db))[0]
    await uc.set_contract_and_terms(
        notifying_bot.db,
        actor_id=manager,
        order_id=card.id,
        contract_id=contract.id,
        payment_terms_id=terms.id,
        now=BOT_NOW,
    )
    await uc.submit_for_approval(notifying_bot.db, actor_id=manager, order_id=card.id, now=BOT_NOW)
    head = notifying_bot.user(HEAD)
    notice = await told(head, "Ждёт вашего решения", card.number)
    await head.tap("Согласовать", message_id=notice.message_id)
    await told(notifying_bot.user(PLANNER), card.number, "Исполнение")
    assert all(status == NoticeStatus.SENT for status in await statuses(notifying_bot, PLANNER))


async def test_what_comes_about_one_order_in_quick_succession_goes_as_one_message(notifying_bot: RunningBot) -> None:
    async with fan_out_held(notifying_bot):  # three changes inside one fan-out, as at a busy moment
        registered = await registered_by_head(notifying_bot)
        for code in ("ВК-100", "ВК-200"):
            await uc.add_line(
                notifying_bot.db,
                actor_id=await person_id(notifying_bot, HEAD),
                order_id=registered.id,
                item_id=await item_id(notifying_bot, code),
                quantity=1,
                required_by=SOON,
                now=BOT_NOW,
            )
    manager = notifying_bot.user(MANAGER)
    message = await told(manager, registered.number, "Зарегистрирован на вас", "Добавлена строка")
    assert (message.text or "").count("Добавлена строка") == 2
    assert [m.message_id for m in manager.bot_messages if registered.number in (m.text or "")] == [message.message_id]


@contextlib.asynccontextmanager
async def fan_out_held(bot: RunningBot) -> AsyncIterator[None]:
    """The dispatcher's fan-out held off (its lock taken between two of its cycles) for the block."""
    for _ in range(500):
        async with only_one(bot.db, "job:fan_out") as mine:
            if mine:
                yield
                return
        await asyncio.sleep(0.01)
    raise AssertionError("the fan-out's lock was never free")
