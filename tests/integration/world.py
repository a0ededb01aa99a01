"""A small company to test with: staff of every role, a customer, items, terms and a route."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from core import use_cases as uc
from core.db import Database
from core.models import (
    Contract,
    ContractKind,
    Decision,
    PaymentInstalment,
    PaymentTerms,
    StockBalance,
)
from core.roles import Role
from core.stages import Stage
from core.views import OrderCard

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SOON = date(2026, 12, 15)
SHIPPED_ON = date(2026, 11, 30)  # NOW in Moscow


@dataclass
class World:
    db: Database
    manager: int
    other_manager: int
    approver: int  # also the head of sales, as in the demo
    finance: int
    planner: int
    accountant: int
    admin: int
    head_only: int
    customer: int
    other_customer: int
    fan: int  # whole pieces, with options
    duct: int  # metres, fractional
    terms: int
    contract: int

    def person(self, role: str) -> int:
        return int(getattr(self, role))


def route_of(finance_threshold: Decimal) -> dict[str, object]:
    """The world's route, as an administrator writes it: the commercial step, and the finance
    director (Telegram id 1006) alongside it for orders from `finance_threshold`."""
    return {
        "name": "Стандартный маршрут",
        "steps": [
            {"title": "Коммерческое согласование", "role": "approver"},
            {
                "title": "Финансовое согласование",
                "role": "approver",
                "person": 1006,
                "min_amount": finance_threshold,
                "parallel": True,
            },
        ],
    }


async def make_world(db: Database, *, finance_threshold: Decimal = Decimal("500000")) -> World:
    async def person(name: str, telegram_id: int, *roles: Role, **extra: object) -> int:
        return (await uc.add_person(db, full_name=name, telegram_id=telegram_id, roles=roles, now=NOW, **extra)).id  # type: ignore[arg-type]

    ids = {
        "manager": await person("Иванова Анна", 1001, Role.MANAGER),
        "other_manager": await person("Кузнецов Дмитрий", 1005, Role.MANAGER),
        "approver": await person("Петров Пётр", 1002, Role.APPROVER, Role.HEAD),
        "finance": await person("Смирнова Ольга", 1006, Role.APPROVER),
        "planner": await person("Соколов Игорь", 1003, Role.PLANNER),
        "accountant": await person("Морозова Елена", 1004, Role.ACCOUNTANT),
        "admin": await person("Администратор", 1000, Role.ADMIN),
        "head_only": await person("Волков Андрей", 1007, Role.HEAD),
    }
    customer = await uc.add_counterparty(db, name="ООО «Ромашка»", tax_id="7707083893", contacts="+7 495 000-00-00")
    other = await uc.add_counterparty(db, name="АО «Уралмашзавод»", tax_id="6673000037")
    fan = await uc.add_item(
        db,
        code="ВК-12",
        name="Вентилятор канальный ВК-12",
        standard_cost="1800.00",
        options=[("Исполнение", "IP44", "0"), ("Исполнение", "IP54", "300.00")],
    )
    duct = await uc.add_item(
        db, code="ВЗ-100", name="Воздуховод 100 мм", unit="м", whole_units=False, standard_cost="90"
    )
    await uc.set_price(db, item_id=fan, price="2500.50", valid_from=date(2026, 1, 1))
    await uc.set_price(db, item_id=duct, price="150.00", valid_from=date(2026, 1, 1))
    await uc.load_route(db, route=route_of(finance_threshold))
    async with db.unit_of_work() as session:
        terms = PaymentTerms(
            name="50% предоплата, 50% по отгрузке",
            instalments=[
                PaymentInstalment(position=1, share_percent=Decimal(50), basis="order_approval", days=5),
                PaymentInstalment(position=2, share_percent=Decimal(50), basis="shipment", days=10),
            ],
        )
        contract = Contract(
            number="Д-15/2026",
            counterparty_id=customer,
            kind=ContractKind.VALUE_LIMITED,
            limit_amount=Decimal("1000000.00"),
            valid_from=date(2026, 1, 1),
            valid_to=date(2026, 12, 31),
        )
        session.add_all([terms, contract])
        await session.flush()
        terms_id, contract_id = terms.id, contract.id
    return World(
        db=db, customer=customer, other_customer=other, fan=fan, duct=duct, terms=terms_id, contract=contract_id, **ids
    )


async def request_with_line(world: World, *, manager: int | None = None, quantity: str = "10") -> OrderCard:
    db, actor = world.db, manager or world.manager
    card = await uc.register_request(db, actor_id=actor, counterparty_id=world.customer, now=NOW)
    return await uc.add_line(
        db,
        actor_id=actor,
        order_id=card.id,
        item_id=world.fan,
        quantity=quantity,
        required_by=SOON,
        options={"Исполнение": "IP44"},
        now=NOW,
    )


async def order_in(world: World, stage: Stage, *, manager: int | None = None) -> OrderCard:
    """An order driven through the real use cases to the given stage."""
    db, actor = world.db, manager or world.manager
    card = await request_with_line(world, manager=actor)
    if stage is Stage.REQUEST:
        return card
    if stage is Stage.CANCELLED:
        return await uc.cancel(db, actor_id=actor, order_id=card.id, reason="Клиент передумал", now=NOW)
    card = await uc.set_contract_and_terms(
        db, actor_id=actor, order_id=card.id, contract_id=world.contract, payment_terms_id=world.terms, now=NOW
    )
    card = await uc.submit_for_approval(db, actor_id=actor, order_id=card.id, now=NOW)
    if stage is Stage.APPROVAL:
        return card
    card = await uc.vote(db, actor_id=world.approver, order_id=card.id, decision=Decision.APPROVE, now=NOW)
    assert card.stage is Stage.EXECUTION
    if stage is not Stage.EXECUTION:
        card = await shipped_in_full(world, card, actor=actor)
    if stage in (Stage.CLOSED, Stage.ARCHIVED):  # paid in full, it closes by itself
        paid = await uc.record_payment(
            db, actor_id=world.accountant, number=card.number, amount=card.total.amount, paid_on=SHIPPED_ON, now=NOW
        )
        assert paid.closed
        card = await uc.get_order(db, viewer_id=actor, order_id=card.id, now=NOW)
    if stage is Stage.ARCHIVED:
        card = await uc.archive(db, actor_id=actor, order_id=card.id, now=NOW)
    assert card.stage is stage
    return card


async def shipped_in_full(world: World, card: OrderCard, *, actor: int) -> OrderCard:
    """Every line shipped from stock put on the warehouse for it: the order is «Отгружен»."""
    async with world.db.unit_of_work() as session:
        for line in card.lines:
            session.add(StockBalance(item_id=line.item_id, warehouse=f"Склад {card.number}-{line.position}",
                                     on_hand=line.quantity, reserved=Decimal(0)))  # fmt: skip
    quantities = {line.id: line.quantity for line in card.lines}
    done = await uc.ship(world.db, actor_id=actor, order_id=card.id, quantities=quantities, now=NOW)
    return done.card
