"""The fragment cache is exact: every write is seen by the next reader, and nothing of one
person's (badges, votes, edit links, CSRF token) reaches another through a cached fragment."""

import re

from sqlalchemy import select

from civic.caching import services
from civic.caching.models import CacheGeneration
from civic.comments import services as comments
from civic.extensions import db
from civic.spaces.models import Area
from tests.conftest import PASSWORD, csrf_token_from, login, make_app

FEATURES = ("supports_open", "comments_open")


def _generation(name: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(CacheGeneration.value).where(CacheGeneration.name == name)) or 0


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_a_commit_advances_the_generations_of_the_tables_it_wrote(ctx, make_area):
    before = _generation("area")
    area = make_area()
    after_insert = _generation("area")
    assert after_insert > before
    area.name = "改名"
    db.session.commit()
    assert _generation("area") > after_insert
    untouched = _generation("proposal")
    db.session.commit()
    assert _generation("proposal") == untouched


def test_a_savepoint_counts_when_the_outer_transaction_commits(ctx, make_area):
    area = make_area()
    before = _generation("area")
    with db.session.begin_nested():
        db.session.get(Area, area.id).name = "中間"
    assert _generation("area") == before  # released, not yet committed
    db.session.commit()
    assert _generation("area") > before


def test_bulk_statements_count_too(ctx, make_area):
    from sqlalchemy import update

    area = make_area()
    before = _generation("area")
    db.session.execute(update(Area).where(Area.id == area.id).values(name="一括"))
    db.session.commit()
    assert _generation("area") > before


def test_a_counter_update_advances_only_the_counts_generation(
        ctx, make_user, make_process, make_proposal):
    from sqlalchemy import update

    from civic.proposals.models import Proposal

    proposal = make_proposal(make_process(features=FEATURES), make_user())
    rows, counts = _generation("proposal"), _generation("proposal.counts")
    db.session.execute(services.counters_only(update(Proposal).where(
        Proposal.id == proposal.id).values(support_count=Proposal.support_count + 1)))
    db.session.commit()
    assert _generation("proposal") == rows and _generation("proposal.counts") > counts
    counts = _generation("proposal.counts")
    db.session.execute(update(Proposal).where(Proposal.id == proposal.id).values(title="改題"))
    db.session.commit()
    assert _generation("proposal") > rows and _generation("proposal.counts") == counts


def test_generations_never_repeat_after_the_table_is_emptied(ctx, make_area):
    make_area()
    first = _generation("area")
    db.session.execute(CacheGeneration.__table__.delete())  # as a restore or a test reset does
    db.session.commit()
    make_area()
    assert _generation("area") > first


def test_the_list_shows_every_new_support_and_only_my_badge(
        app, make_user, make_area, make_process, make_proposal):
    area = make_area()
    process = make_process(features=FEATURES)
    proposal = make_proposal(process, make_user(), title="防犯灯を増やす")
    alice, bob = make_user(area=area), make_user(area=area)
    alice_client, bob_client = _client(app, alice), _client(app, bob)
    url = f"/processes/{process.slug}/proposals"
    supports = re.compile(r"賛同(\d+)件")

    assert supports.search(bob_client.get(url).text)[1] == "0"  # now cached
    assert "賛同済み" not in alice_client.get(url).text  # her (empty) supports too
    alice_client.post(f"/proposals/{proposal.id}/support")
    alice_page, bob_page = alice_client.get(url).text, bob_client.get(url).text
    assert supports.search(bob_page)[1] == "1"
    badge = "賛同済み"
    assert badge in alice_page and badge not in bob_page
    assert "<!--supported:" not in alice_page + bob_page
    alice_client.post(f"/proposals/{proposal.id}/support", data={"withdraw": "1"})
    assert badge not in alice_client.get(url).text
    assert supports.search(bob_client.get(url).text)[1] == "0"


def test_supports_and_comments_keep_the_list_cached_and_its_counts_live(
        app, monkeypatch, make_user, make_area, make_process, make_proposal):
    from civic.proposals import services as proposals

    area = make_area()
    process = make_process(features=FEATURES)
    older = make_proposal(process, make_user(), title="古い提案")
    make_proposal(process, make_user(), title="新しい提案")
    alice, bob = make_user(area=area), make_user(area=area)
    alice_client, bob_client = _client(app, alice), _client(app, bob)
    url = f"/processes/{process.slug}/proposals"
    by_supports = url + "?sort=supported"
    search = "/proposals/search?q=提案"
    for page in (url, by_supports, search):
        bob_client.get(page)  # cached now
    renders = []
    real_list_page = proposals.list_page
    monkeypatch.setattr(proposals, "list_page",
                        lambda *a, **k: renders.append(k.get("sort")) or real_list_page(*a, **k))

    alice_client.post(f"/proposals/{older.id}/support")
    results = bob_client.get(search).text  # search results show counts: rendered again
    assert "賛同1件" in results.split(f'/proposals/{older.id}"', 1)[1].split("</li>", 1)[0]
    comments.add(alice, "proposal", older.id, "賛成です")
    page = bob_client.get(url).text
    assert renders == []  # the counts changed, nothing the list is rendered from
    card = page.split("古い提案", 1)[1].split("</li>", 1)[0]
    assert "賛同1件" in card and "コメント1件" in card
    assert "<!--" not in page.split('class="cards"', 1)[1]
    # Ordered by supports, the list is rendered again: the older proposal now comes first.
    assert bob_client.get(by_supports).text.index("古い提案") < \
        bob_client.get(by_supports).text.index("新しい提案")
    assert renders == ["supported"]


def test_the_bell_and_my_proposals_follow_every_write_and_stay_with_their_person(
        app, ctx, make_user, make_area, make_process, make_proposal):
    area = make_area()
    process = make_process(features=FEATURES)
    author, neighbour = make_user(area=area), make_user(area=area)
    proposal = make_proposal(process, author, title="花壇の手入れ")
    author_client, neighbour_client = _client(app, author), _client(app, neighbour)
    url = f"/processes/{process.slug}/proposals"
    bell = re.compile(r'<span class="count"[^>]*>(\d+)</span>')

    def mine(client) -> str:
        page = client.get(url).text
        return page.split('id="mine-title"', 1)[1].split("</section>", 1)[0] \
            if 'id="mine-title"' in page else ""

    assert not bell.search(author_client.get(url).text)  # now cached: nothing unread
    comments.add(neighbour, "proposal", proposal.id, "手伝います")
    assert bell.search(author_client.get(url).text)[1] == "1"
    assert not bell.search(neighbour_client.get(url).text)
    author_client.post("/notifications/read")
    assert not bell.search(author_client.get(url).text)

    assert "花壇の手入れ" in mine(author_client) and mine(neighbour_client) == ""
    make_proposal(process, neighbour, title="防災倉庫の点検")
    assert "防災倉庫の点検" in mine(neighbour_client)
    assert "防災倉庫の点検" not in mine(author_client)


def test_comment_votes_edit_links_and_csrf_tokens_stay_with_their_person(
        database_url, ctx, make_user, make_area, make_process, make_proposal):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    area = make_area()
    process = make_process(features=FEATURES)
    proposal = make_proposal(process, make_user())
    author, voter, reader = (make_user(area=area) for _ in range(3))
    comment = comments.add(author, "proposal", proposal.id, "ベンチは木製がいい")
    url = f"/proposals/{proposal.id}"

    def signed_in(user):
        client = app.test_client()
        token = csrf_token_from(client.get("/login").text)
        client.post("/login", data={"email": user.email, "password": PASSWORD,
                                    "csrf_token": token})
        return client

    voter_client, reader_client, author_client = map(signed_in, (voter, reader, author))
    reader_page = reader_client.get(url).text  # fills the cache
    token = csrf_token_from(voter_client.get(url).text)
    assert voter_client.post(f"/comments/{comment.id}/vote", data={
        "value": "up", "csrf_token": token}).status_code == 302

    voter_page, reader_page = voter_client.get(url).text, reader_client.get(url).text
    chosen = f'data-vote="{comment.id}up" class="vote chosen" aria-pressed="true"'
    assert chosen in voter_page and chosen not in reader_page
    assert f'data-vote="{comment.id}up" class="vote" aria-pressed="false"' in reader_page
    assert services.csrf_slot() not in voter_page + reader_page
    assert csrf_token_from(voter_page) != csrf_token_from(reader_page)
    edit = f"/comments/{comment.id}/edit"
    assert edit in author_client.get(url).text and edit not in reader_page
    # The reply form checks its own, prefixed token field (civic.forms.form_checks_csrf).
    assert f'name="reply{comment.id}-csrf_token"' in reader_page
    reply = reader_client.post(f"/comments/proposal/{proposal.id}?parent={comment.id}", data={
        f"reply{comment.id}-body": "賛成です",
        f"reply{comment.id}-csrf_token": csrf_token_from(reader_page)})
    assert reply.status_code == 302  # the token filled into the cached form is the reader's
    assert "賛成です" in voter_client.get(url).text


def test_hidden_comments_show_to_moderators_and_never_leak_through_the_cache(
        app, make_user, make_area, make_process, make_proposal):
    from civic.comments.models import Comment
    from civic.timeutil import utcnow

    process = make_process(features=FEATURES)
    proposal = make_proposal(process, make_user())
    comment = comments.add(make_user(), "proposal", proposal.id, "とても失礼な言葉")
    url = f"/proposals/{proposal.id}"
    resident = _client(app, make_user(area=make_area()))
    assert "とても失礼な言葉" in resident.get(url).text
    db.session.get(Comment, comment.id).hidden_at = utcnow()
    db.session.commit()
    moderator = _client(app, make_user(roles=("moderator",)))
    assert "とても失礼な言葉" in moderator.get(url).text
    assert "とても失礼な言葉" not in resident.get(url).text


def test_search_finds_a_proposal_written_after_the_same_search_was_cached(
        client, make_user, make_process, make_proposal):
    process = make_process(features=FEATURES)
    make_proposal(process, make_user(), title="学童保育の定員", body="学童の待機児童をなくす")
    url = "/proposals/search?q=学童"
    assert client.get(url).text.count("proposal-card") == 1
    make_proposal(process, make_user(), title="学童の夏休み", body="夏休みの居場所")
    assert client.get(url).text.count("proposal-card") == 2


def test_a_proposal_page_shows_each_step_answer_and_edit_at_once(
        app, make_user, make_process, make_proposal):
    from civic.proposals import services as proposals

    process = make_process(features=FEATURES)
    author = make_user()
    proposal = make_proposal(process, author, body="最初の本文")
    staff = make_user(roles=("staff",))
    reader = app.test_client()
    url = f"/proposals/{proposal.id}"
    assert "最初の本文" in reader.get(url).text  # cached now
    proposals.take_step(staff, proposal, "evaluate")
    proposals.take_step(staff, proposal, "accept", "予算の範囲で実施します")
    page = reader.get(url).text
    assert "予算の範囲で実施します" in page and "— 採択 (" in page  # answer, history
    proposal.body = "書き直した本文"
    db.session.commit()
    assert "書き直した本文" in reader.get(url).text
