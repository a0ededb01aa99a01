"""Stock held for orders in execution and given back on cancelling; contracts' limits refusing with the numbers."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import use_cases as uc
from core.catalogue_csv import ImportRefused, StockRow, parse_stock_csv
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.models import Contract, ContractKind, Decision, OrderLine, StockBalance, StockReservation
from core.models.base import summed
from core.stages import Stage
from core.stock import Cover, consume_reserved
from core.views import OrderCard
from tests.integration.world import NOW, World, make_world, order_in, request_with_line

TODAY = date(2026, 11, 30)


async def stock(world: World, *rows: tuple[str, str, str]) -> None:
    await uc.import_stock(
        world.db,
        rows=[
            StockRow(row=n, code=code, warehouse=warehouse, on_hand=Decimal(on_hand))
            for n, (code, warehouse, on_hand) in enumerate(rows, start=2)
        ],
    )


async def balances(db: Database) -> dict[str, tuple[Decimal, Decimal]]:
    async with db.reading() as session:
        rows = await session.scalars(select(StockBalance).order_by(StockBalance.warehouse))
        return {b.warehouse: (b.on_hand, b.reserved) for b in rows}


async def reservations(db: Database) -> Decimal:
    async with db.reading() as session:
        total = await session.scalar(select(summed(StockReservation.quantity, scale=3)))
    assert total is not None
    return total


async def approved(world: World, card: OrderCard) -> OrderCard:
    """The order, in approval, approved by the head of sales (and so on to execution when its guards hold)."""
    return await uc.vote(world.db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)


async def in_approval(world: World, *, quantity: str, contract: int | None = None) -> OrderCard:
    card = await request_with_line(world, quantity=quantity)
    card = await uc.set_contract_and_terms(
        world.db,
        actor_id=world.manager,
        order_id=card.id,
        contract_id=contract or world.contract,
        payment_terms_id=world.terms,
        now=NOW,
    )
    return await uc.submit_for_approval(world.db, actor_id=world.manager, order_id=card.id, now=NOW)


async def test_adding_a_line_says_available_partly_or_to_be_produced(db: Database) -> None:
    world = await make_world(db)
    offer = await uc.item_offer(db, item_id=world.fan, on=TODAY)
    assert offer.cover(Decimal(1)) is Cover.TO_PRODUCE
    await stock(world, ("ВК-12", "Основной", "4"), ("ВК-12", "Запасной", "2"))
    offer = await uc.item_offer(db, item_id=world.fan, on=TODAY)
    assert offer.cover(Decimal(6)) is Cover.AVAILABLE
    assert offer.cover(Decimal(10)) is Cover.PARTLY and offer.to_produce(Decimal(10)) == Decimal(4)


async def test_an_order_entering_execution_holds_free_stock_and_gives_it_back_when_cancelled(db: Database) -> None:
    world = await make_world(db)
    await stock(world, ("ВК-12", "Основной", "4"), ("ВК-12", "Запасной", "3"))
    card = await order_in(world, Stage.EXECUTION)  # 10 fans
    assert card.lines[0].reserved == Decimal("7.000")
    assert await balances(db) == {"Запасной": (Decimal(3), Decimal(3)), "Основной": (Decimal(4), Decimal(4))}
    history = await uc.order_history(db, viewer_id=world.manager, order_id=card.id)
    moved = [e for g in history for e in g.entries if e.details.get("to") == "execution"]
    assert moved[0].details["reserved"] == {"1": "7.000"}
    offer = await uc.item_offer(db, item_id=world.fan, on=TODAY)
    assert offer.available == 0 and offer.cover(Decimal(1)) is Cover.TO_PRODUCE
    card = await uc.cancel(db, actor_id=world.approver, order_id=card.id, reason="Клиент отказался", now=NOW)
    assert card.stage is Stage.CANCELLED
    assert await balances(db) == {"Запасной": (Decimal(3), Decimal(0)), "Основной": (Decimal(4), Decimal(0))}
    assert await reservations(db) == 0


async def test_a_shipment_takes_its_quantity_out_of_the_stock_reserved_for_the_line(db: Database) -> None:
    world = await make_world(db)
    await stock(world, ("ВК-12", "Основной", "4"), ("ВК-12", "Запасной", "3"))
    card = await order_in(world, Stage.EXECUTION)
    async with db.unit_of_work() as session:
        line = await session.get(OrderLine, card.lines[0].id)
        assert line is not None
        assert await consume_reserved(session, line, Decimal(5)) == Decimal(5)
    assert await balances(db) == {"Запасной": (Decimal(0), Decimal(0)), "Основной": (Decimal(2), Decimal(2))}
    async with db.unit_of_work() as session:
        line = await session.get(OrderLine, card.lines[0].id)
        assert line is not None
        assert await consume_reserved(session, line, Decimal(5)) == Decimal(2)  # the rest came from production
    assert await balances(db) == {"Запасной": (Decimal(0), Decimal(0)), "Основной": (Decimal(0), Decimal(0))}
    assert await reservations(db) == 0


async def test_two_orders_entering_execution_at_once_never_hold_the_same_free_unit(db: Database) -> None:
    world = await make_world(db)
    await stock(world, ("ВК-12", "Основной", "10"))
    first = await in_approval(world, quantity="6")
    # On another contract: the two do not queue up on the contract's lock, only on the stock's.
    other = await limited(db, world, kind=ContractKind.VALUE_LIMITED, limit_amount=None)
    second = await in_approval(world, quantity="6", contract=other)
    results = await asyncio.gather(approved(world, first), approved(world, second))
    assert {card.stage for card in results} == {Stage.EXECUTION}
    assert sorted(card.lines[0].reserved or 0 for card in results) == [Decimal(4), Decimal(6)]
    assert await balances(db) == {"Основной": (Decimal(10), Decimal(10))}
    assert await reservations(db) == Decimal(10)


async def test_a_stock_file_with_bad_rows_imports_nothing_and_names_each_row_and_why(db: Database) -> None:
    world = await make_world(db)
    await stock(world, ("ВК-12", "Основной", "5"))
    await order_in(world, Stage.EXECUTION)  # holds the 5
    content = (
        "Артикул;Склад;Остаток\n"
        "ВЗ-100;Основной;12,5\n"
        "ВК-99;Основной;1\n"
        ";Основной;1\n"
        "ВЗ-100;;1\n"
        "ВЗ-100;Запасной;-1\n"
        "ВЗ-100;Запасной;много\n"
        "вз-100;основной;3\n"
        "ВК-12;Основной;2\n"
    )
    parsed = parse_stock_csv(content)
    with pytest.raises(ImportRefused) as refused:
        await uc.import_stock(db, rows=parsed.rows, bad_rows=parsed.errors)
    assert [(e.row, e.code) for e in refused.value.errors] == [
        (3, ErrorCode.ITEM_CODE_UNKNOWN),
        (4, ErrorCode.ITEM_CODE_UNKNOWN),
        (5, ErrorCode.WAREHOUSE_MISSING),
        (6, ErrorCode.STOCK_NEGATIVE),
        (7, ErrorCode.QUANTITY_NOT_A_NUMBER),
        (8, ErrorCode.IMPORT_ROW_REPEATED),
        (9, ErrorCode.STOCK_BELOW_RESERVED),
    ]
    assert refused.value.errors[-1].params == {
        "code": "ВК-12",
        "warehouse": "Основной",
        "on_hand": "2.000",
        "reserved": "5.000",
    }
    assert await balances(db) == {"Основной": (Decimal(5), Decimal(5))}  # the duct's 12,5 m not imported either
    with pytest.raises(ImportRefused) as refused:
        await uc.import_stock(db, rows=(), bad_rows=parse_stock_csv("item;on_hand\nВК-12;1\n").errors)
    assert refused.value.errors[0].code is ErrorCode.IMPORT_COLUMNS_MISSING


async def test_a_good_stock_file_sets_on_hand_and_adds_new_warehouses(db: Database) -> None:
    world = await make_world(db)
    await stock(world, ("ВК-12", "Основной", "5"))
    parsed = parse_stock_csv('item,warehouse,on_hand\nВК-12,Основной,7\nВЗ-100,Основной,"12,5"\n')
    imported = await uc.import_stock(db, rows=parsed.rows, bad_rows=parsed.errors)
    assert (imported.rows, imported.created) == (2, 1)
    offer = await uc.item_offer(db, item_id=world.duct, on=TODAY)
    assert offer.on_hand == Decimal("12.5")


async def limited(db: Database, world: World, **limits: object) -> int:
    async with db.unit_of_work() as session:
        contract = Contract(number="Д-77/2026", counterparty_id=world.customer, valid_from=date(2026, 1, 1), **limits)
        session.add(contract)
        await session.flush()
        return contract.id


async def test_execution_beyond_a_value_limited_contracts_room_is_refused_with_the_numbers(db: Database) -> None:
    world = await make_world(db)
    contract = await limited(db, world, kind=ContractKind.VALUE_LIMITED, limit_amount=Decimal("40000.00"))
    first = await in_approval(world, quantity="10", contract=contract)  # 25 005,00 each
    second = await in_approval(world, quantity="10", contract=contract)
    first = await approved(world, first)
    assert first.stage is Stage.EXECUTION
    assert first.contract_room is not None and first.contract_room.left == Decimal("14995.00")
    second = await approved(world, second)
    assert second.stage is Stage.APPROVAL and "contract_limit_exceeded" in second.blockers
    assert second.contract_room is not None and second.contract_room.left == Decimal("14995.00")
    with pytest.raises(DomainError) as refusal:
        await uc.move_stage(db, actor_id=world.manager, order_id=second.id, target=Stage.EXECUTION, now=NOW)
    assert refusal.value.code is ErrorCode.CONTRACT_LIMIT_EXCEEDED
    assert refusal.value.params == {
        "contract": "Д-77/2026",
        "limit": "40000.00",
        "used": "25005.00",
        "needed": "25005.00",
        "left": "14995.00",
        "unit": "RUB",
    }
    await uc.cancel(db, actor_id=world.approver, order_id=first.id, reason="Передумали", now=NOW)
    second = await uc.move_stage(db, actor_id=world.manager, order_id=second.id, target=Stage.EXECUTION, now=NOW)
    assert second.stage is Stage.EXECUTION


async def test_execution_beyond_a_quantity_limited_contracts_room_is_refused_with_the_numbers(db: Database) -> None:
    world = await make_world(db)
    contract = await limited(db, world, kind=ContractKind.QUANTITY_LIMITED, limit_quantity=Decimal(15))
    first = await in_approval(world, quantity="10", contract=contract)
    second = await in_approval(world, quantity="6", contract=contract)
    await approved(world, first)
    second = await approved(world, second)
    with pytest.raises(DomainError) as refusal:
        await uc.move_stage(db, actor_id=world.manager, order_id=second.id, target=Stage.EXECUTION, now=NOW)
    assert refusal.value.code is ErrorCode.CONTRACT_LIMIT_EXCEEDED
    assert refusal.value.params == {
        "contract": "Д-77/2026",
        "limit": "15.000",
        "used": "10.000",
        "needed": "6.000",
        "left": "5.000",
        "unit": "",
    }


async def test_a_contract_out_of_its_period_is_refused(db: Database) -> None:
    world = await make_world(db)
    async with db.unit_of_work() as session:
        session.add(
            Contract(
                number="Д-1/2025",
                counterparty_id=world.customer,
                valid_from=date(2025, 1, 1),
                valid_to=date(2025, 12, 31),
            )
        )
        await session.flush()
    card = await request_with_line(world)
    with pytest.raises(DomainError) as refusal:
        await uc.set_contract_and_terms(
            db,
            actor_id=world.manager,
            order_id=card.id,
            new_contract_number="Д-1/2025",
            payment_terms_id=world.terms,
            now=NOW,
        )
    assert refusal.value.code is ErrorCode.CONTRACT_NOT_VALID


async def test_two_orders_entering_execution_at_once_never_both_take_the_contracts_last_room(db: Database) -> None:
    world = await make_world(db)
    contract = await limited(db, world, kind=ContractKind.VALUE_LIMITED, limit_amount=Decimal("40000.00"))
    first = await in_approval(world, quantity="10", contract=contract)
    second = await in_approval(world, quantity="10", contract=contract)
    results = await asyncio.gather(approved(world, first), approved(world, second))
    assert sorted(card.stage.value for card in results) == ["approval", "execution"]
