"""Budget results counted by a job and kept (budget_result), instead of the outcome cache on budget

Revision ID: b7e3c1a9d2f4
Revises: b7e3c5a9d214
Create Date: 2026-12-02 14:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e3c1a9d2f4'
down_revision = 'b7e3c5a9d214'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('budget_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('ballot_version', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('selected', sa.JSON(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['budget_id'], ['budget.id'], name=op.f('fk_budget_result_budget_id_budget'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_result')),
    sa.UniqueConstraint('budget_id', name=op.f('uq_budget_result_budget_id'))
    )
    # The old cache is only dropped: the results are counted again on the next visit.
    with op.batch_alter_table('budget', schema=None) as batch_op:
        batch_op.drop_column('outcome_version')
        batch_op.drop_column('outcome_json')


def downgrade():
    with op.batch_alter_table('budget', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome_json', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('outcome_version', sa.Integer(), nullable=True))

    op.drop_table('budget_result')
