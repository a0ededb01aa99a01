"""The order card on a phone: everything an order is on one screen, long orders paged, history and
progress a tap away, and old, doubled or forged buttons changing nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from core import use_cases as uc
from core.models import Activity, Decision, OrderLine, ProductionState
from core.stages import Stage
from core.views import OrderCard
from sandbox.testing import ChatMessage
from tests.e2e.conftest import BOT_NOW, HEAD, MANAGER, OTHER_MANAGER, PLANNER, RunningBot

SOON = date(2026, 12, 20)
# The bot answers a tap last (bot.staff.for_staff), so once answered it has done all it will do.
ANSWERED = 0.02


# --- seeding, through the core's use cases, as the demo people ---


async def person_id(bot: RunningBot, telegram_id: int) -> int:
    person = await uc.identify(bot.db, telegram_id=telegram_id)
    assert person is not None
    return person.id


async def item_id(bot: RunningBot, code: str) -> int:
    found = await uc.find_items(bot.db, text=code)
    return next(item.id for item in found if item.code == code)


async def customer_id(bot: RunningBot, name: str | int = "Ромашка") -> int:
    if isinstance(name, int):
        return name
    return (await uc.find_counterparties(bot.db, text=name))[0].id


async def new_request(
    bot: RunningBot,
    *,
    manager: int = MANAGER,
    customer: str | int = "Ромашка",
    lines: tuple[tuple[str, str], ...] = (("ВК-100", "2"),),
    required_by: date = SOON,
) -> OrderCard:
    """A request of `manager` with the lines (item code, quantity), registered a moment ago."""
    wanted = [
        uc.LineInput(item_id=await item_id(bot, code), quantity=quantity, required_by=required_by)
        for code, quantity in lines
    ]
    return await uc.register_request(
        bot.db,
        actor_id=await person_id(bot, manager),
        counterparty_id=await customer_id(bot, customer),
        lines=wanted,
        now=BOT_NOW - timedelta(minutes=30),
    )


async def in_approval(bot: RunningBot, **request: object) -> OrderCard:
    card = await new_request(bot, **request)  # type: ignore[arg-type]
    return await uc.submit_for_approval(
        bot.db, actor_id=card.responsible_id, order_id=card.id, now=BOT_NOW - timedelta(minutes=20)
    )


async def order(bot: RunningBot, order_id: int, viewer: int = HEAD) -> OrderCard:
    return await uc.get_order(bot.db, viewer_id=await person_id(bot, viewer), order_id=order_id)


async def journal(bot: RunningBot, order_id: int, kind: str) -> int:
    """How many entries of that kind the order's journal has."""
    async with bot.db.reading() as session:
        count = await session.scalar(
            select(func.count(Activity.id)).where(Activity.order_id == order_id, Activity.kind == kind)
        )
    return int(count or 0)


async def history_text(bot: RunningBot, order_id: int) -> str:
    groups = await uc.order_history(bot.db, viewer_id=await person_id(bot, HEAD), order_id=order_id)
    return " ".join(str(entry.details) for group in groups for entry in group.entries)


# --- the card ---


async def test_the_card_shows_the_order_its_lines_totals_and_the_buttons_of_this_person(
    running_bot: RunningBot,
) -> None:
    card = await new_request(running_bot, lines=(("ВК-100", "2"), ("ВЗ-160", "12.5")))
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    text = manager.last_message.text or ""
    for shown in (card.number, "Заявка", "ООО «Ромашка»", "Иванова Анна Сергеевна", "Договор: —", "Оплата: —"):
        assert shown in text, shown
    assert "ВК-100" in text and "2 шт" in text and "20.12.2026" in text and "4\xa0900,00\xa0₽" in text
    assert "12,5 м" in text and "Не запланировано" in text and "себестоимость план" in text
    assert "Итого" in text
    labels = [label for row in manager.last_message.button_texts for label in row]
    assert {"На согласование", "Добавить строку", "Договор и оплата", "Отменить", "История"} <= set(labels)
    planner = running_bot.user(PLANNER)
    await planner.send(f"/order {card.number}")
    assert [label for row in planner.last_message.button_texts for label in row] == ["🔔 Следить", "История"]


async def test_an_order_of_sixty_lines_pages_its_lines_within_one_message_each(running_bot: RunningBot) -> None:
    codes = ("ВП-500×300", "УП1-315", "КВС-500×250", "РП-1000", "ВЗ-250")
    lines = tuple((codes[number % len(codes)], f"{number + 1}.5" if number % 5 in (0, 4) else str(number + 1))
                  for number in range(60))  # fmt: skip
    hostile = await uc.add_counterparty(running_bot.db, name=("<script>alert(1)</script> «Рога & Копыта» " * 8)[:300])
    card = await new_request(running_bot, lines=lines, customer=hostile)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    seen: list[str] = []
    for page in range(1, 61):
        message = manager.last_message  # the strict sandbox has parsed its HTML and measured it
        text = message.text or ""
        assert "<script>alert(1)</script> «Рога & Копыта»" in text and len(text.encode("utf-16-le")) // 2 <= 4096
        seen += [row.split(".")[0] for row in text.splitlines() if row[:1].isdigit() and ". " in row]
        assert f"страница {page} из" in text and "(всего 60)" in text
        if "▶" not in labels(message):
            break
        await manager.tap("▶", message_id=message.message_id, quiet=ANSWERED)
    assert seen == [str(position) for position in range(1, 61)]  # every line once, in order
    await manager.tap("◀")
    assert f"страница {page - 1} из" in (manager.last_message.text or "")


async def in_execution(bot: RunningBot, *due: date) -> OrderCard:
    """An order of the manager in execution, one line of ВК-100 (4 pieces) per required-by date, made weeks ago."""
    then = BOT_NOW - timedelta(days=20)
    manager, head = await person_id(bot, MANAGER), await person_id(bot, HEAD)
    fan, customer = await item_id(bot, "ВК-100"), await customer_id(bot)
    card = await uc.register_request(
        bot.db,
        actor_id=manager,
        counterparty_id=customer,
        lines=[uc.LineInput(item_id=fan, quantity="4", required_by=day) for day in due],
        now=then,
    )
    contract = (await uc.list_contracts(bot.db, counterparty_id=customer, on=then.date()))[0]
    terms = (await uc.list_payment_terms(bot.db))[0]
    await uc.set_contract_and_terms(
        bot.db, actor_id=manager, order_id=card.id, contract_id=contract.id, payment_terms_id=terms.id, now=then
    )
    await uc.submit_for_approval(bot.db, actor_id=manager, order_id=card.id, now=then)
    done = await uc.vote(bot.db, actor_id=head, order_id=card.id, decision=Decision.APPROVE, now=then)
    assert done.stage is Stage.EXECUTION
    return done


async def record_production(bot: RunningBot, card: OrderCard, *progress: tuple[ProductionState, str]) -> None:
    """Production as the MPS will record it (it has no use case yet): a state and a made quantity per line."""
    async with bot.db.unit_of_work() as session:
        for line, (state, made) in zip(card.lines, progress, strict=True):
            row = await session.get(OrderLine, line.id)
            assert row is not None
            row.production_state, row.produced_quantity = state, Decimal(made)


def labels(message: ChatMessage) -> list[str]:
    return [label for row in message.button_texts for label in row]


async def test_history_shows_the_journal_grouped_by_stage_and_comes_back_to_the_card(running_bot: RunningBot) -> None:
    card = await in_approval(running_bot)
    await uc.vote(
        running_bot.db,
        actor_id=await person_id(running_bot, HEAD),
        order_id=card.id,
        decision=Decision.RETURN,
        comment="Уточните сроки",
        now=BOT_NOW - timedelta(minutes=10),
    )
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("История")
    text = manager.last_message.text or ""
    assert f"История заказа {card.number}" in text
    request, approval = text.index("\nЗаявка\n"), text.index("\nСогласование\n")
    assert request < text.index("Добавлена строка") < text.index("Отправлен на согласование") < approval
    assert "30.11.2026 11:30 · Иванова Анна Сергеевна" in text and "ВК-100: 2 × 4\xa0900,00\xa0₽" in text
    assert approval < text.index("Возвращено на доработку") and "«Уточните сроки»" in text
    assert "Петров Сергей Николаевич" in text
    await manager.tap("К заказу")
    assert (manager.last_message.text or "").startswith(f"Заказ {card.number}")


async def test_a_long_history_shows_its_latest_entries_and_pages_back(running_bot: RunningBot) -> None:
    card = await new_request(running_bot, lines=tuple(("ВК-100", str(number)) for number in range(1, 31)))
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    await manager.tap("История")
    latest = manager.last_message.text or ""
    assert "№30 ВК-100" in latest and "Заявка зарегистрирована" not in latest
    assert "Ещё 19 более ранних записей" in latest
    await manager.tap("◀ Раньше")
    await manager.tap("◀ Раньше")
    earliest = manager.last_message.text or ""
    assert "Заявка зарегистрирована" in earliest and "Позже ▶" in labels(manager.last_message)
    assert "№30 ВК-100" not in earliest
    await manager.tap("Позже ▶")
    assert "Позже ▶" in labels(manager.last_message) and "◀ Раньше" in labels(manager.last_message)


async def test_progress_shows_made_of_ordered_and_marks_late_and_unplanned_lines(running_bot: RunningBot) -> None:
    card = await in_execution(running_bot, date(2026, 11, 25), date(2026, 11, 27), date(2026, 12, 20), SOON)
    await record_production(
        running_bot,
        card,
        (ProductionState.IN_PROGRESS, "3"),
        (ProductionState.DONE, "4"),
        (ProductionState.PLANNED, "0"),
        (ProductionState.NOT_PLANNED, "0"),
    )
    planner = running_bot.user(PLANNER)
    await planner.send(f"/order {card.number}")
    await planner.tap("Ход производства")
    text = planner.last_message.text or ""
    late, made, planned, unplanned = text.split("\n\n")[-4:]
    assert "изготовлено 3 из 4 шт, 75% · В производстве" in late and "к 25.11.2026 · ⚠️ просрочено" in late
    assert "изготовлено 4 из 4 шт, 100% · Изготовлено" in made and "просрочено" not in made
    assert "к 20.12.2026 · в срок" in planned
    assert "ещё не запланировано" in unplanned and "в срок" not in unplanned
    assert "Изготовлено строк: 1 из 4" in text and "Просрочена 1 строка" in text
    await planner.tap("К заказу")
    assert (planner.last_message.text or "").startswith(f"Заказ {card.number}")


async def test_a_second_person_tapping_an_old_card_is_told_what_changed_and_nothing_is_done(
    running_bot: RunningBot,
) -> None:
    card = await in_approval(running_bot)
    head, manager = running_bot.user(HEAD), running_bot.user(MANAGER)
    await head.send(f"/order {card.number}")
    await manager.send(f"/order {card.number}")
    await manager.tap("Отозвать")
    withdrawn = await order(running_bot, card.id)
    await head.tap("Согласовать")
    assert "изменился" in (head.last_answer or "")
    refreshed = head.last_message.text or ""
    assert "Заявка" in refreshed and "Изменена стадия → Заявка (Иванова Анна Сергеевна" in refreshed
    assert "Согласовать" not in labels(head.last_message)
    assert (await order(running_bot, card.id)).version == withdrawn.version
    assert await journal(running_bot, card.id, "approved") == 0


async def test_a_double_tap_on_submit_submits_once(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {card.number}")
    submit = manager.last_message.button("На согласование")
    await manager.tap_nowait("На согласование")
    await manager.tap_data(submit.value, message_id=manager.last_message.message_id, forge=True)
    assert "изменился" in (manager.last_answer or "")
    assert await journal(running_bot, card.id, "submitted") == 1
    assert (await order(running_bot, card.id)).stage is Stage.APPROVAL


async def test_buttons_forged_for_another_managers_order_change_and_show_nothing_of_it(
    running_bot: RunningBot,
) -> None:
    mine = await new_request(running_bot)
    theirs = await new_request(running_bot, manager=OTHER_MANAGER, customer="Уралмашзавод")
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {mine.number}")
    message = manager.last_message
    for data in (
        f"o:{theirs.id}:{theirs.version}:cancel",
        f"o:{theirs.id}:{theirs.version}:cancel:price",
        f"d:h:{theirs.id}:5",
        f"d:b:{theirs.id}",
    ):
        await manager.tap_data(data, message_id=message.message_id, forge=True, quiet=ANSWERED)
        assert "не найден" in (manager.last_answer or ""), data
        seen = (manager.last_answer or "") + " ".join(m.text or "" for m in manager.bot_messages)
        assert theirs.number not in seen and "Уралмашзавод" not in seen, data
    assert (await order(running_bot, theirs.id)).version == theirs.version
    assert (manager.last_message.text or "").startswith(f"Заказ {mine.number}")


async def test_forged_or_garbled_buttons_on_ones_own_card_change_nothing(running_bot: RunningBot) -> None:
    mine = await new_request(running_bot)
    manager = running_bot.user(MANAGER)
    await manager.send(f"/order {mine.number}")
    message = manager.last_message
    for data in (
        f"o:{mine.id}:{mine.version}:approve",  # an action this person may not take
        f"o:{mine.id}:{mine.version}:cancel:everything",  # a reason that is on no button
        f"o:{mine.id}:{mine.version}:set_terms:c:999999",  # a contract that is not the customer's
        "o:abc:def:cancel",
        "garbage",
    ):
        await manager.tap_data(data, message_id=message.message_id, forge=True, quiet=ANSWERED)
        assert manager.last_answer, data
    assert (await order(running_bot, mine.id)).version == mine.version
    assert (manager.last_message.text or "").startswith(f"Заказ {mine.number}")


async def test_a_planner_pressing_a_managers_button_is_refused_and_nothing_changes(running_bot: RunningBot) -> None:
    card = await new_request(running_bot)
    planner = running_bot.user(PLANNER)
    await planner.send(f"/order {card.number}")  # as if the manager had forwarded the card
    for action in ("cancel", "cancel:price", "submit", "set_terms"):
        data = f"o:{card.id}:{card.version}:{action}"
        await planner.tap_data(data, message_id=planner.last_message.message_id, forge=True, quiet=ANSWERED)
        assert "нельзя" in (planner.last_answer or "").lower(), action
    assert (await order(running_bot, card.id)).version == card.version
    assert labels(planner.last_message) == ["🔔 Следить", "История"]
