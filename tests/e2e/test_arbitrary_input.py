"""Arbitrary text and button data from a staff member: the bot always answers, and never with a fault of its own."""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.models import Order
from sandbox.testing import SandboxUser
from tests.e2e.conftest import HEAD, MANAGER, RunningBot

ANSWERED = 0.02
# One bot serves every example; a few examples a test keep each under a few seconds a database.
examples = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What a phone can send: any characters but surrogates, NUL, controls and digits of other scripts included.
typed = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),
    min_size=1,
    max_size=40,
).filter(lambda text: text.strip() != "")
tricky = st.sampled_from(
    ["²", "٣", "99999999999", "2147483648", "0", "-1", "\x00", "\u202e", "%", "_", "ZS-000001", "1e30"]
)
part = st.one_of(tricky, st.text(max_size=8), st.integers(min_value=-(2**40), max_value=2**40).map(str))


def faults(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


@examples
@given(command=st.sampled_from(["/order ", "/find ", "/start o_", "/start ", ""]), text=st.one_of(tricky, typed))
async def test_any_typed_text_gets_an_answer_and_no_fault(
    running_bot: RunningBot, caplog: pytest.LogCaptureFixture, command: str, text: str
) -> None:
    assume(len(command + text) <= 4096 and (command + text).strip())
    caplog.clear()
    head = running_bot.user(HEAD)
    with caplog.at_level(logging.ERROR):
        reaction = await head.send(command + text)  # fails the test when the bot stays silent
    assert reaction is not None
    assert faults(caplog) == [], (command, text)


@examples
@given(kind=st.sampled_from(["o", "r", "n", "x"]), parts=st.lists(part, min_size=0, max_size=4))
async def test_any_button_data_gets_an_answer_and_no_fault(
    running_bot: RunningBot, caplog: pytest.LogCaptureFixture, kind: str, parts: list[str]
) -> None:
    data = ":".join([kind, *parts])
    assume(0 < len(data.encode()) <= 64)
    caplog.clear()
    head = running_bot.user(HEAD)
    if not head.transcript or not head.bot_messages:
        await head.send("/orders")
    message = head.last_message
    with caplog.at_level(logging.ERROR):
        await head.tap_data(data, message_id=message.message_id, forge=True, quiet=ANSWERED)
    assert head.last_answer is not None or head.last_message.message_id != message.message_id, data
    assert faults(caplog) == [], data


async def orders_without_lines(running_bot: RunningBot) -> set[int]:
    async with running_bot.db.reading() as session:
        found = await session.scalars(select(Order.id).where(~Order.lines.any()))
        return set(found)


async def reach_step(manager: SandboxUser, step: str) -> None:
    """A manager in /new, at the step that reads the next typed text."""
    await manager.send("/cancel")
    await manager.send("/new")
    if step == "customer":
        return
    await manager.send("Ромашка")
    await manager.tap(next(b.text for row in manager.last_message.buttons for b in row if "Ромашка" in b.text))
    if step == "item":
        return
    await manager.send("ВК-100")
    if step == "quantity":
        return
    await manager.send("3")


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(step=st.sampled_from(["customer", "item", "quantity", "date"]), text=st.one_of(tricky, typed))
async def test_any_text_at_any_step_of_a_new_request_gets_an_answer_and_writes_nothing_half(
    running_bot: RunningBot, caplog: pytest.LogCaptureFixture, step: str, text: str
) -> None:
    assume(not text.lstrip().startswith("/"))
    manager = running_bot.user(MANAGER)
    before = await orders_without_lines(running_bot)
    await reach_step(manager, step)
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        reaction = await manager.send(text)  # fails the test when the bot stays silent
    assert reaction is not None
    assert faults(caplog) == [], (step, text)
    assert await orders_without_lines(running_bot) == before, (step, text)
