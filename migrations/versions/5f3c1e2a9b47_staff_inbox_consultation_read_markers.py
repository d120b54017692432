"""staff inbox: 事前相談 read markers, comments on closed proposals

Revision ID: 5f3c1e2a9b47
Revises: 5c1e7a9d2b40
Create Date: 2026-12-02 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5f3c1e2a9b47'
down_revision = '5c1e7a9d2b40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultation_read',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('last_message_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_consultation_read_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_consultation_read_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_read')),
    sa.UniqueConstraint('user_id', 'proposal_id', name=op.f('uq_consultation_read_user_id_proposal_id'))
    )
    with op.batch_alter_table('consultation_read', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_read_proposal_id'), ['proposal_id'], unique=False)

    with op.batch_alter_table('proposal_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comments_on_closed', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('proposal_settings', schema=None) as batch_op:
        batch_op.drop_column('comments_on_closed')

    with op.batch_alter_table('consultation_read', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_read_proposal_id'))

    op.drop_table('consultation_read')
