"""money: per-counterparty price lists, line price sources, stock reservations, contract use

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("price_lists", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counterparty_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_price_lists_counterparty_id_counterparties"),
            "counterparties",
            ["counterparty_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_price_lists_counterparty_id"), ["counterparty_id"], unique=False)
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("price_source", sa.String(length=20), nullable=False, server_default="base"))
        batch_op.add_column(sa.Column("price_list_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("list_price", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("price_set_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("price_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_order_lines_price_set_by_id_people"), "people", ["price_set_by_id"], ["id"]
        )
    # Lines whose price was agreed by hand before sources were kept.
    op.execute("UPDATE order_lines SET price_source = 'manual' WHERE price_overridden")
    op.create_table(
        "stock_reservations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("balance_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_stock_reservations_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["order_lines.id"], name=op.f("fk_stock_reservations_line_id_order_lines"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["balance_id"],
            ["stock_balances.id"],
            name=op.f("fk_stock_reservations_balance_id_stock_balances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_reservations")),
        sa.UniqueConstraint("line_id", "balance_id", name=op.f("uq_stock_reservations_line_id")),
    )
    op.create_index(op.f("ix_stock_reservations_order_id"), "stock_reservations", ["order_id"])
    op.create_index(op.f("ix_stock_reservations_balance_id"), "stock_reservations", ["balance_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_stock_reservations_balance_id"), table_name="stock_reservations")
    op.drop_index(op.f("ix_stock_reservations_order_id"), table_name="stock_reservations")
    op.drop_table("stock_reservations")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_order_lines_price_set_by_id_people"), type_="foreignkey")
        batch_op.drop_column("price_reason")
        batch_op.drop_column("price_set_by_id")
        batch_op.drop_column("list_price")
        batch_op.drop_column("price_list_name")
        batch_op.drop_column("price_source")
    with op.batch_alter_table("price_lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_price_lists_counterparty_id"))
        batch_op.drop_constraint(batch_op.f("fk_price_lists_counterparty_id_counterparties"), type_="foreignkey")
        batch_op.drop_column("valid_to")
        batch_op.drop_column("valid_from")
        batch_op.drop_column("counterparty_id")
