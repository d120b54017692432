"""accounts: confirmed email addresses; sign-in waits per (email, client address)

Replaces the per-account lock (failed_logins, locked_until on user), which let anyone lock the
owner out, with sign_in_throttle. Accounts that exist already count as confirmed.

Revision ID: fa49c4a6e11a
Revises: 5f3c1e2a9b47
Create Date: 2026-12-02 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fa49c4a6e11a'
down_revision = '5f3c1e2a9b47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_throttle',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('account_key', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle')),
    )
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_account_key'), ['account_key'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_last_failed_at'),
                              ['last_failed_at'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(), nullable=True))
    user = sa.table('user', sa.column('created_at', sa.DateTime()),
                    sa.column('email_confirmed_at', sa.DateTime()))
    op.execute(user.update().values(email_confirmed_at=user.c.created_at))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
        batch_op.drop_column('email_confirmed_at')
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_throttle_last_failed_at'))
        batch_op.drop_index(batch_op.f('ix_sign_in_throttle_account_key'))
    op.drop_table('sign_in_throttle')
