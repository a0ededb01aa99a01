"""Lines at risk of missing their required-by date: announced once per change of risk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import raiseload

from core import validation
from core.db import Database
from core.events import LineAtRisk
from core.journal import announce
from core.models import Item, MpsEntry, Order, OrderLine, ProductionState
from core.production import NEAR_DAYS, Risk, line_risk
from core.stages import Stage
from core.use_cases.mps import lock_mps


@dataclass(frozen=True, slots=True)
class RiskChanges:
    at_risk: int  # lines that became at risk
    overdue: int  # lines that became overdue
    cleared: int  # lines no longer at risk (told to nobody: a line made is announced as made)


async def announce_production_risks(
    db: Database, *, now: datetime, time_zone: str = "Europe/Moscow", near_days: int = NEAR_DAYS
) -> RiskChanges:
    """Judge every line of the orders in execution against its required-by date, and announce what changed.

    Rules:
    - a line's risk is `core.production.line_risk` as of today in `time_zone` (the company's), its
      expected finish being the latest planned date of its entries;
    - the risk last judged is kept on the line: a line whose risk did not change is not announced
      again, so a second run for the same day announces nothing;
    - a line that became at risk or overdue is announced (`LineAtRisk`) to its order's responsible
      manager and the planners (`core.notify_rules`); one whose risk ended is only recorded;
    - lines already made and never at risk are not even read.
    """
    today = validation.local_today(now, time_zone)
    finish = select(func.max(MpsEntry.planned_date)).where(MpsEntry.line_id == OrderLine.id).scalar_subquery()
    async with db.unit_of_work() as session:
        await lock_mps(session, exclusive=True)
        rows = await session.execute(
            select(
                OrderLine.id,
                OrderLine.order_id,
                OrderLine.position,
                Item.code,
                OrderLine.quantity,
                OrderLine.produced_quantity,
                OrderLine.required_by,
                finish,
                OrderLine.production_risk,
            )
            .join(Order, Order.id == OrderLine.order_id)
            .join(Item, Item.id == OrderLine.item_id)
            .where(
                Order.stage == Stage.EXECUTION.value,
                or_(
                    OrderLine.production_state != ProductionState.DONE.value,
                    OrderLine.production_risk != Risk.NONE.value,
                ),
            )
            .order_by(OrderLine.order_id, OrderLine.position)
        )
        changed: list[tuple[int, int, LineAtRisk]] = []
        for line_id, order_id, position, code, quantity, produced, required_by, expected, stored in rows:
            risk = line_risk(
                quantity=quantity,
                produced=produced,
                required_by=required_by,
                expected_finish=expected,
                today=today,
                near_days=near_days,
            )
            if risk.value == stored:
                continue
            fact = LineAtRisk(
                position=position,
                item=code,
                risk=risk.value,
                previous=stored,
                required_by=required_by.isoformat(),
                expected_finish=expected.isoformat() if expected is not None else "",
                quantity=Decimal(quantity),
                produced=Decimal(produced),
            )
            changed.append((line_id, order_id, fact))
        if not changed:
            return RiskChanges(0, 0, 0)
        await session.execute(
            update(OrderLine), [{"id": line_id, "production_risk": fact.risk} for line_id, _o, fact in changed]
        )
        told = [(order_id, fact) for _l, order_id, fact in changed if fact.risk != Risk.NONE]
        ids = sorted({order_id for order_id, _fact in told})
        orders = {
            o.id: o for o in await session.scalars(select(Order).where(Order.id.in_(ids)).options(raiseload("*")))
        }
        for order_id, fact in told:
            announce(session, fact, order=orders[order_id], actor_id=None, now=now)
        return RiskChanges(
            at_risk=sum(1 for _o, fact in told if fact.risk == Risk.AT_RISK),
            overdue=sum(1 for _o, fact in told if fact.risk == Risk.OVERDUE),
            cleared=len(changed) - len(told),
        )
