"""proposals: estimated_cost as a 64-bit integer, like every other amount of money

The form allows estimates up to 10^12 yen; PostgreSQL's ``integer`` overflowed above 2^31
(about 2.1 billion yen) with a 500. Budgets, project costs and ballot totals are ``BigInteger``
already. SQLite rebuilds the table (batch mode) and keeps its CHECK constraints.

Revision ID: b7e3c5a9d214
Revises: c4e1f2a9b7d3
Create Date: 2026-12-02 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e3c5a9d214'
down_revision = 'c4e1f2a9b7d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.alter_column('estimated_cost', existing_type=sa.Integer(),
                              type_=sa.BigInteger(), existing_nullable=True)


def downgrade():
    # Estimates above 2^31 do not fit back: they become unknown rather than failing the downgrade.
    op.execute(sa.text("UPDATE proposal SET estimated_cost = NULL "
                       "WHERE estimated_cost > 2147483647"))
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.alter_column('estimated_cost', existing_type=sa.BigInteger(),
                              type_=sa.Integer(), existing_nullable=True)
