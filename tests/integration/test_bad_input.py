"""Whatever people type, the core answers with a domain error and writes nothing half-way."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core import use_cases as uc
from core.db import Database
from core.errors import DomainError
from core.models import Activity, Counterparty, OrderLine, OutboxEvent, Person
from tests.integration.world import NOW, SOON, World, make_world, request_with_line

# The same database serves every example: each one must leave it as it found it.
examples = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

bad_quantities = st.one_of(
    st.sampled_from(["0", "-5", "NaN", "nan", "Infinity", "-inf", "1e20", "10" * 10, "abc", "", " ", "5 шт", "½"]),
    st.decimals(max_value=Decimal(0), allow_nan=False, allow_infinity=False).map(str),
    st.integers(min_value=10**9 + 1, max_value=10**30).map(str),
    st.text(alphabet=st.characters(blacklist_categories=("Nd",)), min_size=1, max_size=30),
)
bad_names = st.one_of(
    st.just(""),
    st.text(alphabet=" \t\n\x00\x07", max_size=20),
    st.text(alphabet=st.characters(whitelist_categories=("L", "N", "P", "S")), min_size=301, max_size=10_000),
)


async def snapshot(db: Database) -> tuple[int, ...]:
    async with db.reading() as session:
        return tuple(
            [
                int(await session.scalar(select(func.count()).select_from(model)) or 0)
                for model in (Activity, OutboxEvent, OrderLine, Counterparty, Person)
            ]
        )


@pytest.fixture
async def world(db: Database) -> World:
    return await make_world(db)


@pytest.fixture
async def order_id(world: World) -> int:
    return (await request_with_line(world)).id


@examples
@given(quantity=bad_quantities)
async def test_bad_quantities_are_refused_and_nothing_is_written(world: World, order_id: int, quantity: str) -> None:
    before = await snapshot(world.db)
    with pytest.raises(DomainError) as refusal:
        await uc.add_line(
            world.db,
            actor_id=world.manager,
            order_id=order_id,
            item_id=world.duct,
            quantity=quantity,
            required_by=SOON,
            now=NOW,
        )
    assert refusal.value.code.value.startswith("quantity_")
    assert await snapshot(world.db) == before


@examples
@given(days=st.one_of(st.integers(min_value=-10_000, max_value=-1), st.integers(min_value=1100, max_value=10**5)))
async def test_past_and_far_dates_are_refused(world: World, order_id: int, days: int) -> None:
    before = await snapshot(world.db)
    with pytest.raises(DomainError) as refusal:
        await uc.add_line(
            world.db,
            actor_id=world.manager,
            order_id=order_id,
            item_id=world.duct,
            quantity="1",
            required_by=date(2026, 11, 30) + timedelta(days=days),
            now=NOW,
        )
    assert refusal.value.code.value in {"date_in_past", "date_too_far"}
    assert await snapshot(world.db) == before


@examples
@given(name=bad_names)
async def test_empty_and_overlong_names_are_refused(db: Database, name: str) -> None:
    before = await snapshot(db)
    with pytest.raises(DomainError) as refusal:
        await uc.add_counterparty(db, name=name)
    assert refusal.value.code.value in {"text_empty", "text_too_long"}
    with pytest.raises(DomainError) as refusal:
        await uc.add_person(db, full_name=name, roles=[], now=NOW)
    assert refusal.value.code.value in {"text_empty", "text_too_long"}
    assert await snapshot(db) == before


@examples
@given(unknown=st.integers(min_value=10_000, max_value=2**31 - 1))
async def test_unknown_ids_are_refused_as_not_found(world: World, order_id: int, unknown: int) -> None:
    db = world.db
    before = await snapshot(db)
    calls = (
        lambda: uc.add_line(
            db, actor_id=world.manager, order_id=unknown, item_id=world.duct, quantity="1", required_by=SOON, now=NOW
        ),
        lambda: uc.add_line(
            db, actor_id=world.manager, order_id=order_id, item_id=unknown, quantity="1", required_by=SOON, now=NOW
        ),
        lambda: uc.update_line(db, actor_id=world.manager, order_id=order_id, line_id=unknown, quantity="2", now=NOW),
        lambda: uc.register_request(db, actor_id=world.manager, counterparty_id=unknown, now=NOW),
        lambda: uc.get_order(db, viewer_id=unknown, order_id=order_id),
    )
    for call in calls:
        with pytest.raises(DomainError) as refusal:
            await call()
        assert refusal.value.code.value.endswith("_not_found") or refusal.value.code.value == "not_registered"
    assert await snapshot(db) == before
