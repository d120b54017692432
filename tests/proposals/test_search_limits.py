"""Over-long search queries: the boxes limit them, and an address too long gets a real page."""

import re

from civic.proposals.views import SEARCH_QUERY_MAX


def test_a_40_kb_query_gets_a_translated_414_page(client, ctx):
    query = "公園" * 20_000  # 40,000 characters
    response = client.get("/proposals/search", query_string={"q": query})
    assert response.status_code == 414
    page = response.text
    assert "アドレスが長すぎます" in page and "<h1>" in page
    assert "公園公園" not in page  # not echoed back, not in the switchers' way back either
    assert len(response.data) < 20_000
    english = client.get("/proposals/search", query_string={"q": "x" * 9000, "lang": "en"})
    assert english.status_code == 414 and "Address too long" in english.text


def test_ordinary_queries_are_answered(client, ctx):
    assert client.get("/proposals/search", query_string={"q": "公園" * 50}).status_code == 200


def test_the_search_boxes_limit_the_length(client, make_process):
    process = make_process()
    for url in ("/proposals/search?q=x", f"/processes/{process.slug}/proposals"):
        box = re.search(r'<input type="search" id="q"[^>]*>', client.get(url).text).group(0)
        assert f'maxlength="{SEARCH_QUERY_MAX}"' in box, url
