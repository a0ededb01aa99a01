"""mps: the master production schedule's entries, the progress recorded on them, items' lead times, lines' risk

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mps_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("planned_quantity", sa.BigInteger(), nullable=False),
        sa.Column("planned_date", sa.Date(), nullable=False),
        sa.Column("produced_quantity", sa.BigInteger(), nullable=False),
        sa.Column("actual_cost", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["line_id"], ["order_lines.id"], name=op.f("fk_mps_entries_line_id_order_lines"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"], name=op.f("fk_mps_entries_created_by_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mps_entries")),
    )
    op.create_index("ix_mps_entries_line_planned", "mps_entries", ["line_id", "planned_date", "id"])
    op.create_index("ix_mps_entries_planned_date", "mps_entries", ["planned_date", "id"])
    op.create_index("ix_mps_entries_created_at", "mps_entries", ["created_at"])
    op.create_table(
        "production_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("produced", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["mps_entries.id"],
            name=op.f("fk_production_records_entry_id_mps_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["actor_id"], ["people.id"], name=op.f("fk_production_records_actor_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_production_records")),
    )
    op.create_index(op.f("ix_production_records_entry_id"), "production_records", ["entry_id"])
    op.create_index("ix_production_records_on_date", "production_records", ["on_date"])
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_time_days", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("production_risk", sa.String(length=10), nullable=False, server_default="none"))


def downgrade() -> None:
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_column("production_risk")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("lead_time_days")
    op.drop_index("ix_production_records_on_date", table_name="production_records")
    op.drop_index(op.f("ix_production_records_entry_id"), table_name="production_records")
    op.drop_table("production_records")
    op.drop_index("ix_mps_entries_created_at", table_name="mps_entries")
    op.drop_index("ix_mps_entries_planned_date", table_name="mps_entries")
    op.drop_index("ix_mps_entries_line_planned", table_name="mps_entries")
    op.drop_table("mps_entries")
