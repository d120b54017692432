"""The public API as an anonymous program sees it: answers, pages, caching and refusals."""

import pytest

from civic.api import paging
from civic.extensions import db
from civic.proposals.models import Proposal
from tests.conftest import login, make_app

ENDPOINTS = ("/api/v1/areas", "/api/v1/processes", "/api/v1/proposals")


def test_areas_processes_and_proposals(client, world):
    areas = client.get("/api/v1/areas").json
    assert [a["slug"] for a in areas["items"]] == ["chuo"] and areas["next_cursor"] is None

    [process] = client.get("/api/v1/processes").json["items"]
    assert process["title"] == "公開プロセス" and process["area_id"] == world.area.id
    assert process["phases"][0]["open_features"] == ["proposals_open"]

    items = client.get("/api/v1/proposals").json["items"]
    assert [p["id"] for p in items] == [world.published.id, world.accepted.id]
    bench, library = items
    assert bench["support_count"] == 3 and bench["comment_count"] == 1
    assert bench["author"] == "花子" and bench["state"] == "published"
    assert library["answer"] == "予算の範囲で実施します。" and library["state"] == "in_progress"
    assert [u["body"] for u in library["progress_updates"]] == ["開館時間を延長しました。"]
    assert library["published_at"].endswith("+00:00")


def test_one_proposal_and_its_comments(client, world):
    answer = client.get(f"/api/v1/proposals/{world.accepted.id}")
    assert answer.status_code == 200 and answer.json["progress_updates"][0]["progress"] == 40

    comments = client.get(f"/api/v1/proposals/{world.published.id}/comments").json
    assert [(c["body"], c["author"], c["stance"]) for c in comments["items"]] == [
        ("賛成です。ベンチがほしい。", "花子", "for")]


def test_a_signed_in_author_still_reads_as_a_visitor(client, world, make_proposal):
    draft = make_proposal(world.process, world.author, title="下書き", state="draft")
    login(client, world.author)
    assert client.get(f"/proposals/{draft.id}").status_code == 200
    assert client.get(f"/api/v1/proposals/{draft.id}").status_code == 404
    assert draft.id not in [p["id"] for p in client.get("/api/v1/proposals").json["items"]]


def test_filters_by_process_and_updated_since(client, world, make_process, make_proposal):
    other = make_process(title="別のプロセス")
    elsewhere = make_proposal(other, world.author, title="別の提案")
    by_process = client.get(f"/api/v1/proposals?process_id={other.id}").json["items"]
    assert [p["id"] for p in by_process] == [elsewhere.id]
    # The library proposal was published 30 days ago and answered 10 days ago; the bench today.
    since = (world.accepted.answered_at.isoformat(timespec="seconds")) + "Z"
    recent = client.get("/api/v1/proposals", query_string={"updated_since": since}).json["items"]
    assert {p["id"] for p in recent} == {world.published.id, world.accepted.id}
    later = client.get("/api/v1/proposals",
                       query_string={"updated_since": "2999-01-01T00:00:00+09:00"}).json
    assert later["items"] == []


def test_pages_walk_every_proposal_once_in_a_stable_order(client, world, make_proposal):
    for n in range(23):
        make_proposal(world.process, world.author, title=f"提案{n}")
    expected = sorted(db.session.scalars(db.select(Proposal.id)).all())
    seen, cursor, pages = [], None, 0
    while True:
        answer = client.get("/api/v1/proposals",
                            query_string={"limit": 4, **({"cursor": cursor} if cursor else {})}).json
        assert len(answer["items"]) <= 4
        seen += [p["id"] for p in answer["items"]]
        pages += 1
        cursor = answer["next_cursor"]
        if cursor is None:
            break
        # A proposal published while the client walks comes at the end, never shifting a page.
        if pages == 2:
            expected.append(make_proposal(world.process, world.author, title="途中で公開").id)
    assert seen == expected and len(set(seen)) == len(seen) and pages == 7


def test_limit_defaults_to_20(client, world, make_proposal):
    for n in range(25):
        make_proposal(world.process, world.author, title=f"提案{n}")
    answer = client.get("/api/v1/proposals").json
    assert len(answer["items"]) == paging.DEFAULT_LIMIT and answer["next_cursor"]


@pytest.mark.parametrize("url", [*ENDPOINTS, "/api/v1/proposals/{id}",
                                 "/api/v1/proposals/{id}/comments", "/api/v1/openapi.json"])
def test_public_cache_cors_and_etag(client, world, url):
    url = url.format(id=world.published.id)
    answer = client.get(url)
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.headers["Cache-Control"] == "public, max-age=60"
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert answer.headers["Access-Control-Allow-Methods"] == "GET"
    assert "Set-Cookie" not in answer.headers
    etag = answer.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_compressed_answer_is_revalidated_too(client, world, make_proposal):
    for n in range(5):
        make_proposal(world.process, world.author, title=f"長い一覧のための提案{n}")
    gzip = {"Accept-Encoding": "gzip"}
    answer = client.get("/api/v1/proposals", headers=gzip)
    assert answer.headers["Content-Encoding"] == "gzip"
    etag = answer.headers["ETag"]
    again = client.get("/api/v1/proposals", headers={**gzip, "If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag


def test_the_etag_changes_with_the_data(client, world):
    etag = client.get("/api/v1/proposals").headers["ETag"]
    world.published.support_count = 4
    db.session.commit()
    assert client.get("/api/v1/proposals", headers={"If-None-Match": etag}).status_code == 200


@pytest.mark.parametrize("query, field", [
    ("limit=abc", "limit"), ("limit=0", "limit"), ("limit=101", "limit"), ("limit=-5", "limit"),
    ("cursor=garbage", "cursor"), ("cursor=eyJhZnRlciI6Ii0xIn0", "cursor"),
    ("updated_since=bad", "updated_since"), ("updated_since=2024-13-40", "updated_since"),
    ("updated_since=9999-12-31T23:00:00-01:00", "updated_since"),
    ("updated_since=0001-01-01T00:00:00%2B09:00", "updated_since"),
    ("process_id=x", "process_id"), ("process_id=99999999999999999999", "process_id"),
    ("cursor=eyJhZnRlciI6OTk5OTk5OTk5OTk5OTk5OTk5OX0", "cursor"),
])
def test_bad_parameters_are_problems(client, world, query, field):
    for url in ("/api/v1/proposals", f"/api/v1/proposals/{world.published.id}/comments"):
        if field == "process_id" and "comments" in url:
            continue
        answer = client.get(f"{url}?{query}")
        assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
        problem = answer.json
        assert problem["status"] == 400 and problem["title"] == "Bad Request"
        assert problem["type"] == "about:blank" and problem["detail"].startswith(f"{field}:")
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        assert "Cache-Control" not in answer.headers or "public" not in answer.headers["Cache-Control"]


def test_unknown_parameter_names_are_ignored(client, world):
    assert client.get("/api/v1/areas?_=12345").status_code == 200


def test_an_empty_cursor_is_the_first_page(client, world):
    assert client.get("/api/v1/proposals?cursor=").json == client.get("/api/v1/proposals").json


@pytest.mark.parametrize("url", ["/api/v1/proposals/999999", "/api/v1/proposals/999999/comments",
                                 "/api/v1/nothing", "/api/v1/proposals/99999999999999999999"])
def test_not_found_is_a_problem(client, world, url):
    answer = client.get(url)
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    assert answer.json["status"] == 404 and answer.headers["Access-Control-Allow-Origin"] == "*"


def test_writing_is_refused_as_a_problem_not_a_form_error(database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    for url in ("/api/v1/proposals", "/api/v1/proposals/1/comments"):
        answer = client.post(url)
        assert answer.status_code == 405 and answer.mimetype == "application/problem+json"
    assert client.get("/api/v1/areas").status_code == 200


def test_reference_page_lists_the_endpoints_in_the_visitors_language(client):
    japanese = client.get("/api").get_data(as_text=True)
    assert "公開API" in japanese and 'href="/api"' in japanese  # the footer links it everywhere
    page = client.get("/api?lang=en").get_data(as_text=True)
    assert "Public API" in page and "/api/v1/openapi.json" in page
    assert "curl &#39;http://localhost/api/v1/proposals?process_id=1&amp;limit=100&#39;" in page


def test_answers_are_cached_by_generation_and_tagged_with_it(client, world):
    from sqlalchemy import update

    from civic.caching import services as caching

    first = client.get(f"/api/v1/proposals/{world.published.id}")
    again = client.get(f"/api/v1/proposals/{world.published.id}",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == "public, max-age=60" and again.data == b""
    # A support counted elsewhere (a counters-only UPDATE) advances the generation: a new tag
    # and the new count, not the cached answer.
    db.session.execute(caching.counters_only(
        update(Proposal).where(Proposal.id == world.published.id).values(support_count=9)))
    db.session.commit()
    changed = client.get(f"/api/v1/proposals/{world.published.id}",
                         headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.json["support_count"] == 9
    assert changed.headers["ETag"] != first.headers["ETag"]
