from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from civic.extensions import db


def test_the_migrations_build_exactly_the_models(app, ctx):
    """A model change without a migration (or the reverse) fails here, on both databases."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_estimates_keep_their_value_and_check_through_the_bigint_migration(app, ctx, make_process,
                                                                         make_user):
    """b7e3c5a9d214 rebuilds the proposal table on SQLite: rows, the CHECK constraints and the
    indexes must come through; afterwards an estimate beyond 2^31 fits on PostgreSQL too."""
    import pytest
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import IntegrityError

    ids = {"process": make_process().id, "author": make_user().id}
    indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("proposal")}
    db.session.remove()
    downgrade(revision="b7e3c5a9d214-1")  # to whatever comes just before it
    try:
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO proposal (process_id, author_id, title, body, category, estimated_cost,"
                " role_residents, role_ward, kpis, language, state, support_count, comment_count,"
                " progress, answer, created_at) VALUES (:process, :author, 'ベンチ', '本文', '',"
                " 2147483647, '', '', '', 'ja', 'draft', 0, 0, 0, '', CURRENT_TIMESTAMP)"),
                ids)
    finally:
        upgrade()
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT estimated_cost FROM proposal")).scalar() == 2**31 - 1
        connection.execute(text("UPDATE proposal SET estimated_cost = :cost"), {"cost": 10**12})
        assert connection.execute(text("SELECT estimated_cost FROM proposal")).scalar() == 10**12
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(text("UPDATE proposal SET estimated_cost = -1"))
    assert {ix["name"] for ix in inspect(db.engine).get_indexes("proposal")} == indexes
