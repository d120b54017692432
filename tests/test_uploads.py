"""Request size limits and upload type checks."""

import io

from sqlalchemy import func, select

from civic.extensions import db
from civic.proposals.models import Proposal, ProposalImage
from tests.conftest import PASSWORD, csrf_token_from, login, make_app

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


def _new_proposal(client, slug, area, image: bytes, name: str):
    return client.post(f"/processes/{slug}/proposals/new", content_type="multipart/form-data",
                       data={"title": "ベンチ", "body": "ベンチを置きたい。", "area": area.id,
                             "image": (io.BytesIO(image), name)})


def test_only_real_images_are_stored_whatever_their_name_says(client, make_user, make_area,
                                                              make_process):
    area = make_area()
    process = make_process(area=area)
    login(client, make_user(area=area))
    for body, name in ((SVG, "cat.png"), (b"<html><script>x</script>", "cat.jpg"),
                       (b"MZ\x90\x00", "cat.gif")):
        response = _new_proposal(client, process.slug, area, body, name)
        assert response.status_code == 422, name
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ProposalImage)) == 0
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0  # nothing half-saved

    assert _new_proposal(client, process.slug, area, PNG, "photo.bin").status_code == 302
    proposal = db.session.scalar(select(Proposal))
    image = client.get(f"/proposals/{proposal.id}/image")
    assert image.mimetype == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"


def test_requests_over_the_size_limit_get_the_translated_413_page(database_url):
    app = make_app(database_url, MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/login", data={"email": "a@example.jp",
                                                       "password": "x" * 5000})
    assert response.status_code == 413
    assert "大きすぎ" in response.get_data(as_text=True)


def test_a_route_with_its_own_limit_takes_larger_bodies_before_the_csrf_check(database_url):
    """The CSRF check reads the form first; it must do so under the route's limit (8–64 MB)."""
    client = make_app(database_url, WTF_CSRF_ENABLED=True).test_client()
    nine_mb = b"a" * (9 * 1024 * 1024)
    themes = client.post("/staff/themes/1/import", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(nine_mb), "survey.csv")})
    assert themes.status_code == 400  # read, then refused for its missing token: not too large
    elsewhere = client.post("/register", content_type="multipart/form-data",
                            data={"file": (io.BytesIO(nine_mb), "survey.csv")})
    assert elsewhere.status_code == 413
    too_large = client.post("/staff/themes/1/import", data=b"a" * (64 * 1024 * 1024 + 1),
                            content_type="application/octet-stream")
    assert too_large.status_code == 413


def test_staff_import_a_file_over_the_global_limit(database_url, make_user):
    from civic.insights import services
    from civic.insights.models import AnalysisImport

    app = make_app(database_url, WTF_CSRF_ENABLED=True, MAX_CONTENT_LENGTH=4096,
                   CIVIC_THEMES_MAX_UPLOAD=64 * 1024)
    client = app.test_client()
    staff = make_user(roles=("staff",))
    analysis = services.create_analysis("調査", None, staff)
    token = csrf_token_from(client.get("/login").text)
    client.post("/login", data={"email": staff.email, "password": PASSWORD, "csrf_token": token})
    page = client.get(f"/staff/themes/{analysis.id}/import")
    survey = ("意見\n" + "公園にベンチがほしい\n" * 1000).encode()  # about 31 kB
    response = client.post(f"/staff/themes/{analysis.id}/import",
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(survey), "survey.csv"),
                                 "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 302, response.status_code
    db.session.expire_all()
    assert db.session.scalar(select(AnalysisImport.filename)) == "survey.csv"
    twice = client.post(f"/staff/themes/{analysis.id}/import", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(survey * 3), "survey.csv"),
                              "csrf_token": csrf_token_from(page.text)})
    assert twice.status_code == 413
