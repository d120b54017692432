from sqlalchemy import select

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.proposals import lifecycle
from civic.proposals.models import Proposal, Review
from tests.conftest import login

FEATURES = ("proposals_open", "supports_open", "comments_open")


def test_pure_lifecycle_guards_who_takes_each_step():
    assert lifecycle.allowed("submit", "draft", is_author=True, is_staff=False)
    assert not lifecycle.allowed("publish", "submitted", is_author=True, is_staff=False)
    assert lifecycle.allowed("publish", "consultation", is_author=False, is_staff=True)
    assert not lifecycle.allowed("accept", "published", is_author=False, is_staff=True)
    assert lifecycle.allowed("withdraw", "published", is_author=True, is_staff=False)
    assert not lifecycle.allowed("withdraw", "accepted", is_author=True, is_staff=False)
    assert lifecycle.next_steps("evaluation", is_author=False, is_staff=True) == ["accept",
                                                                                 "reject"]


def test_resident_writes_submits_and_staff_take_it_through_review(
        client, make_user, make_area, make_process):
    area = make_area()
    process = make_process(area=None, features=FEATURES)
    author = make_user(area=area)
    staff = make_user(roles=("staff",))
    other_staff = make_user(roles=("staff",))
    stranger = make_user(area=area)

    login(client, author)
    response = client.post(f"/processes/{process.slug}/proposals/new", data={
        "title": "学童保育の定員を増やす", "body": "**放課後**の居場所を\n\n- 空き教室\n- 図書室",
        "area": area.id, "estimated_cost": "300000", "role_residents": "見守りボランティア",
        "role_ward": "場所の提供", "kpis": "利用者数"})
    assert response.status_code == 302, response.data[:800]
    proposal = db.session.scalar(select(Proposal))
    assert proposal.state == "draft"
    page = client.get(f"/proposals/{proposal.id}")
    assert "<strong>放課後</strong>" in page.text and "<li>空き教室</li>" in page.text

    # Nobody else sees a draft; the author cannot publish it.
    other = type(client)(client.application)
    login(other, stranger)
    assert other.get(f"/proposals/{proposal.id}").status_code == 404
    assert client.post(f"/proposals/{proposal.id}/steps/publish").status_code == 403
    assert client.post(f"/proposals/{proposal.id}/steps/submit").status_code == 302

    other = type(client)(client.application)
    login(other, staff)
    assert other.post(f"/proposals/{proposal.id}/steps/consult").status_code == 302
    other.post(f"/proposals/{proposal.id}/consultation", data={"body": "予算額を確認させてください"})
    assert "予算額" in client.get(f"/proposals/{proposal.id}/consultation").text
    # The proposer may revise during 事前相談.
    assert client.post(f"/proposals/{proposal.id}/edit", data={
        "title": "学童保育の定員を増やす（改訂）", "body": "改訂版", "area": 0}).status_code == 302
    other.post(f"/proposals/{proposal.id}/steps/publish")
    other.post(f"/proposals/{proposal.id}/steps/evaluate")
    assert client.post(f"/proposals/{proposal.id}/edit", data={
        "title": "x", "body": "y", "area": 0}).status_code == 403

    scores = {"score_0": "5", "score_1": "4", "score_2": "3", "comment": "良い"}
    assert other.post(f"/proposals/{proposal.id}/review", data=scores).status_code == 302
    third = type(client)(client.application)
    login(third, other_staff)
    third.post(f"/proposals/{proposal.id}/review",
               data={"score_0": "1", "score_1": "1", "score_2": "1"})
    # Scores stay hidden from other reviewers until the review closes.
    page = third.get(f"/proposals/{proposal.id}").text
    assert "公益性 1" in page and "公益性 5" not in page
    assert "公益性 5" not in client.get(f"/proposals/{proposal.id}").text

    assert other.post(f"/proposals/{proposal.id}/steps/accept", data={"answer": ""}).status_code \
        == 302
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state == "evaluation"  # an answer is required
    other.post(f"/proposals/{proposal.id}/steps/accept", data={"answer": "地域の需要が高いため"})
    page = third.get(f"/proposals/{proposal.id}").text
    assert "公益性 5" in page and "3.0" in page
    assert "地域の需要が高いため" in client.get(f"/proposals/{proposal.id}").text

    other.post(f"/proposals/{proposal.id}/steps/start")
    assert client.post(f"/proposals/{proposal.id}/updates/new", data={
        "kind": "interim", "progress": "40", "body": "半分進みました"}).status_code == 302
    client.post(f"/proposals/{proposal.id}/updates/new", data={
        "kind": "final", "progress": "100", "body": "完了", "kpi_values": "利用者数 120人",
        "self_evaluation": "目標達成"})
    db.session.expire_all()
    done = db.session.get(Proposal, proposal.id)
    assert done.state == "completed" and done.progress == 100
    assert "利用者数 120人" in other.get(f"/proposals/{proposal.id}").text
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.target_type == "proposal").order_by(AuditEvent.id)).all()
    assert actions == ["proposal.submit", "proposal.consult", "proposal.revised",
                       "proposal.publish", "proposal.evaluate", "proposal.reviewed",
                       "proposal.reviewed", "proposal.accept", "proposal.start",
                       "proposal.interim_report", "proposal.final_report"]
    assert db.session.scalar(select(AuditEvent.actor_id).where(
        AuditEvent.action == "proposal.accept")) == staff.id
    assert len(db.session.scalars(select(Review)).all()) == 2


def test_residents_cannot_take_staff_steps_or_touch_others_proposals(
        client, make_user, make_process, make_proposal):
    process = make_process(features=FEATURES)
    author, other = make_user(), make_user()
    proposal = make_proposal(process, author, state="submitted")
    login(client, other)
    for step in ("consult", "publish", "withdraw"):
        assert client.post(f"/proposals/{proposal.id}/steps/{step}").status_code == 404
    published = make_proposal(process, author, state="published")
    for step in ("evaluate", "withdraw"):
        assert client.post(f"/proposals/{published.id}/steps/{step}").status_code == 403
    assert client.get(f"/proposals/{published.id}/edit").status_code == 403
    assert client.get(f"/proposals/{published.id}/consultation").status_code == 403
    assert client.get(f"/proposals/{published.id}/review").status_code == 403


def test_bad_input_rerenders_with_422_and_keeps_input(client, make_user, make_process):
    process = make_process(features=FEATURES)
    login(client, make_user())
    response = client.post(f"/processes/{process.slug}/proposals/new",
                           data={"title": "", "body": "本文だけ", "area": 0,
                                 "estimated_cost": "abc"})
    assert response.status_code == 422 and "本文だけ" in response.text
    assert db.session.scalar(select(Proposal)) is None


def test_image_is_type_checked_and_served_with_its_type(client, make_user, make_process):
    import io

    process = make_process(features=FEATURES)
    login(client, make_user())
    fake = {"title": "画像", "body": "本文", "area": 0,
            "image": (io.BytesIO(b"<script>alert(1)</script>"), "x.png")}
    response = client.post(f"/processes/{process.slug}/proposals/new", data=fake,
                           content_type="multipart/form-data")
    assert response.status_code == 422
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    response = client.post(f"/processes/{process.slug}/proposals/new", data={
        "title": "画像", "body": "本文", "area": 0, "image": (io.BytesIO(png), "x.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    image = client.get(f"/proposals/{proposal.id}/image")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data == png


def test_markdown_is_sanitised():
    from civic.proposals.markdown import render

    html = render('<script>x</script> [a](javascript:alert(1)) [b](https://example.jp) *i*')
    assert "<script>" not in html and 'href="javascript' not in html
    assert 'href="https://example.jp"' in html and "<em>i</em>" in html


def test_demo_proposal_pages_render(app, client, ctx):
    app.test_cli_runner().invoke(args=["demo", "load"])
    proposals = db.session.scalars(select(Proposal)).all()
    assert len({p.state for p in proposals}) >= 3
    listing = client.get("/processes/kyodo-2026/proposals")
    assert listing.status_code == 200 and "青葉台公園に木陰のベンチを" in listing.text
    for proposal in proposals:
        assert client.get(f"/proposals/{proposal.id}").status_code in (200, 404)
    client.post("/login", data={"email": "moderator@example.jp", "password": "demo-password"})
    assert client.get("/moderation").status_code == 200
