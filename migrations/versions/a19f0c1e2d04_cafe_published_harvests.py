"""cafe: harvest_published_at (a facilitator publishes a finished café's harvest)

Revision ID: a19f0c1e2d04
Revises: a19f0c1e2d03
Create Date: 2026-12-03 10:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a19f0c1e2d04'
down_revision = 'a19f0c1e2d03'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cafe', schema=None) as batch_op:
        batch_op.add_column(sa.Column('harvest_published_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('cafe', schema=None) as batch_op:
        batch_op.drop_column('harvest_published_at')
