"""feedback counts: one count per day, rule, action, reason, rule-pack version and install hash

Revision ID: 0001
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback_counts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("rule", sa.String(120), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False, server_default=""),
        sa.Column("pack_version", sa.String(40), nullable=False),
        sa.Column("install", sa.String(32), nullable=False, server_default=""),
        sa.Column("count", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("day", "rule", "action", "reason", "pack_version", "install",
                            name="uq_feedback_counts_key"),
    )


def downgrade() -> None:
    op.drop_table("feedback_counts")
