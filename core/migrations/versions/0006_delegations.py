"""approvals: delegations during absence, votes cast on someone's behalf, when each step opened

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delegations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("delegate_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["principal_id"], ["people.id"], name=op.f("fk_delegations_principal_id_people")),
        sa.ForeignKeyConstraint(["delegate_id"], ["people.id"], name=op.f("fk_delegations_delegate_id_people")),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"], name=op.f("fk_delegations_created_by_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegations")),
    )
    op.create_index(op.f("ix_delegations_principal_id"), "delegations", ["principal_id"])
    op.create_index(op.f("ix_delegations_delegate_id"), "delegations", ["delegate_id"])
    with op.batch_alter_table("order_approval_steps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("on_behalf_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_order_approval_steps_on_behalf_of_id_people"), "people", ["on_behalf_of_id"], ["id"]
        )
    with op.batch_alter_table("approval_votes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("on_behalf_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_approval_votes_on_behalf_of_id_people"), "people", ["on_behalf_of_id"], ["id"]
        )
    _steps_opened_as_the_journal_says()


def _steps_opened_as_the_journal_says() -> None:
    """Steps that opened before this column existed: as the approval-time report worked it out.

    An order's n-th `submitted` or `approval_restarted` entry starts its round n, when its first
    group opens; a later group opens when the last step of the group before it is approved.
    """
    bind = op.get_bind()
    starts: dict[tuple[int, int], object] = {}
    entries = bind.execute(
        sa.text(
            "SELECT order_id, at FROM activities WHERE kind IN ('submitted', 'approval_restarted') "
            "ORDER BY order_id, id"
        )
    ).all()
    rounds: dict[int, int] = {}
    for order_id, at in entries:
        rounds[order_id] = rounds.get(order_id, 0) + 1
        starts[(order_id, rounds[order_id])] = at
    steps = bind.execute(
        sa.text('SELECT id, order_id, round, "group", state, decided_at FROM order_approval_steps')
    ).all()
    groups: dict[tuple[int, int, int], list[tuple[str, object]]] = {}
    for _id, order_id, round_, group, state, decided_at in steps:
        groups.setdefault((order_id, round_, group), []).append((state, decided_at))
    update = sa.text("UPDATE order_approval_steps SET opened_at = :at WHERE id = :id")
    for step_id, order_id, round_, group, state, _decided_at in steps:
        if state == "waiting":
            continue
        if group == 1:
            at = starts.get((order_id, round_))
        else:
            before = groups.get((order_id, round_, group - 1), [])
            done = all(state_ == "approved" for state_, _ in before) and before
            at = max((str(when) for _, when in before if when is not None), default=None) if done else None
            at = next((when for _, when in before if str(when) == at), None) if at is not None else None
        if at is not None:
            bind.execute(update, {"at": at, "id": step_id})


def downgrade() -> None:
    with op.batch_alter_table("approval_votes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_approval_votes_on_behalf_of_id_people"), type_="foreignkey")
        batch_op.drop_column("on_behalf_of_id")
    with op.batch_alter_table("order_approval_steps", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_order_approval_steps_on_behalf_of_id_people"), type_="foreignkey")
        batch_op.drop_column("on_behalf_of_id")
        batch_op.drop_column("opened_at")
    op.drop_index(op.f("ix_delegations_delegate_id"), table_name="delegations")
    op.drop_index(op.f("ix_delegations_principal_id"), table_name="delegations")
    op.drop_table("delegations")
