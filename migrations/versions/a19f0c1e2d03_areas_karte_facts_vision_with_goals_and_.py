"""地域カルテ and 地域ビジョン: area_fact (an area's figures by year), area_vision with vision_goal and
goal_link (accepted proposals and group activities serving a goal)

Revision ID: a19f0c1e2d03
Revises: a19f0c1e2d02
Create Date: 2026-12-02 17:55:03.758482

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a19f0c1e2d03'
down_revision = 'a19f0c1e2d02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('area_fact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('year BETWEEN 1900 AND 2200', name=op.f('ck_area_fact_year_range')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_area_fact_area_id_area'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area_fact')),
    sa.UniqueConstraint('area_id', 'year', 'key', name=op.f('uq_area_fact_area_id_year_key'))
    )
    op.create_table('area_vision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_area_vision_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_area_vision_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area_vision')),
    sa.UniqueConstraint('area_id', name=op.f('uq_area_vision_area_id'))
    )
    op.create_table('vision_goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vision_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.CheckConstraint('position >= 0', name=op.f('ck_vision_goal_position_positive')),
    sa.ForeignKeyConstraint(['vision_id'], ['area_vision.id'], name=op.f('fk_vision_goal_vision_id_area_vision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vision_goal'))
    )
    with op.batch_alter_table('vision_goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vision_goal_vision_id'), ['vision_id'], unique=False)

    op.create_table('goal_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(proposal_id IS NULL) <> (activity_id IS NULL)', name=op.f('ck_goal_link_one_target')),
    sa.ForeignKeyConstraint(['activity_id'], ['group_activity.id'], name=op.f('fk_goal_link_activity_id_group_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['goal_id'], ['vision_goal.id'], name=op.f('fk_goal_link_goal_id_vision_goal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_goal_link_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_link')),
    sa.UniqueConstraint('goal_id', 'activity_id', name=op.f('uq_goal_link_goal_id_activity_id')),
    sa.UniqueConstraint('goal_id', 'proposal_id', name=op.f('uq_goal_link_goal_id_proposal_id'))
    )
    with op.batch_alter_table('goal_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_link_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_link_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_link_proposal_id'), ['proposal_id'], unique=False)



def downgrade():
    with op.batch_alter_table('goal_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_link_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_goal_link_goal_id'))
        batch_op.drop_index(batch_op.f('ix_goal_link_activity_id'))

    op.drop_table('goal_link')
    with op.batch_alter_table('vision_goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vision_goal_vision_id'))

    op.drop_table('vision_goal')
    op.drop_table('area_vision')
    op.drop_table('area_fact')
