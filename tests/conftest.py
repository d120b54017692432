"""Shared fixtures: one app per test session on SQLite or a real PostgreSQL (``--db``).

The schema is built by the Alembic migrations, as in production; every test starts empty.
"""

import contextvars
import os
import re
import threading
import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from civic import create_app
from civic.accounts.models import User
from civic.extensions import db
from civic.spaces.models import Area, Phase, Process
from tests.servers import postgres_server

PASSWORD = "correct horse battery"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def pytest_addoption(parser):
    parser.addoption("--db", choices=("sqlite", "postgresql"),
                     default=os.environ.get("CIVIC_TEST_DB", "sqlite"),
                     help="database to run the suite on (PostgreSQL is started on loopback)")


def pytest_report_header(config):
    return f"civic database: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    if request.config.getoption("--db") == "postgresql":
        with postgres_server() as url:
            yield url
    else:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "civic.db")


class IsolatedClient(FlaskClient):
    """Each request runs outside the test's app context, as a real one would: its own ``g``,
    its own database session, nothing cached from another client's request."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        **overrides,
    }
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    return app


def _empty_all_tables():
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


def _finish_background_jobs(app) -> None:
    """Wait until the jobs a test started in the app's job thread have run: one still writing
    (an account mail after a registration, a count after a results page) would deadlock with the
    TRUNCATE below on PostgreSQL, or write into the next test."""
    executor = app.extensions.get("civic_jobs")
    if executor is not None:
        executor.submit(lambda: None).result(timeout=120)  # one worker: runs after the rest


@pytest.fixture(autouse=True)
def _clean_database(request):
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        _finish_background_jobs(app)
        with app.app_context():
            db.session.remove()
            _empty_all_tables()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


# Factories ----------------------------------------------------------------------------------

@pytest.fixture
def make_user(ctx):
    counter = iter(range(1, 10_000))

    def make(email=None, roles=(), area=None, name=None, locale="ja", password=PASSWORD,
             confirmed=True):
        from civic.timeutil import utcnow

        n = next(counter)
        user = User(email=email or f"person{n}@example.jp", display_name=name or f"住民{n}",
                    locale=locale, email_confirmed_at=utcnow() if confirmed else None)
        user.set_password(password)
        for role in ("resident", *roles):
            user.grant(role)
        db.session.add(user)
        db.session.flush()
        if area is not None:
            from civic.accounts.models import Residency

            db.session.add(Residency(user_id=user.id, area_id=area.id))
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_area(ctx):
    counter = iter(range(1, 10_000))

    def make(name=None, slug=None):
        n = next(counter)
        area = Area(name=name or f"地区{n}", slug=slug or f"area-{n}", position=n)
        db.session.add(area)
        db.session.commit()
        return area

    return make


@pytest.fixture
def make_proposal(ctx):
    """A proposal (published by default), indexed for search like one saved through the service."""
    from civic.proposals.models import Proposal
    from civic.proposals.services import reindex

    def make(process, author, title="公園のベンチを増やす", body="公園にベンチを置きたい。",
             state="published", **extra):
        proposal = Proposal(process_id=process.id, author_id=author.id, title=title, body=body,
                            state=state, **extra)
        db.session.add(proposal)
        db.session.flush()
        reindex(proposal)
        db.session.commit()
        return proposal

    return make


@pytest.fixture
def make_process(ctx):
    from datetime import timedelta

    from civic.timeutil import ward_today

    counter = iter(range(1, 10_000))

    def make(title=None, area=None, published=True, features=("proposals_open",), slug=None,
             starts=-1, ends=30):
        n = next(counter)
        today = ward_today()
        process = Process(slug=slug or f"process-{n}", title=title or f"プロセス{n}",
                          area_id=area.id if area else None, published=published)
        phase = Phase(title="第1段階", starts_on=today + timedelta(days=starts),
                      ends_on=today + timedelta(days=ends), position=0,
                      **{feature: True for feature in features})
        process.phases = [phase]
        db.session.add(process)
        db.session.commit()
        return process

    return make


def login(client, user, password=PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.data[:500]
    return response


def wait_for_job(job_id: int, timeout: float = 60):
    """Poll a background job until it has finished (done or failed); returns the Job row."""
    from civic.jobs.models import Job

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        if job.finished:
            return job
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def csrf_token_from(html: bytes | str) -> str:
    html = html.decode() if isinstance(html, bytes) else html
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


# A real server for browser tests --------------------------------------------------------------

@pytest.fixture(scope="session")
def live_server(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def held_jobs(monkeypatch):
    """Jobs are queued but nothing runs them until ``held_jobs.run()``, as with a busy worker."""
    from civic.jobs import services

    class Held(list):
        def run(self):
            while self:
                services.run(self.pop(0))

    held = Held()
    monkeypatch.setattr(services, "_dispatch", held.append)
    return held
