import psycopg
import pytest

from civic.extensions import db


def test_pooled_connections_the_server_closed_are_replaced_before_a_request_uses_them(app, client):
    """A database restart or a terminated backend must not cost the next requests a 500."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no server to close connections")
        url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    assert client.get("/").status_code == 200  # the pool now holds a connection
    with psycopg.connect(url, autocommit=True) as admin:
        # With a timeout, pg_terminate_backend returns once the backends have exited (a
        # connection that dies while a request is using it fails, with or without a ping).
        ended = admin.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'").fetchone()[0]
    assert ended >= 1
    for _ in range(3):
        assert client.get("/").status_code == 200
