"""Request size limits and upload type checks."""

import io

from sqlalchemy import func, select

from civic.extensions import db
from civic.proposals.models import Proposal, ProposalImage
from tests.conftest import login, make_app

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
