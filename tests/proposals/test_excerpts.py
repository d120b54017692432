"""List excerpts are the text the proposal's page shows: no Markdown, no remains of markup."""

import re

from civic.proposals.markdown import plain

BODY = ("## 背景\n\n**放課後**の居場所が足りません。\n\n- 空き教室\n- 図書室\n\n1. 調べる\n2. 話し合う\n\n"
        "> 区民の声\n\n詳しくは[区のページ](https://example.jp/a)へ。<img src=x onerror=alert(1)>")


def test_plain_is_the_rendered_text():
    assert plain(BODY, limit=1000) == (
        "背景 放課後の居場所が足りません。 空き教室 図書室 調べる 話し合う 区民の声 "
        "詳しくは区のページへ。<img src=x onerror=alert(1)>")
    assert plain("a &amp; b < c") == "a &amp; b < c"  # typed text stays as typed
    assert plain("あ" * 200) == "あ" * 139 + "…"


def test_the_list_shows_the_excerpt_escaped_once(client, make_user, make_area, make_process,
                                                 make_proposal):
    process = make_process()
    make_proposal(process, make_user(area=make_area()), body=BODY)
    page = client.get(f"/processes/{process.slug}/proposals").text
    card = re.search(r"<p[^>]*>(背景 放課後.*?)</p>", page, re.S).group(1)
    assert "**" not in card and "##" not in card and "- 空き" not in card and "](" not in card
    assert card.startswith("背景 放課後の居場所が足りません。 空き教室 図書室")
    assert "<img" not in page.split("<main", 1)[1]  # the typed tag is text, never markup


def test_the_end_of_a_typed_tag_is_kept(client, make_user, make_area, make_process,
                                        make_proposal):
    process = make_process()
    make_proposal(process, make_user(area=make_area()), body="写真 <img src=x onerror=alert(1)> です")
    page = client.get(f"/processes/{process.slug}/proposals").text
    assert "写真 &lt;img src=x onerror=alert(1)&gt; です" in page
