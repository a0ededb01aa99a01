"""The demo company: loaded through the use cases, with orders in every stage and journals that add up.

Loading takes a few seconds, so one test looks at everything a loaded demo must show.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core import use_cases as uc
from core.db import Database
from core.demo_data import PLANS, load_demo_data
from core.errors import Conflict, ErrorCode
from core.models import Activity, Counterparty, Order, OrderApprovalStep, OrderLine, StepState
from core.roles import Role
from core.stages import Stage

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def test_the_demo_has_every_stage_journals_from_registration_and_totals_that_add_up(db: Database) -> None:
    summary = await load_demo_data(db, now=NOW)

    assert summary.orders == len(PLANS) and summary.people == 7 and summary.counterparties == 10
    assert set(summary.by_stage) == set(Stage) and sum(summary.by_stage.values()) == summary.orders
    async with db.reading() as session:
        orders = list(await session.scalars(select(Order).order_by(Order.id)))
        journal = list(await session.scalars(select(Activity).order_by(Activity.order_id, Activity.id)))
        lines = (await session.execute(select(OrderLine.order_id, OrderLine.amount))).all()
        pending = await session.scalar(
            select(func.count(OrderApprovalStep.id)).where(OrderApprovalStep.state == StepState.PENDING)
        )
        tax_ids = list(await session.scalars(select(Counterparty.tax_id)))
    entries: dict[int, list[Activity]] = defaultdict(list)
    for entry in journal:
        entries[entry.order_id].append(entry)
    line_sums: dict[int, Decimal] = defaultdict(Decimal)
    for order_id, amount in lines:
        line_sums[order_id] += amount
    assert orders[0].number == "ЗС-000001"
    for order in orders:
        moments = [entry.at for entry in entries[order.id]]
        assert entries[order.id][0].kind == "registered", order.number
        assert moments == sorted(moments) and moments[-1] < NOW, order.number
        assert order.total_amount == line_sums[order.id] > 0, order.number
    assert {"returned", "rejected", "cancelled", "archived", "approved", "contract_set"} <= {e.kind for e in journal}
    assert pending and all(tax_id is not None and len(tax_id) == 10 for tax_id in tax_ids)
    head, manager = await uc.identify(db, telegram_id=1002), await uc.identify(db, telegram_id=1001)
    assert head is not None and head.roles == {Role.APPROVER, Role.HEAD}
    assert manager is not None
    own = await uc.list_orders(db, viewer_id=manager.id, limit=50)
    assert own.total_count > 0 and {row.responsible_name for row in own.rows} == {manager.full_name}


async def test_the_demo_refuses_a_database_where_its_telegram_ids_are_taken(db: Database) -> None:
    await uc.add_person(db, full_name="Кто-то Другой", roles=[Role.MANAGER], telegram_id=1005, now=NOW)

    with pytest.raises(Conflict) as refusal:
        await load_demo_data(db, now=NOW)

    assert refusal.value.code is ErrorCode.TELEGRAM_ID_TAKEN and refusal.value.params["value"] == "1005"
    assert len(await uc.list_people(db)) == 1


async def test_the_demo_has_invoices_partial_payments_and_one_overdue_customer_shipped_and_closed_by_the_use_cases(
    db: Database,
) -> None:
    from core.models import Invoice
    from core.use_cases.debts import debts

    await load_demo_data(db, now=NOW)
    accountant = await uc.identify(db, telegram_id=1004)
    assert accountant is not None
    report = await debts(db, viewer_id=accountant.id, now=NOW)
    late = [debt for debt in report.debts if debt.ageing.overdue > 0]
    assert [debt.counterparty for debt in late] == ["ООО «АэроКлимат»"]
    assert late[0].ageing.d31_60 > 0 and late[0].ageing.d0_30 > 0
    async with db.reading() as session:
        invoices = await session.scalar(select(func.count(Invoice.id)))
        done = list(await session.scalars(select(Order).where(Order.stage.in_(["shipped", "closed"]))))
        kinds = {
            (order_id, kind)
            for order_id, kind in (await session.execute(select(Activity.order_id, Activity.kind))).all()
        }
    shipped = {order_id for order_id, kind in kinds if kind == "shipped"}
    assert invoices == len(shipped) > len(done) > 0  # an archived order was shipped and invoiced too
    for order in done:  # shipped with quantities, and closed by being paid, never by a bare move
        assert (order.id, "shipped") in kinds, order.number
        assert (order.id, "payment_recorded") in kinds or order.stage == "shipped", order.number
        assert order.stage == "shipped" or (order.id, "closed") in kinds, order.number
