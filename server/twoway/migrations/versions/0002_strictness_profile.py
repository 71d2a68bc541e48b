"""the strictness profile a count was made under (quiet / balanced / thorough)

Counts from before the profiles existed were made under what is now `balanced`.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OLD_KEY = ["day", "rule", "action", "reason", "pack_version", "install"]
NEW_KEY = ["day", "rule", "action", "reason", "pack_version", "profile", "install"]


def upgrade() -> None:
    with op.batch_alter_table("feedback_counts") as batch:
        batch.add_column(sa.Column("profile", sa.String(12), nullable=False, server_default="balanced"))
        batch.drop_constraint("uq_feedback_counts_key", type_="unique")
        batch.create_unique_constraint("uq_feedback_counts_key", NEW_KEY)


def downgrade() -> None:
    # Profiles merge back into one count per old key.
    bind = op.get_bind()
    bind.exec_driver_sql(
        "CREATE TEMPORARY TABLE feedback_merge AS SELECT day, rule, action, reason, pack_version, install, "
        "SUM(count) AS count FROM feedback_counts GROUP BY day, rule, action, reason, pack_version, install")
    bind.exec_driver_sql("DELETE FROM feedback_counts")
    with op.batch_alter_table("feedback_counts") as batch:
        batch.drop_constraint("uq_feedback_counts_key", type_="unique")
        batch.drop_column("profile")
        batch.create_unique_constraint("uq_feedback_counts_key", OLD_KEY)
    bind.exec_driver_sql(
        "INSERT INTO feedback_counts (day, rule, action, reason, pack_version, install, count) "
        "SELECT day, rule, action, reason, pack_version, install, count FROM feedback_merge")
    bind.exec_driver_sql("DROP TABLE feedback_merge")
