"""Text fields with a length limit say it in the hint and get a live counter, so nothing typed is
cut off by maxlength without notice."""

import gzip
import re
from pathlib import Path

from tests.conftest import login

COUNTER_JS = Path(__file__).resolve().parents[1] / "civic" / "static" / "js" / "counter.js"


def _field(page: str, name: str) -> str:
    return re.search(rf'<(?:input|textarea)[^>]* name="{name}"[^>]*>', page).group(0)


def test_the_proposal_form_says_each_limit_and_has_counters(client, make_user, make_area,
                                                            make_process):
    process = make_process()
    login(client, make_user(area=make_area()))
    page = client.get(f"/processes/{process.slug}/proposals/new").text
    title = _field(page, "title")
    assert 'maxlength="200"' in title and 'aria-describedby="title-hint"' in title
    assert '<p class="hint" id="title-hint">200文字以内。</p>' in page
    body_hint = re.search(r'<p class="hint" id="body-hint">(.*?)</p>', page, re.S).group(1)
    assert body_hint.endswith(" 20,000文字以内。") and "**bold**" not in body_hint
    assert 'maxlength="20000"' in _field(page, "body")
    assert ('<p class="counter" id="body-count" data-for="body" data-left="残り__N__文字" hidden>'
            in page)
    assert re.search(r'<script nonce="[^"]+" src="/static/js/counter\.js[^"]*" defer>', page)
    # Fields without a limit, and passwords, e-mail addresses and numbers, get neither.
    assert 'id="estimated_cost-count"' not in page and 'id="area-count"' not in page


def test_the_comment_box_has_a_counter_in_the_cached_section(client, make_user, make_area,
                                                            make_process, make_proposal):
    process = make_process(features=("proposals_open", "comments_open"))
    author = make_user(area=make_area())
    proposal = make_proposal(process, author)
    login(client, author)
    for _ in range(2):  # rendered, then from the fragment cache
        page = client.get(f"/proposals/{proposal.id}").text
        assert 'id="comment-body-count" data-for="comment-body"' in page
        assert "5,000文字以内。" in page


def test_password_and_email_fields_have_no_counter(client):
    page = client.get("/register").text
    assert re.findall(r'<p class="counter" id="([\w-]+)-count"', page) == ["display_name"]


def test_the_counter_script_stays_small():
    assert len(gzip.compress(COUNTER_JS.read_bytes())) < 1024
