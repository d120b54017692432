"""Absolute links come from CIVIC_BASE_URL, never from what a request says its host is.

A password-reset link built on the request's Host goes wherever an attacker's request says
(``Host: evil.example``), and its token then works on the real site. Every route that builds an
absolute URL is sent forged ``Host``, ``X-Forwarded-Host``, ``Forwarded`` and
``X-Forwarded-Proto`` headers here, behind the proxy setting that trusts forwarded headers.
"""

import io
import re
from pathlib import Path

import pytest
import segno

from civic.cafe import services as cafe_services
from civic.notifications.models import Notification, NotificationSettings
from tests.cafe.conftest import CAFE_DATA
from tests.conftest import login, make_app

BASE = "https://civic.example.jp"
ALIAS = "alias.example"  # a second name the operator trusts, e.g. for a health check
FORGED = {
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "http",
    "Forwarded": "host=evil.example;proto=http",
    "X-Host": "evil.example",
}


@pytest.fixture
def public_app(database_url):
    return make_app(database_url, CIVIC_BASE_URL=BASE, CIVIC_TRUSTED_HOSTS=[ALIAS],
                    CIVIC_PROXY_FIX=1)


@pytest.fixture
def forged_client(public_app):
    """A client whose every request reaches the app under another trusted name, with forged
    forwarding headers on top."""
    client = public_app.test_client()
    client.environ_base.update({"HTTP_HOST": ALIAS, "wsgi.url_scheme": "http"})
    client.environ_base.update({f"HTTP_{name.upper().replace('-', '_')}": value
                                for name, value in FORGED.items()})
    return client


@pytest.fixture
def mails(monkeypatch):
    sent = []
    monkeypatch.setattr("civic.mail.send", lambda to, subject, body: sent.append(body))
    return sent


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"']+", text)


def test_untrusted_hosts_are_refused_before_anything_runs(public_app, mails, make_user):
    user = make_user()
    client = public_app.test_client()
    for host in ("evil.example", "civic.example.jp.evil.example", "evil.example:443"):
        response = client.post("/password/forgot", data={"email": user.email},
                               headers={"Host": host})
        assert response.status_code == 400
        assert client.get("/", headers={"Host": host}).status_code == 400
    assert mails == []
    assert client.get("/", headers={"Host": "civic.example.jp"}).status_code == 200
    assert client.get("/healthz", headers={"Host": ALIAS}).status_code == 200


def test_without_a_base_url_development_serves_loopback_names_only(client):
    assert client.get("/healthz").status_code == 200  # the test client's host, localhost
    assert client.get("/healthz", headers={"Host": "127.0.0.1:5000"}).status_code == 200
    refused = client.get("/healthz", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and "evil.example" not in refused.text


def test_the_password_reset_link_points_at_the_base_url(public_app, forged_client, mails, make_user,
                                                        held_jobs):
    user = make_user()
    response = forged_client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    with public_app.app_context():  # the mail job, as a worker runs it
        held_jobs.run()
    (link,) = _links(mails[0])
    assert link.startswith(f"{BASE}/password/reset/")
    token_path = link.removeprefix(BASE)
    assert forged_client.get(token_path).status_code == 200  # the token itself still works


def test_residency_code_letters_carry_qr_codes_for_the_base_url(forged_client, make_user,
                                                                make_area):
    area = make_area()
    login(forged_client, make_user(roles=("staff",)))
    sheet = forged_client.post("/staff/codes", data={"area": area.id, "count": 2,
                                                     "kind": "letter", "days": 30}).text
    codes = re.findall(r'class="code" translate="no">([^<]+)<', sheet)
    assert len(codes) == 2
    for code in codes:
        expected = segno.make(f"{BASE}/verify?code={code.replace('-', '')}", error="m")
        assert expected.svg_inline(scale=3, omitsize=False) in sheet
    assert "evil.example" not in sheet and ALIAS not in sheet


def test_the_cafe_join_link_and_qr_code_use_the_base_url(forged_client, make_user,
                                                         make_process):
    host = make_user(roles=("facilitator",))
    cafe = cafe_services.create_cafe(make_process(features=("cafe_open",)), CAFE_DATA, host)
    login(forged_client, host)
    join = f"{BASE}/cafe/{cafe.join_code}"
    console = forged_client.get(f"/cafes/{cafe.id}/console").text
    assert f'href="{join}"' in console and "evil.example" not in console
    drawn = io.BytesIO()
    segno.make(join, error="m").save(drawn, kind="svg", scale=6)
    assert forged_client.get(f"/cafes/{cafe.id}/qr.svg").data == drawn.getvalue()


def test_the_email_digest_links_to_the_base_url(public_app, mails, make_user, make_process,
                                                make_proposal, ctx):
    from civic.comments import services as comments
    from civic.extensions import db

    author, neighbour = make_user(), make_user()
    db.session.add(NotificationSettings(user_id=author.id, email_digest=True))
    db.session.commit()
    proposal = make_proposal(make_process(features=("comments_open",)), author)
    comments.add(neighbour, "proposal", proposal.id, "賛成です")
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 1

    with public_app.app_context():  # not the suite's app that the factories use
        result = public_app.test_cli_runner().invoke(args=["notifications", "send-digest"])
    assert result.exit_code == 0, result.output
    links = _links(mails[0])
    assert len(links) == 3 and all(link.startswith(f"{BASE}/") for link in links)


def test_the_proxy_setting_trusts_only_the_client_address_and_scheme(public_app):
    from flask import request

    seen = {}

    @public_app.get("/__seen")
    def _seen():
        seen.update(host=request.host, scheme=request.scheme, addr=request.remote_addr)
        return ""

    public_app.test_client().get("/__seen", headers={
        "Host": ALIAS, "X-Forwarded-Host": "civic.example.jp", "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "203.0.113.9"})
    assert seen == {"host": ALIAS, "scheme": "https", "addr": "203.0.113.9"}


def test_no_code_builds_links_from_the_request_address():
    """url_for(..., _external=True) is safe (it uses SERVER_NAME); these bypass it."""
    civic = Path(__file__).resolve().parents[1] / "civic"
    risky = re.compile(r"request\.(url\b|host\b|host_url|url_root|base_url|root_url)")
    offenders = [f"{path.relative_to(civic)}:{number}"
                 for path in sorted(civic.rglob("*")) if path.suffix in (".py", ".html", ".txt")
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if risky.search(line)]
    assert offenders == []
