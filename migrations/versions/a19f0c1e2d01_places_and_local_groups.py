"""地域資源マップ and local groups: place, local_group with themes, memberships (admins confirmed
by staff), activity places, activities with partner groups, and groups in joint projects

Revision ID: a19f0c1e2d01
Revises: b7e3c1a9d2f4
Create Date: 2026-12-02 17:43:25.014830

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a19f0c1e2d01'
down_revision = 'b7e3c1a9d2f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('local_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('meets', sa.String(length=300), nullable=False),
    sa.Column('how_to_join', sa.Text(), nullable=False),
    sa.Column('member_count', sa.Integer(), nullable=True),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('contact_url', sa.String(length=500), nullable=False),
    sa.Column('contact_visibility', sa.String(length=10), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("contact_visibility IN ('public', 'signed_in', 'verified', 'staff')", name=op.f('ck_local_group_contact_visibility_known')),
    sa.CheckConstraint("kind IN ('neighbourhood', 'npo', 'school', 'welfare', 'disaster', 'circle', 'other')", name=op.f('ck_local_group_kind_known')),
    sa.CheckConstraint('member_count IS NULL OR member_count >= 0', name=op.f('ck_local_group_member_count_positive')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_local_group_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_local_group_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_local_group')),
    sa.UniqueConstraint('slug', name=op.f('uq_local_group_slug'))
    )
    with op.batch_alter_table('local_group', schema=None) as batch_op:
        batch_op.create_index('ix_local_group_area_kind', ['area_id', 'kind'], unique=False)

    op.create_table('group_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("role IN ('admin', 'member')", name=op.f('ck_group_membership_role_known')),
    sa.CheckConstraint("state IN ('requested', 'confirmed', 'declined', 'revoked')", name=op.f('ck_group_membership_state_known')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_group_membership_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['local_group.id'], name=op.f('fk_group_membership_group_id_local_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_group_membership_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_membership')),
    sa.UniqueConstraint('group_id', 'user_id', name=op.f('uq_group_membership_group_id_user_id'))
    )
    with op.batch_alter_table('group_membership', schema=None) as batch_op:
        batch_op.create_index('ix_group_membership_state', ['state', 'group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_membership_user_id'), ['user_id'], unique=False)

    op.create_table('group_theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=20), nullable=False),
    sa.CheckConstraint("theme IN ('welfare', 'disaster', 'school', 'elderly', 'environment', 'culture', 'safety', 'multicultural', 'town')", name=op.f('ck_group_theme_theme_known')),
    sa.ForeignKeyConstraint(['group_id'], ['local_group.id'], name=op.f('fk_group_theme_group_id_local_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_theme')),
    sa.UniqueConstraint('group_id', 'theme', name=op.f('uq_group_theme_group_id_theme'))
    )
    with op.batch_alter_table('group_theme', schema=None) as batch_op:
        batch_op.create_index('ix_group_theme_theme', ['theme', 'group_id'], unique=False)

    op.create_table('group_project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_group_project_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['local_group.id'], name=op.f('fk_group_project_group_id_local_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_group_project_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_project')),
    sa.UniqueConstraint('group_id', 'proposal_id', name=op.f('uq_group_project_group_id_proposal_id'))
    )
    with op.batch_alter_table('group_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_project_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('place',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('opening_info', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("category IN ('meeting_room', 'park', 'helpful_shop', 'activity_site', 'funded_project', 'welfare', 'disaster', 'school', 'other')", name=op.f('ck_place_category_known')),
    sa.CheckConstraint('lat >= -90 AND lat <= 90', name=op.f('ck_place_lat_range')),
    sa.CheckConstraint('lon >= -180 AND lon <= 180', name=op.f('ck_place_lon_range')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_place_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_place_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['local_group.id'], name=op.f('fk_place_group_id_local_group'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_place_proposal_id_proposal'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place'))
    )
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.create_index('ix_place_area_category', ['area_id', 'category'], unique=False)
        batch_op.create_index(batch_op.f('ix_place_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_place_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('group_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('ends_at IS NULL OR ends_at >= starts_at', name=op.f('ck_group_activity_times_in_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_group_activity_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['local_group.id'], name=op.f('fk_group_activity_group_id_local_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_group_activity_place_id_place'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_activity'))
    )
    with op.batch_alter_table('group_activity', schema=None) as batch_op:
        batch_op.create_index('ix_group_activity_group_starts', ['group_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_activity_place_id'), ['place_id'], unique=False)

    op.create_table('group_place',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['local_group.id'], name=op.f('fk_group_place_group_id_local_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_group_place_place_id_place'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_place')),
    sa.UniqueConstraint('group_id', 'place_id', name=op.f('uq_group_place_group_id_place_id'))
    )
    with op.batch_alter_table('group_place', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_place_place_id'), ['place_id'], unique=False)

    op.create_table('group_activity_partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['group_activity.id'], name=op.f('fk_group_activity_partner_activity_id_group_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['local_group.id'], name=op.f('fk_group_activity_partner_group_id_local_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_activity_partner')),
    sa.UniqueConstraint('activity_id', 'group_id', name=op.f('uq_group_activity_partner_activity_id_group_id'))
    )
    with op.batch_alter_table('group_activity_partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_activity_partner_group_id'), ['group_id'], unique=False)



def downgrade():
    with op.batch_alter_table('group_activity_partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_activity_partner_group_id'))

    op.drop_table('group_activity_partner')
    with op.batch_alter_table('group_place', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_place_place_id'))

    op.drop_table('group_place')
    with op.batch_alter_table('group_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_activity_place_id'))
        batch_op.drop_index('ix_group_activity_group_starts')

    op.drop_table('group_activity')
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_place_group_id'))
        batch_op.drop_index('ix_place_area_category')

    op.drop_table('place')
    with op.batch_alter_table('group_project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_project_proposal_id'))

    op.drop_table('group_project')
    with op.batch_alter_table('group_theme', schema=None) as batch_op:
        batch_op.drop_index('ix_group_theme_theme')

    op.drop_table('group_theme')
    with op.batch_alter_table('group_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_membership_user_id'))
        batch_op.drop_index('ix_group_membership_state')

    op.drop_table('group_membership')
    with op.batch_alter_table('local_group', schema=None) as batch_op:
        batch_op.drop_index('ix_local_group_area_kind')

    op.drop_table('local_group')
