"""content language of proposals and comments

Existing rows get their language by detection (civic.i18n.content.detect, pure).

Revision ID: 8216f8a7a5c7
Revises: 209a66db6fab
Create Date: 2026-11-23 16:52:50.704585

"""
from alembic import op
import sqlalchemy as sa

from civic.i18n.content import detect


# revision identifiers, used by Alembic.
revision = '8216f8a7a5c7'
down_revision = '209a66db6fab'
branch_labels = None
depends_on = None

KNOWN = "language IN ('ja', 'en', 'zh_Hans', 'ko', 'vi', 'other')"


def _backfill(table, columns):
    connection = op.get_bind()
    rows = connection.execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table}")).all()  # noqa: S608 - fixed names  # nosec B608
    changes = [{"id": row[0], "language": detect(*row[1:])} for row in rows]
    changes = [c for c in changes if c["language"] != "ja"]
    if changes:
        connection.execute(sa.text(f"UPDATE {table} SET language = :language WHERE id = :id"),  # noqa: S608  # nosec B608
                           changes)


def upgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=10), server_default='ja', nullable=False))
        batch_op.create_check_constraint(op.f('ck_comment_language_known'), KNOWN)

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=10), server_default='ja', nullable=False))
        batch_op.create_check_constraint(op.f('ck_proposal_language_known'), KNOWN)

    _backfill("proposal", ("title", "body"))
    _backfill("comment", ("body",))


def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_proposal_language_known'), type_='check')
        batch_op.drop_column('language')

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_comment_language_known'), type_='check')
        batch_op.drop_column('language')
