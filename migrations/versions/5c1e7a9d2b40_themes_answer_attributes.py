"""themes: the other columns of an imported answer, kept as its attributes

Revision ID: 5c1e7a9d2b40
Revises: 75b1720e596a
Create Date: 2026-12-02 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e7a9d2b40'
down_revision = '75b1720e596a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('analysis_import', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attribute_columns', sa.JSON(), server_default=sa.text("'[]'"),
                                      nullable=False))
    with op.batch_alter_table('analysis_comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attributes', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('analysis_comment', schema=None) as batch_op:
        batch_op.drop_column('attributes')
    with op.batch_alter_table('analysis_import', schema=None) as batch_op:
        batch_op.drop_column('attribute_columns')
