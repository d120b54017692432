"""search: index comments as well as proposals; indexes for the proposal list

Revision ID: 7897b06bf48a
Revises: 0b2bc72bb1ea
Create Date: 2026-11-23 16:11:18.795680

"""
from alembic import op
import sqlalchemy as sa

from civic.search import text


# revision identifiers, used by Alembic.
revision = '7897b06bf48a'
down_revision = '0b2bc72bb1ea'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_term', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment_id', sa.Integer(), nullable=True))
        batch_op.alter_column('proposal_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.drop_index(batch_op.f('ix_search_term_term'))
        batch_op.create_index('ix_search_term_term', ['term', 'proposal_id', 'weight'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_term_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index('ix_search_term_comment_term', ['term', 'comment_id', 'weight'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_search_term_comment_id_comment'), 'comment', ['comment_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(
            op.f('ck_search_term_one_document'), '(proposal_id IS NULL) <> (comment_id IS NULL)')

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_list_newest', ['process_id', 'published_at', 'id'], unique=False)
        batch_op.create_index('ix_proposal_list_supported', ['process_id', 'support_count', 'id'], unique=False)
        batch_op.create_index('ix_proposal_list_commented', ['process_id', 'comment_count', 'id'], unique=False)
        batch_op.create_index('ix_proposal_visible', ['process_id', 'state', 'hidden_at'], unique=False)

    # Index the comments written before comments were searchable.
    bind = op.get_bind()
    comments = bind.execute(sa.text(
        "SELECT id, body FROM comment WHERE deleted_at IS NULL")).all()
    table = sa.table('search_term', sa.column('comment_id'), sa.column('term'),
                     sa.column('weight'))
    rows = [{'comment_id': comment_id, 'term': term, 'weight': weight}
            for comment_id, body in comments
            for term, weight in text.terms(body).items()]
    if rows:
        op.bulk_insert(table, rows)


def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_visible')
        batch_op.drop_index('ix_proposal_list_commented')
        batch_op.drop_index('ix_proposal_list_supported')
        batch_op.drop_index('ix_proposal_list_newest')

    op.execute("DELETE FROM search_term WHERE comment_id IS NOT NULL")
    with op.batch_alter_table('search_term', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_search_term_one_document'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_search_term_comment_id_comment'), type_='foreignkey')
        batch_op.drop_index('ix_search_term_comment_term')
        batch_op.drop_index(batch_op.f('ix_search_term_comment_id'))
        batch_op.drop_index('ix_search_term_term')
        batch_op.create_index(batch_op.f('ix_search_term_term'), ['term', 'proposal_id'], unique=False)
        batch_op.alter_column('proposal_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('comment_id')
