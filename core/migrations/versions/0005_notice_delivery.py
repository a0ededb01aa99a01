"""notices: daily digest, doubtful sends, closing an approver's card once the step is decided; job runs

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_runs")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        # Notices already there are instant ones, sent once with certainty.
        batch_op.add_column(sa.Column("in_digest", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("doubtful", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("closed_by_event_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_closed_by_event_id_outbox_events"),
            "outbox_events",
            ["closed_by_event_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_notifications_closed_by_event_id_outbox_events"), type_="foreignkey")
        batch_op.drop_column("edited_at")
        batch_op.drop_column("closed_by_event_id")
        batch_op.drop_column("failures")
        batch_op.drop_column("doubtful")
        batch_op.drop_column("in_digest")
    op.drop_table("job_runs")
