"""Catalogues: counterparties, items with options, price lists, stock."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad

from core.models.base import Base, Money, Quantity


class Counterparty(Base):
    __tablename__ = "counterparties"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    # The name case-folded in Python: SQLite folds only ASCII, and our names are Cyrillic.
    search_key: Mapped[str] = mapped_column(String(300), index=True)
    tax_id: Mapped[str | None] = mapped_column(String(12), unique=True)
    contacts: Mapped[str] = mapped_column(Text, default="")


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    search_key: Mapped[str] = mapped_column(String(400), index=True)
    unit: Mapped[str] = mapped_column(String(20), default="шт")
    # Pieces are counted whole; metres and kilograms may be fractional.
    whole_units: Mapped[bool] = mapped_column(Boolean, default=True)
    standard_cost: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    # Days from making an item to the customer's required-by date: the MPS plans it that much earlier.
    lead_time_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # Loaded where an item is priced (`with_options`), not for every line of every card.
    options: Mapped[list[ItemOption]] = relationship(
        cascade="all, delete-orphan", lazy="raise", order_by="(ItemOption.option, ItemOption.value)"
    )


def with_options() -> _AbstractLoad:
    return selectinload(Item.options)


class ItemOption(Base):
    """One value of a configuration option of an item, and what it adds to the price."""

    __tablename__ = "item_options"
    __table_args__ = (UniqueConstraint("item_id", "option", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    option: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(String(100))
    price_delta: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))


class PriceList(Base):
    """The base list (`is_default`) or a counterparty's own list, in force from `valid_from` to `valid_to`
    (either open); a counterparty's list, when one is in force on the day, prices its items first."""

    __tablename__ = "price_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3), default="RUB")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    counterparty_id: Mapped[int | None] = mapped_column(ForeignKey("counterparties.id", ondelete="CASCADE"), index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class Price(Base):
    __tablename__ = "prices"
    __table_args__ = (UniqueConstraint("price_list_id", "item_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    price: Mapped[Decimal] = mapped_column(Money())
    valid_from: Mapped[date] = mapped_column(Date)


class StockBalance(Base):
    __tablename__ = "stock_balances"
    __table_args__ = (UniqueConstraint("item_id", "warehouse"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    warehouse: Mapped[str] = mapped_column(String(100))
    on_hand: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    # The sum of the balance's `StockReservation` rows, kept in step with them (`core.stock`).
    reserved: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))


class StockReservation(Base):
    """Stock of one warehouse held for one order line from its entering execution until shipped or cancelled."""

    __tablename__ = "stock_reservations"
    __table_args__ = (UniqueConstraint("line_id", "balance_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"))
    balance_id: Mapped[int] = mapped_column(ForeignKey("stock_balances.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
