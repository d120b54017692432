import pytest
from sqlalchemy import event, func, select

from civic.accounts.models import User
from civic.caching.services import generations
from civic.extensions import db
from civic.transactions import ReadOnlyRequestError, read_only, storing
from tests.conftest import login, make_app


def _in_transaction(dbapi_connection) -> bool:
    info = getattr(dbapi_connection, "info", None)  # psycopg
    if info is not None and hasattr(info, "transaction_status"):
        return info.transaction_status.name != "IDLE"
    return dbapi_connection.in_transaction  # sqlite3


@pytest.fixture
def driver_states(app):
    """After each statement the app runs: was the driver's connection inside a transaction?"""
    states = []

    def record(conn, _cursor, _statement, _parameters, _context, _executemany):
        states.append(_in_transaction(conn.connection.dbapi_connection))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", record)
    yield states
    event.remove(engine, "after_cursor_execute", record)


def test_busy_pages_read_without_a_transaction_and_forms_still_write_in_one(
        client, make_user, make_area, make_process, make_proposal, driver_states):
    area = make_area()
    process = make_process(area=area, features=("proposals_open", "supports_open"))
    proposal = make_proposal(process, make_user())
    login(client, make_user(area=area))
    for page in ("/", f"/processes/{process.slug}", f"/processes/{process.slug}/proposals",
                 f"/proposals/{proposal.id}"):
        driver_states.clear()
        assert client.get(page).status_code == 200, page
        assert driver_states and not any(driver_states), page

    driver_states.clear()
    assert client.post(f"/proposals/{proposal.id}/support").status_code == 302
    assert driver_states and driver_states[-1]  # the writes, up to the last, in a transaction


def test_a_read_only_view_that_writes_is_refused_and_nothing_is_saved(database_url, make_user):
    app = make_app(database_url)
    user = make_user()

    @app.get("/rename")
    @read_only
    def rename():
        db.session.get(User, user.id).display_name = "書き換え"
        db.session.commit()
        return "done"

    @app.get("/rename-in-bulk")
    @read_only
    def rename_in_bulk():
        db.session.execute(User.__table__.update().values(display_name="書き換え"))
        return "done"

    for path in ("/rename", "/rename-in-bulk"):
        with pytest.raises(ReadOnlyRequestError):
            app.test_client().get(path)
    with app.app_context():
        renamed = db.session.scalar(select(func.count()).where(User.display_name == "書き換え"))
    assert renamed == 0


def test_a_read_only_view_stores_what_it_recomputed_in_a_transaction_of_its_own(
        database_url, make_user):
    app = make_app(database_url)
    user = make_user()

    @app.get("/store")
    @read_only
    def store():
        before = generations(("user",))
        with storing() as session:
            session.get(User, user.id).display_name = "数え直し"
            session.commit()
        # Committed, and the generation advanced for what this request renders next.
        return "advanced" if generations(("user",)) > before else "same"

    assert app.test_client().get("/store").data == b"advanced"
    with app.app_context():
        assert db.session.get(User, user.id).display_name == "数え直し"
