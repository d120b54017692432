from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from civic.extensions import db


def test_the_migrations_build_exactly_the_models(app, ctx):
    """A model change without a migration (or the reverse) fails here, on both databases."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
