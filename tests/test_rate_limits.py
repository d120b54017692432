"""Rate limits on posting and voting: per person, and shared by every app server through Redis."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from civic.extensions import limiter
from tests.conftest import PASSWORD, make_app
from tests.servers import redis_server

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def limited(database_url):
    """An app with rate limits on; the limiter is shared by every app of the session, so it goes
    back to memory storage and off afterwards."""
    apps = []

    def make(**overrides):
        app = make_app(database_url, RATELIMIT_ENABLED=True, **overrides)
        apps.append(app)
        return app

    try:
        yield make
    finally:
        make_app(database_url, RATELIMIT_ENABLED=True)  # back to memory:// storage
        limiter.reset()
        limiter.enabled = False


def _sign_in(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_comments_are_limited_per_person_not_per_address(limited, make_user, make_process,
                                                          make_area):
    from civic.extensions import db
    from civic.proposals.models import Proposal

    app = limited()
    process = make_process(features=("proposals_open", "comments_open"))
    author = make_user()
    proposal = Proposal(process_id=process.id, author_id=author.id, title="ベンチ", body="本文",
                        state="published")
    db.session.add(proposal)
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    _sign_in(first, make_user())
    _sign_in(second, make_user())
    url = f"/comments/proposal/{proposal.id}"
    responses = [first.post(url, data={"comment-body": f"意見{i}"}) for i in range(11)]
    assert [r.status_code for r in responses] == [302] * 10 + [429]
    assert 1 <= int(responses[10].headers["Retry-After"]) <= 60  # "10 per minute"
    # Someone else on the same address (the same venue Wi-Fi) still gets through.
    assert second.post(url, data={"comment-body": "別の人の意見"}).status_code == 302


def test_supports_are_limited(limited, make_user, make_process, make_area):
    from civic.extensions import db
    from civic.proposals.models import Proposal

    app = limited()
    area = make_area()
    process = make_process(area=area, features=("proposals_open", "supports_open"))
    author = make_user()
    proposal = Proposal(process_id=process.id, author_id=author.id, title="ベンチ", body="本文",
                        state="published")
    db.session.add(proposal)
    db.session.commit()
    client = app.test_client()
    _sign_in(client, make_user(area=area))
    url = f"/proposals/{proposal.id}/support"
    statuses = [client.post(url, data={"withdraw": "1" if i % 2 else ""}).status_code
                for i in range(31)]
    assert statuses[:30] == [302] * 30 and statuses[30] == 429


SECOND_SERVER = """
import json, sys
from tests.conftest import make_app
app = make_app(sys.argv[1], RATELIMIT_ENABLED=True, REDIS_URL=sys.argv[2])
client = app.test_client()
print(json.dumps([client.post("/login", data={"email": "x@example.jp", "password": "wrong"})
                  .status_code for _ in range(6)]))
"""


def test_limits_are_shared_by_app_servers_through_redis(limited, database_url):
    with redis_server() as url:
        # Another app server: a separate process with its own limiter, the same Redis.
        other = subprocess.run([sys.executable, "-c", SECOND_SERVER, database_url, url],
                               cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
        assert json.loads(other.stdout.strip().splitlines()[-1]) == [422] * 6
        app = limited(REDIS_URL=url)
        client = app.test_client()
        statuses = [client.post("/login", data={"email": "x@example.jp", "password": "wrong"})
                    .status_code for _ in range(5)]
        # The login limit is 10 a minute per address: 6 there + 4 here, then refused.
        assert statuses == [422] * 4 + [429]


def test_memory_storage_is_per_process(limited, database_url):
    """The contrast that makes the Redis test meaningful: without Redis, nothing is shared."""
    other = subprocess.run([sys.executable, "-c", SECOND_SERVER.replace(
        ", REDIS_URL=sys.argv[2]", ""), database_url, ""], cwd=ROOT, capture_output=True,
        text=True, timeout=120, check=True)
    assert json.loads(other.stdout.strip().splitlines()[-1]) == [422] * 6
    client = limited().test_client()
    statuses = [client.post("/login", data={"email": "x@example.jp", "password": "wrong"})
                .status_code for _ in range(10)]
    assert statuses == [422] * 10


def test_the_public_api_is_limited_per_client_address(limited):
    app = limited()
    client = app.test_client()
    statuses = [client.get("/api/v1/areas", environ_overrides={"REMOTE_ADDR": "192.0.2.1"})
                for _ in range(121)]
    assert [r.status_code for r in statuses] == [200] * 120 + [429]  # "120 per minute"
    refused = statuses[-1]
    assert refused.mimetype == "application/problem+json" and refused.json["status"] == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    other = client.get("/api/v1/areas", environ_overrides={"REMOTE_ADDR": "192.0.2.2"})
    assert other.status_code == 200
