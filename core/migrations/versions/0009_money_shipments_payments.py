"""money: payment schedules, shipments, invoices, payments and their allocation, promised dates

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _money(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "payment_rows",
        _id(),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        _money("share_percent"),
        _money("amount"),
        sa.Column("due_date", sa.Date(), nullable=True),
        _money("paid_amount"),
        sa.Column("promised_date", sa.Date(), nullable=True),
        _fk("payment_rows", "order_id", "orders", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_rows")),
    )
    op.create_index("ix_payment_rows_order_position", "payment_rows", ["order_id", "position"], unique=True)
    op.create_index("ix_payment_rows_due_date", "payment_rows", ["due_date"])
    op.create_table(
        "shipments",
        _id(),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("shipped_on", sa.Date(), nullable=False),
        _money("amount"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        _fk("shipments", "order_id", "orders", "CASCADE"),
        _fk("shipments", "actor_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
    )
    op.create_index(op.f("ix_shipments_order_id"), "shipments", ["order_id"])
    op.create_table(
        "shipment_lines",
        _id(),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        _money("quantity"),
        _money("from_stock"),
        _fk("shipment_lines", "shipment_id", "shipments", "CASCADE"),
        _fk("shipment_lines", "line_id", "order_lines", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_lines")),
    )
    op.create_index(op.f("ix_shipment_lines_shipment_id"), "shipment_lines", ["shipment_id"])
    op.create_index(op.f("ix_shipment_lines_line_id"), "shipment_lines", ["line_id"])
    op.create_table(
        "invoices",
        _id(),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=True),
        _money("amount"),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        _fk("invoices", "order_id", "orders", "CASCADE"),
        _fk("invoices", "shipment_id", "shipments", "CASCADE"),
        _fk("invoices", "actor_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
    )
    op.create_index(op.f("ix_invoices_order_id"), "invoices", ["order_id"])
    op.create_index(op.f("ix_invoices_shipment_id"), "invoices", ["shipment_id"])
    op.create_table(
        "payments",
        _id(),
        sa.Column("counterparty_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        _money("amount"),
        _money("unallocated"),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        _fk("payments", "counterparty_id", "counterparties"),
        _fk("payments", "order_id", "orders", "SET NULL"),
        _fk("payments", "actor_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    op.create_index("ix_payments_counterparty_paid", "payments", ["counterparty_id", "paid_on", "id"])
    op.create_index(op.f("ix_payments_order_id"), "payments", ["order_id"])
    op.create_table(
        "payment_allocations",
        _id(),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        _money("amount"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("payment_allocations", "payment_id", "payments", "CASCADE"),
        _fk("payment_allocations", "row_id", "payment_rows", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_allocations")),
    )
    op.create_index(op.f("ix_payment_allocations_payment_id"), "payment_allocations", ["payment_id"])
    op.create_index(op.f("ix_payment_allocations_row_id"), "payment_allocations", ["row_id"])


def downgrade() -> None:
    for table in ("payment_allocations", "payments", "invoices", "shipment_lines", "shipments", "payment_rows"):
        op.drop_table(table)
