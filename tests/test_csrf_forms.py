"""A form sent with a stale CSRF token comes back with what was typed and a fresh token, as for
any other validation error; the token is still required."""

import pytest
from sqlalchemy import func, select

from civic.accounts.models import User
from civic.comments.models import Comment
from civic.extensions import db
from civic.proposals.models import Proposal
from tests.conftest import PASSWORD, csrf_token_from, make_app

STALE = "IjBhZGY0ZTNlYzg2YTI5NzVhYjAzZDBmNmUyMmQ3ZDM0N2YwNjA0YmIi.Z0gAAA.stale-signature"


@pytest.fixture
def csrf_app(database_url):
    return make_app(database_url, WTF_CSRF_ENABLED=True)


def _signed_in(app, user):
    client = app.test_client()
    token = csrf_token_from(client.get("/login").text)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    return client


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_proposal_with_a_stale_token_keeps_its_text(csrf_app, make_user, make_area,
                                                      make_process):
    area = make_area()
    process = make_process()
    client = _signed_in(csrf_app, make_user(area=area))
    typed = {"title": "川沿いに桜並木を", "body": "長い説明を **書きました**。\n\n- 一つ目",
             "area": str(area.id), "csrf_token": STALE}
    response = client.post(f"/processes/{process.slug}/proposals/new", data=typed)
    assert response.status_code == 422
    page = response.text
    assert "フォームの有効期限が切れたため、送信されませんでした" in page
    assert 'value="川沿いに桜並木を"' in page and "長い説明を **書きました**。" in page
    assert _count(Proposal) == 0
    fresh = csrf_token_from(page)
    assert fresh != STALE
    again = client.post(f"/processes/{process.slug}/proposals/new",
                        data={**typed, "csrf_token": fresh})
    assert again.status_code == 302
    assert _count(Proposal) == 1


def test_registration_after_the_session_ended(csrf_app, ctx):
    client = csrf_app.test_client()
    response = client.post("/register", data={
        "email": "new@example.jp", "display_name": "新しい人", "password": "long enough pw",
        "confirm": "long enough pw", "locale": "ja", "csrf_token": STALE})
    assert response.status_code == 422
    assert 'value="new@example.jp"' in response.text and 'value="新しい人"' in response.text
    assert "long enough pw" not in response.text  # passwords are never sent back
    assert _count(User) == 0


def test_a_comment_with_a_stale_token_keeps_its_text(csrf_app, make_user, make_area,
                                                     make_process, make_proposal):
    area = make_area()
    process = make_process(features=("proposals_open", "comments_open"))
    author = make_user(area=area)
    proposal = make_proposal(process, author)
    client = _signed_in(csrf_app, author)
    response = client.post(f"/comments/proposal/{proposal.id}",
                           data={"comment-body": "夜道が暗いので街灯も",
                                 "comment-csrf_token": STALE})
    assert response.status_code == 422
    assert "夜道が暗いので街灯も" in response.text
    assert "フォームの有効期限が切れたため" in response.text
    assert _count(Comment) == 0


def test_actions_without_a_form_still_get_the_error_page(csrf_app, make_user, make_area,
                                                         make_process, make_proposal):
    area = make_area()
    process = make_process(features=("proposals_open", "supports_open"))
    proposal = make_proposal(process, make_user(area=area))
    client = _signed_in(csrf_app, make_user(area=area))
    response = client.post(f"/proposals/{proposal.id}/support", data={"csrf_token": STALE})
    assert response.status_code == 400
    assert "フォームの有効期限が切れました" in response.text
    assert client.post("/logout", data={}).status_code == 400


def test_the_comment_forms_on_a_page_send_the_token_their_form_checks(
        csrf_app, make_user, make_area, make_process, make_proposal):
    import re

    area = make_area()
    process = make_process(features=("proposals_open", "comments_open"))
    author = make_user(area=area)
    proposal = make_proposal(process, author)
    client = _signed_in(csrf_app, author)
    page = client.get(f"/proposals/{proposal.id}").text
    form = re.search(r'<form method="post" class="stack comment-form".*?</form>', page, re.S).group(0)
    token = re.search(r'<input type="hidden" name="([\w-]+)" value="([^"]+)">', form)
    assert token.group(1) == "comment-csrf_token"
    posted = client.post(f"/comments/proposal/{proposal.id}",
                         data={"comment-body": "ページのフォームから", token.group(1): token.group(2)})
    assert posted.status_code == 302
    assert _count(Comment) == 1
