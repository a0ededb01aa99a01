"""Whatever a person types or taps, the bot answers with what was wrong and what to type, never a fault."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from core import use_cases as uc
from core.models import Person
from core.use_cases import OrderFilter
from tests.e2e.conftest import HEAD, MANAGER, RunningBot
from tests.e2e.test_new_request import plain, start_request

ANSWERED = 0.02
HUGE = "1" * 30


@pytest.fixture
def no_fault(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail the test when the bot logged a fault of its own while handling what the test sent."""
    with caplog.at_level(logging.ERROR):
        yield
    # At teardown `caplog.records` holds only the teardown's records: the test's own are the call's.
    faults = [record.getMessage() for record in caplog.get_records("call") if record.levelno >= logging.ERROR]
    assert not faults, faults


async def some_order_number(running_bot: RunningBot) -> str:
    head = await uc.identify(running_bot.db, telegram_id=HEAD)
    assert head is not None
    page = await uc.list_orders(running_bot.db, viewer_id=head.id, limit=1)
    return page.rows[0].number


@pytest.mark.usefixtures("no_fault")
async def test_a_thirty_digit_quantity_is_refused_as_too_large_and_the_step_goes_on(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await start_request(manager)
    await manager.send("ВК-100")
    await manager.send(HUGE)
    said = plain(manager.last_message.text)
    assert "111 111 111 111 111 111 111 111 111 111 слишком большое" in said and "999 999 999" in said
    await manager.send("10")
    assert "Количество: 10 шт" in manager.last_message.text


@pytest.mark.usefixtures("no_fault")
async def test_a_thirty_digit_quantity_in_a_quick_entry_is_pointed_at_as_too_large(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send(f"Ромашка; ВК-100 x{HUGE} до 15.12")
    said = plain(manager.last_message.text)
    assert "111 111 111 111 111 111 111 111 111 111 слишком большое" in said
    assert ["Создать", "Исправить"] not in manager.last_message.button_texts


@pytest.mark.usefixtures("no_fault")
@pytest.mark.parametrize(
    "typed", ["/order ²", "/order 99999999999", "/order ЗС-²", "/start o_²", "/start o_99999999999"]
)
async def test_digits_that_are_not_ascii_or_too_long_name_no_order_and_say_so(
    running_bot: RunningBot, typed: str
) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send(typed)
    assert "не найден" in manager.last_message.text


@pytest.mark.usefixtures("no_fault")
async def test_taps_naming_no_order_or_an_id_beyond_the_databases_integer_are_refused(running_bot: RunningBot) -> None:
    manager = running_bot.user(MANAGER)
    await manager.send("/help")
    message = manager.last_message
    for data in ("o:²:1:card", "o:1:²:card", "o:99999999999:1:card", "o:2147483648:1:history", "o:1:1:page:²"):
        await manager.tap_data(data, message_id=message.message_id, forge=True, quiet=ANSWERED)
        assert manager.last_answer, data


@pytest.mark.usefixtures("no_fault")
@pytest.mark.parametrize("spelled", ["ZS-{digits}", "zs-{digits}", "zs {short}", "Зс{short}"])
async def test_an_order_number_typed_in_latin_letters_opens_its_card(running_bot: RunningBot, spelled: str) -> None:
    number = await some_order_number(running_bot)
    digits = number.removeprefix("ЗС-")
    head = running_bot.user(HEAD)
    await head.send("/order " + spelled.format(digits=digits, short=int(digits)))
    assert plain(head.last_message.text).startswith(f"Заказ {number}")
    await head.send(spelled.format(digits=digits, short=int(digits)))
    assert plain(head.last_message.text).startswith(f"Заказ {number}")


@pytest.mark.usefixtures("no_fault")
async def test_find_with_a_nul_byte_or_bidirectional_overrides_searches_the_clean_text(running_bot: RunningBot) -> None:
    head = running_bot.user(HEAD)
    await head.send("/find \x00")
    assert "/find" in head.last_message.text  # nothing left to look for: how to use it
    await head.send("/find Ром\x00ашка\u202e")
    found = plain(head.last_message.text)
    head_id = (await uc.identify(running_bot.db, telegram_id=HEAD)).id  # type: ignore[union-attr]
    expected = await uc.list_orders(running_bot.db, viewer_id=head_id, filters=OrderFilter(text="Ромашка"))
    assert expected.total_count > 0
    assert expected.rows[0].number in found


@pytest.mark.usefixtures("no_fault")
async def test_an_english_card_names_the_unit_in_english(running_bot: RunningBot) -> None:
    number = await some_order_number(running_bot)
    async with running_bot.db.unit_of_work() as session:
        person = await session.scalar(select(Person).where(Person.telegram_id == HEAD))
        assert person is not None
        person.language = "en"
    # Written behind the core's back (no use case sets a language yet), so the bot's brief memory of who
    # the head is must be told, as a use case would tell it.
    running_bot.db.identities.forget(HEAD)
    head = running_bot.user(HEAD, language_code="en")
    await head.send(f"/order {number}")
    card = plain(head.last_message.text)
    assert " pcs × " in card and "шт" not in card
