"""cancel reasons: a catalogue of six defaults, each cancelled order's reason code, whether an order reached execution

The reasons typed before the catalogue existed are kept as the text of "other". An order reached
execution if it is in execution, shipped or closed, or its journal has an entry made in one of them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# code, name, whether it asks for words: the company's own catalogue, in its language.
DEFAULTS = (
    ("price", "Не устроила цена", False),
    ("lead_time", "Не устроили сроки", False),
    ("competitor", "Ушли к конкуренту", False),
    ("no_stock", "Нет на складе", False),
    ("postponed", "Клиент отложил закупку", False),
    ("other", "Другое", True),
)


def upgrade() -> None:
    reasons = op.create_table(
        "cancel_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("needs_text", sa.Boolean(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cancel_reasons")),
        sa.UniqueConstraint("code", name=op.f("uq_cancel_reasons_code")),
    )
    op.bulk_insert(
        reasons,
        [
            {"code": code, "name": name, "needs_text": needs_text, "retired": False, "position": position}
            for position, (code, name, needs_text) in enumerate(DEFAULTS, start=1)
        ],
    )
    op.add_column("orders", sa.Column("cancel_reason_code", sa.String(length=20), nullable=True))
    op.execute("UPDATE orders SET cancel_reason_code = 'other' WHERE cancel_reason IS NOT NULL")
    op.add_column("orders", sa.Column("reached_execution", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(
        "UPDATE orders SET reached_execution = TRUE WHERE stage IN ('execution', 'shipped', 'closed') OR EXISTS "
        "(SELECT 1 FROM activities WHERE activities.order_id = orders.id "
        "AND activities.stage IN ('execution', 'shipped', 'closed'))"
    )


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch rebuild of `orders` would cascade to its journal.
    op.drop_column("orders", "reached_execution")
    op.drop_column("orders", "cancel_reason_code")
    op.drop_table("cancel_reasons")
