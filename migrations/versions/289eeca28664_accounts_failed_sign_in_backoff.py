"""accounts: failed sign-in backoff

Revision ID: 289eeca28664
Revises: 790fcb423ef0
Create Date: 2026-11-23 16:15:51.525508

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '289eeca28664'
down_revision = '790fcb423ef0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
