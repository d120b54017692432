from civic.proposals import search, services

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
