"""An XSS and injection corpus through every kind of text people type: all of it stays inert.

Each payload goes in through the real forms (names, process titles, proposal Markdown, comments,
café guest names and notes) and comes out on the pages that show it: no element, attribute or URL
of the payload may become live markup, and CSV exports never start a cell with a formula.
"""

import csv
import io
import re

import pytest

from civic.accounts.models import User
from civic.extensions import db
from tests.conftest import login
from tests.test_csp_templates import _Inline

CORPUS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "![x](javascript:alert(1))",
    '<div style="background:url(javascript:alert(1))">css</div>',
    "<style>body{background:expression(alert(1))}</style>",
    "<iframe src=//evil.example></iframe>",
    "' OR '1'='1'; DROP TABLE proposal; --",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\u202eevil\u202c 右から左",
    "NUL\x00byte",
    "{{ 7*7 }} {% raw %}",
]

ANCHOR = "ZZQ"  # marks where a payload landed, to check the page shows it as text


def _assert_inert(html: str, where: str) -> None:
    """No payload element, event handler, inline style or javascript: URL became markup."""
    match = re.search(r'nonce="([^"]+)"', html)
    parser = _Inline(match.group(1) if match else None)
    parser.feed(html)
    assert not parser.problems, f"{where}: {parser.problems}"
    lowered = html.lower()
    # The payloads' own <svg> (the page's icons are inline SVG without handlers: _Inline checks).
    for live in ("<script>alert", "<svg/", "<svg><script", "<iframe", "<img src=x",
                 "<style>body"):
        assert live not in lowered, f"{where}: live {live!r}"


@pytest.mark.parametrize("payload", CORPUS)
def test_payloads_in_names_titles_markdown_and_comments_stay_inert(app, make_user, make_area,
                                                                   make_process, payload):
    client = app.test_client()
    text = f"{ANCHOR}{payload}"
    # Registration: the display name.
    response = client.post("/register", data={
        "email": "new@example.jp", "display_name": text[:80], "password": "long enough pw",
        "confirm": "long enough pw", "locale": "ja"})
    assert response.status_code in (302, 400, 422)
    staff = make_user(roles=("staff",))
    area = make_area()
    staff_client = app.test_client()
    login(staff_client, staff)
    response = staff_client.post("/staff/processes/new", data={
        "title": text, "summary": text, "description": text, "area": area.id, "slug": "",
        "published": "y"})
    assert response.status_code in (302, 400, 422)
    process = make_process(area=area, features=("proposals_open", "comments_open",
                                                "supports_open"))
    author = make_user(area=area, name=text.replace("\x00", "")[:80])  # made directly, no form
    author_client = app.test_client()
    login(author_client, author)
    response = author_client.post(f"/processes/{process.slug}/proposals/new", data={
        "title": text[:200], "body": f"{text}\n\n**太字** {payload}", "area": area.id,
        "role_residents": text, "role_ward": text, "kpis": text})
    assert response.status_code in (302, 400, 422), response.status_code
    from civic.proposals.models import Proposal

    db.session.expire_all()
    proposal = db.session.scalar(db.select(Proposal))
    assert proposal is not None or "\x00" in payload, "the proposal form refused the payload"
    if proposal is not None:
        proposal.state = "published"
        db.session.commit()
        author_client.post(f"/comments/proposal/{proposal.id}", data={"comment-body": text})
        for path in (f"/proposals/{proposal.id}", f"/processes/{process.slug}/proposals",
                     f"/proposals/search?q={ANCHOR}"):
            page = client.get(path)
            assert page.status_code == 200
            _assert_inert(page.get_data(as_text=True), path)
    for path in ("/processes", "/staff"):
        page = staff_client.get(path)
        assert page.status_code == 200
        _assert_inert(page.get_data(as_text=True), path)
    users = db.session.scalars(db.select(User)).all()
    assert users  # the database is intact after the SQL-looking payload


@pytest.mark.parametrize("payload", CORPUS)
def test_cafe_guest_names_notes_and_the_csv_export_stay_inert(app, make_user, make_process,
                                                              payload):
    from civic.cafe import services
    from civic.cafe.models import Cafe

    host = make_user(roles=("facilitator",))
    process = make_process(features=("cafe_open",))
    stored = payload.replace("\x00", "")  # the café is made directly, not through a form
    cafe = services.create_cafe(process, {
        "title": stored[:200], "purpose": stored, "mode": "classic", "questions": stored,
        "round_count": 1, "round_minutes": 20, "table_size": 3,
        "table_lines": f"{stored.replace('|', '/')} | https://example.jp",
        "verification_required": False}, host)
    code = cafe.join_code
    guests = []
    for n in range(2):
        guest = app.test_client()
        response = guest.post(f"/cafe/{code}", data={"display_name": f"{payload[:35]}{n}"})
        assert response.status_code in (303, 400, 422)
        guests.append(guest)
    cafe = db.session.get(Cafe, cafe.id)
    if len(services.participants(cafe)) < 2:
        return  # the name was refused as invalid (e.g. NUL): nothing to show
    services.start(cafe, host)
    guests[0].post(f"/cafe/{code}/notes", data={"body": payload})
    _assert_inert(guests[0].get(f"/cafe/{code}/me").get_data(as_text=True), "café table")
    hosting = app.test_client()
    login(hosting, host)
    for path in (f"/cafes/{cafe.id}/console", f"/cafes/{cafe.id}/harvest"):
        _assert_inert(hosting.get(path).get_data(as_text=True), path)
    exported = hosting.get(f"/cafes/{cafe.id}/harvest.csv").get_data(as_text=True)
    for row in csv.reader(io.StringIO(exported.lstrip("\ufeff"))):
        for cell in row:
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@")), cell
