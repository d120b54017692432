"""sortition: lotteries (無作為抽出), their register extract, invitations, replies, quotas, the panel draw and replacements

Revision ID: a16c0a1e2d01
Revises: a19f0c1e2d01
Create Date: 2026-12-02 17:51:06.707247

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a16c0a1e2d01'
down_revision = 'a19f0c1e2d01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lottery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('event_dates', sa.Text(), nullable=False),
    sa.Column('letter_text', sa.Text(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('event_type', sa.String(length=20), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('panel_size', sa.Integer(), nullable=False),
    sa.Column('extra_features', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('letter_key', sa.String(length=64), nullable=False),
    sa.Column('invitation_seed', sa.String(length=100), nullable=False),
    sa.Column('invitation_strata', sa.String(length=40), nullable=False),
    sa.Column('register_sha256', sa.String(length=64), nullable=False),
    sa.Column('register_count', sa.Integer(), nullable=False),
    sa.Column('retention_on', sa.Date(), nullable=True),
    sa.Column('personal_data_deleted_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state IN ('draft', 'replies', 'committed', 'drawn')", name=op.f('ck_lottery_state_known')),
    sa.CheckConstraint('panel_size >= 1', name=op.f('ck_lottery_panel_size_positive')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_lottery_area_id_area'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_lottery_owner_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lottery'))
    )
    op.create_table('lottery_draw',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lottery_id', sa.Integer(), nullable=False),
    sa.Column('algorithm', sa.String(length=10), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('pool_csv', sa.Text(), nullable=False),
    sa.Column('features_csv', sa.Text(), nullable=False),
    sa.Column('pool_sha256', sa.String(length=64), nullable=False),
    sa.Column('features_sha256', sa.String(length=64), nullable=False),
    sa.Column('commitment', sa.String(length=64), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('committed_at', sa.DateTime(), nullable=False),
    sa.Column('public_digits', sa.String(length=40), nullable=False),
    sa.Column('seed', sa.String(length=120), nullable=False),
    sa.Column('selected', sa.JSON(), nullable=False),
    sa.Column('panel', sa.JSON(), nullable=False),
    sa.Column('probabilities', sa.JSON(), nullable=False),
    sa.Column('min_probability', sa.Double(), nullable=True),
    sa.Column('drawn_at', sa.DateTime(), nullable=True),
    sa.Column('invited_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['lottery_id'], ['lottery.id'], name=op.f('fk_lottery_draw_lottery_id_lottery'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lottery_draw')),
    sa.UniqueConstraint('lottery_id', name=op.f('uq_lottery_draw_lottery_id'))
    )
    op.create_table('lottery_quota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lottery_id', sa.Integer(), nullable=False),
    sa.Column('feature', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=60), nullable=False),
    sa.Column('min_count', sa.Integer(), nullable=False),
    sa.Column('max_count', sa.Integer(), nullable=False),
    sa.CheckConstraint('min_count >= 0 AND min_count <= max_count', name=op.f('ck_lottery_quota_bounds_ordered')),
    sa.ForeignKeyConstraint(['lottery_id'], ['lottery.id'], name=op.f('fk_lottery_quota_lottery_id_lottery'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lottery_quota')),
    sa.UniqueConstraint('lottery_id', 'feature', 'value', name=op.f('uq_lottery_quota_lottery_id_feature_value'))
    )
    with op.batch_alter_table('lottery_quota', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lottery_quota_lottery_id'), ['lottery_id'], unique=False)

    op.create_table('register_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lottery_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.String(length=40), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('age_band', sa.String(length=20), nullable=False),
    sa.Column('gender', sa.String(length=20), nullable=False),
    sa.Column('area', sa.String(length=60), nullable=False),
    sa.Column('household', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['lottery_id'], ['lottery.id'], name=op.f('fk_register_entry_lottery_id_lottery'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_entry')),
    sa.UniqueConstraint('lottery_id', 'resident_id', name=op.f('uq_register_entry_lottery_id_resident_id'))
    )
    with op.batch_alter_table('register_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_entry_lottery_id'), ['lottery_id'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lottery_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('register_entry_id', sa.Integer(), nullable=True),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('replied_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['lottery_id'], ['lottery.id'], name=op.f('fk_invitation_lottery_id_lottery'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['register_entry_id'], ['register_entry.id'], name=op.f('fk_invitation_register_entry_id_register_entry'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_invitation_code_hash')),
    sa.UniqueConstraint('lottery_id', 'number', name=op.f('uq_invitation_lottery_id_number'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_lottery_id'), ['lottery_id'], unique=False)

    op.create_table('lottery_replacement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('dropped', sa.String(length=16), nullable=False),
    sa.Column('replacement', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('candidates', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_lottery_replacement_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['draw_id'], ['lottery_draw.id'], name=op.f('fk_lottery_replacement_draw_id_lottery_draw'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lottery_replacement'))
    )
    with op.batch_alter_table('lottery_replacement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lottery_replacement_draw_id'), ['draw_id'], unique=False)

    op.create_table('reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lottery_id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=16), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.Column('available_dates', sa.JSON(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('age_band', sa.String(length=20), nullable=False),
    sa.Column('gender', sa.String(length=20), nullable=False),
    sa.Column('area', sa.String(length=60), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user.id'], name=op.f('fk_reply_entered_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_reply_invitation_id_invitation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lottery_id'], ['lottery.id'], name=op.f('fk_reply_lottery_id_lottery'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_reply_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply')),
    sa.UniqueConstraint('invitation_id', name=op.f('uq_reply_invitation_id')),
    sa.UniqueConstraint('lottery_id', 'pseudonym', name=op.f('uq_reply_lottery_id_pseudonym'))
    )
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_lottery_id'), ['lottery_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reply_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_user_id'))
        batch_op.drop_index(batch_op.f('ix_reply_lottery_id'))

    op.drop_table('reply')
    with op.batch_alter_table('lottery_replacement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lottery_replacement_draw_id'))

    op.drop_table('lottery_replacement')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_lottery_id'))

    op.drop_table('invitation')
    with op.batch_alter_table('register_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_entry_lottery_id'))

    op.drop_table('register_entry')
    with op.batch_alter_table('lottery_quota', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lottery_quota_lottery_id'))

    op.drop_table('lottery_quota')
    op.drop_table('lottery_draw')
    op.drop_table('lottery')
