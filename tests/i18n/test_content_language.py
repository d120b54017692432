"""User content carries its language: detected or chosen, marked with ``lang``, noted when it is
not the reader's, and filterable in the proposal list."""

import re

import pytest
from sqlalchemy import select

from civic.comments import services as comments
from civic.comments.models import Comment
from civic.extensions import db
from civic.i18n import content
from civic.proposals.models import Proposal
from tests.conftest import login

FEATURES = ("proposals_open", "supports_open", "comments_open")


@pytest.mark.parametrize("text, code", [
    ("公園にベンチを増やしてください。お年寄りが休める場所がほしいです。", "ja"),
    ("駐輪場増設希望", "ja"),  # kanji only, no Chinese markers: still Japanese
    ("Please add more benches to the park so that older people can rest.", "en"),
    ("我们希望这个公园有更多的长椅，老人可以休息。", "zh_Hans"),
    ("공원에 벤치를 더 설치해 주세요. 어르신들이 쉴 곳이 필요합니다.", "ko"),
    ("Xin hãy đặt thêm ghế băng trong công viên để người già có chỗ nghỉ.", "vi"),
    ("Пожалуйста, поставьте больше скамеек в парке.", "other"),
    ("", "ja"),
    ("🙂 123", "ja"),
])
def test_detection_maps_the_detector_to_content_codes(text, code):
    assert content.detect(text) == code


def test_tags_and_language_families():
    assert content.lang_tag("zh_Hans") == "zh-Hans" and content.lang_tag("en") == "en"
    assert content.lang_tag("other") is None and content.lang_tag("xx") is None
    assert not content.differs("ja", "ja_easy") and not content.differs("zh_Hans", "zh_Hans")
    assert content.differs("en", "ja") and content.differs("other", "en")
    assert content.known("ko") == "ko" and content.known("<script>") is None


def test_proposals_are_detected_or_take_the_authors_choice(client, make_user, make_process):
    process = make_process(area=None, features=FEATURES)
    login(client, make_user())
    url = f"/processes/{process.slug}/proposals/new"
    form = client.get(url).text
    assert 'name="language"' in form and "英語" in form  # Babel's name, in the reader's language
    client.post(url, data={"title": "More benches", "body": "Please add benches to the park.",
                           "area": 0})
    client.post(url, data={"title": "Benches", "body": "Benches please", "area": 0,
                           "language": "vi"})
    assert client.post(url, data={"title": "x", "body": "y", "area": 0, "language": "xx"}
                       ).status_code == 422
    db.session.expire_all()
    assert [p.language for p in db.session.scalars(select(Proposal).order_by(Proposal.id))] == [
        "en", "vi"]


def test_comments_are_detected_on_posting_and_editing(ctx, make_user, make_process,
                                                      make_proposal):
    process = make_process(features=FEATURES)
    user = make_user()
    proposal = make_proposal(process, user)
    comment = comments.add(user, "proposal", proposal.id, "공원에 벤치를 더 설치해 주세요.")
    assert comment.language == "ko"
    comments.edit(comment, "I agree with this proposal.", None)
    assert db.session.get(Comment, comment.id).language == "en"


def _element_with(page: str, text: str) -> str:
    """The opening tag of the element whose text starts with ``text``."""
    body = page.split("<body", 1)[1]
    match = re.search(r"<(\w+)([^>]*)>\s*(?:<a [^>]*>)?" + re.escape(text), body)
    assert match, text
    return match.group(0)


def test_pages_mark_content_language_and_note_it_only_when_it_differs(
        client, make_user, make_process, make_proposal):
    process = make_process(features=FEATURES)
    author = make_user()
    english = make_proposal(process, author, title="More benches in the park",
                            body="Please add benches.", language="en")
    chinese = make_proposal(process, author, title="公园长椅", body="我们希望这个公园有更多的长椅",
                            language="zh_Hans")
    japanese = make_proposal(process, author, title="公園のベンチ", body="ベンチを増やしたい")
    comments.add(author, "proposal", japanese.id, "I agree with this proposal.")

    page = client.get(f"/proposals/{english.id}").text
    assert 'lang="en"' in _element_with(page, "More benches in the park")
    assert 'lang="en"' in _element_with(page, "<p>Please add benches.")
    assert "英語で書かれています" in page

    assert 'lang="zh-Hans"' in _element_with(client.get(f"/proposals/{chinese.id}").text, "公园长椅")

    page = client.get(f"/proposals/{japanese.id}").text
    assert 'lang="ja"' in _element_with(page, "公園のベンチ")
    assert "で書かれています" not in page.split('id="comments"')[0]  # the proposal is Japanese
    assert 'lang="en"' in _element_with(page, "I agree with this proposal.")
    assert "英語で書かれています" in page.split('id="comments"')[1]  # … the comment is not

    # An English reader gets the note on the Japanese proposal, none on the English one.
    assert "Written in Japanese" in client.get(f"/proposals/{japanese.id}?lang=en").text
    assert "Written in" not in client.get(f"/proposals/{english.id}?lang=en").text
    # Easy Japanese readers read Japanese content without a note.
    assert "で書かれています" not in client.get(f"/proposals/{japanese.id}?lang=ja_easy").text.split(
        'id="comments"')[0]


def test_furigana_skips_english_content_on_a_japanese_page(client, make_user, make_process,
                                                            make_proposal):
    process = make_process(features=FEATURES)
    proposal = make_proposal(process, make_user(), title="Benches 公園",
                             body="Benches near 公園 station, please.", language="en")
    client.post("/furigana", data={"furigana": "on", "next": "/"})
    page = client.get(f"/proposals/{proposal.id}").text
    assert "<ruby>" in page  # the Japanese UI around it gets readings …
    assert "Benches near 公園 station" in page  # … the English text keeps its kanji bare
    assert "Benches 公園</h1>" in page


def test_the_list_filters_by_language_with_other_filters_and_pages(
        client, make_user, make_process, make_proposal):
    process = make_process(features=FEATURES)
    author = make_user()
    url = f"/processes/{process.slug}/proposals"
    make_proposal(process, author, title="公園のベンチ")
    assert 'name="language"' not in client.get(url).text  # one language: no filter offered
    for n in range(25):
        make_proposal(process, author, title=f"English proposal {n}", body="Benches",
                      language="en")
    make_proposal(process, author, title="Hidden draft", language="ko", state="draft")
    page = client.get(url).text
    options = re.search(r'<select id="f-language" name="language">(.*?)</select>', page, re.S)
    assert options and "英語" in options.group(1) and "日本語" in options.group(1)
    assert "韓国語" not in options.group(1)  # drafts are not public: not offered

    english = client.get(f"{url}?language=en&sort=oldest").text
    assert "English proposal 0" in english and "公園のベンチ" not in english
    assert "25" in re.search(r'class="meta">([^<]*)</p>\s*<ul class="cards"', english).group(1)
    assert "language=en" in re.search(r'rel="next" href="([^"]+)"', english).group(1)
    second = client.get(f"{url}?language=en&sort=oldest&page=2").text
    assert "English proposal 24" in second and "公園のベンチ" not in second
    japanese = client.get(f"{url}?language=ja").text
    assert "公園のベンチ" in japanese and "English proposal" not in japanese
    assert "公園のベンチ" in client.get(f"{url}?language=bogus&sort=oldest").text  # unknown: no filter


def test_the_english_accessibility_statement_marks_japanese_words(client):
    page = client.get("/accessibility?lang=en").text
    assert '(<span lang="ja">やさしい日本語</span>)' in page
