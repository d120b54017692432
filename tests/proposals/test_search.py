from civic.proposals import services
from civic.search import text as search
from civic.timeutil import utcnow

FEATURES = ("supports_open",)


def test_terms_fold_width_and_kana():
    assert search.fold("ｺｳｴﾝ　ＡＢＣ") == "こうえん abc"
    exact, prefixes = search.query_terms("学童")
    assert exact == ["学童"] and prefixes == []
    assert search.query_terms("園")[1] == ["園"]


def test_japanese_queries_find_words_inside_text(ctx, make_user, make_process, make_proposal):
    process = make_process(features=FEATURES)
    author = make_user()
    bench = make_proposal(process, author, title="公園のベンチを増やす", body="高齢者が休める場所")
    gakudo = make_proposal(process, author, title="放課後の居場所",
                           body="学童保育の定員を増やしてほしい")
    cafe = make_proposal(process, author, title="コミュニティカフェ", body="WiFiを使える")
    make_proposal(process, author, title="公園の下書き", body="", state="draft")

    def titles(query):
        return [p.title for p in services.find(query, process).items]

    assert titles("公園") == ["公園のベンチを増やす"]
    assert titles("学童") == [gakudo.title]
    assert titles("ｶﾌｪ") == [cafe.title]  # half-width katakana
    assert titles("かふぇ") == [cafe.title]  # hiragana finds katakana
    assert titles("ＷｉＦｉ") == [cafe.title]  # full-width latin
    assert titles("園") == [bench.title]
    assert titles("公園 学童") == []


def test_search_page_highlights_matches(client, make_user, make_process, make_proposal):
    process = make_process(features=FEATURES)
    make_proposal(process, make_user(), title="公園のベンチ")
    page = client.get("/proposals/search?q=公園").text
    assert "<mark>公園</mark>のベンチ" in page


def _comment(user, proposal, body, parent=None):
    from civic.comments import services as comments

    return comments.add(user, "proposal", proposal.id, body, None, parent.id if parent else None)


def test_comments_are_found_ranked_and_hidden_or_deleted_ones_never(
        ctx, make_user, make_process, make_proposal):
    from civic.comments import services as comments
    from civic.moderation import services as moderation

    process = make_process(features=("comments_open",))
    author, neighbour, moderator = make_user(), make_user(), make_user(roles=("moderator",))
    proposal = make_proposal(process, author, title="放課後の居場所", body="空き教室")
    once = _comment(neighbour, proposal, "学童保育の定員が足りません")
    twice = _comment(neighbour, proposal, "学童の送迎も。学童の先生も足りない", parent=once)
    hidden = _comment(neighbour, proposal, "学童なんて不要")
    deleted = _comment(neighbour, proposal, "学童の件は取り消します")
    _comment(neighbour, proposal, "公園の話")
    moderation.hide_content(moderator, "comment", hidden.id, "不適切")
    comments.delete(deleted)
    draft = make_proposal(process, author, title="下書き", body="", state="draft")
    _comment(neighbour, draft, "学童の下書き")
    _comment(neighbour, make_proposal(process, author, title="隠された提案", body="",
                                      hidden_at=utcnow()), "学童の話")

    def found(query):
        return [c.id for c, _p in services.find_comments(query, process).items]

    assert found("学童") == [twice.id, once.id]  # the one that says it twice ranks first
    assert found("ｶﾞｸﾄﾞｳ") == []  # kana is not kanji
    assert found("定員") == [once.id]
    comments.edit(once, "定員の話はやめます", None)
    assert found("学童") == [twice.id]


def test_search_page_shows_comment_matches_linking_into_their_thread(
        client, make_user, make_process, make_proposal):
    from civic.comments import services as comments

    process = make_process(features=("comments_open",))
    author, neighbour = make_user(), make_user()
    proposal = make_proposal(process, author, title="放課後の居場所", body="空き教室")
    for n in range(comments.PER_PAGE):
        _comment(neighbour, proposal, f"意見{n}")
    target = _comment(neighbour, proposal, "学童保育の定員を増やしてほしい")
    page = client.get("/proposals/search?q=学童").text
    assert "<mark>学童</mark>保育の定員を増やしてほしい" in page
    assert f'href="/comments/{target.id}"' in page and "放課後の居場所" in page
    response = client.get(f"/comments/{target.id}")
    assert response.status_code == 302
    assert response.location.endswith(f"/proposals/{proposal.id}?cpage=2#comment-{target.id}")
    assert f'id="comment-{target.id}"' in client.get(response.location).text
