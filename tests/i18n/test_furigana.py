"""ふりがな on tricky input: okurigana, mixed scripts, numbers, HTML, links, attributes, ruby."""

import re

import pytest

from civic.i18n.furigana import add_furigana, annotate, ruby_html, split_okurigana, to_hiragana


@pytest.mark.parametrize(("text", "html"), [
    ("食べる", "<ruby>食<rt>た</rt></ruby>べる"),
    ("取り組み", "<ruby>取<rt>と</rt></ruby>り<ruby>組<rt>く</rt></ruby>み"),
    ("お知らせ", "お<ruby>知<rt>し</rt></ruby>らせ"),
    ("緑ヶ丘", "<ruby>緑ヶ丘<rt>みどりがおか</rt></ruby>"),
    ("4月1日", "4<ruby>月<rt>がつ</rt></ruby>1<ruby>日<rt>にち</rt></ruby>"),
    ("ひらがなとカタカナだけ", "ひらがなとカタカナだけ"),
    ("Tokyo, 2026", "Tokyo, 2026"),
])
def test_readings_sit_over_the_kanji_only(text, html):
    assert ruby_html(text) == html


def test_mixed_scripts_keep_every_character_and_only_kanji_get_readings():
    text = "Deciding 日本語 mix ＡＢＣ区 3人 😀 <b>&"
    pieces = annotate(text)
    assert "".join(base for base, _ in pieces) == text
    ruby = {base: reading for base, reading in pieces if reading}
    assert ruby == {"日本語": "にほんご", "区": "く", "人": "にん"}
    assert "&lt;b&gt;&amp;" in ruby_html(text)


def test_okurigana_that_does_not_line_up_gives_the_whole_word_its_reading():
    assert split_okurigana("行う", "おこなう") == [("行", "おこな"), ("う", None)]
    assert split_okurigana("取り組み", "とりくみ") == [("取", "と"), ("り", None), ("組", "く"), ("み", None)]
    assert split_okurigana("見る", "ちがう") == [("見る", "ちがう")]


def test_katakana_readings_become_hiragana():
    assert to_hiragana("チイキ・ヨサン ー") == "ちいき・よさん ー"


def test_links_attributes_entities_and_scripts_stay_untouched():
    html = ('<a href="/p?area=地域&amp;x=1" title="地域予算">地域予算</a> &amp; '
            '<img alt="公園"><script>if (a < b && c) x = "漢字";</script>'
            '<style>.x::before { content: "区"; }</style><input value="名前"><br/>')
    out = add_furigana(html)
    assert out == ('<a href="/p?area=地域&amp;x=1" title="地域予算"><ruby>地域<rt>ちいき</rt></ruby>'
                   '<ruby>予算<rt>よさん</rt></ruby></a> &amp; '
                   '<img alt="公園"><script>if (a < b && c) x = "漢字";</script>'
                   '<style>.x::before { content: "区"; }</style><input value="名前"><br/>')


def test_existing_ruby_code_other_languages_and_translate_no_are_left_alone():
    html = ('<p><ruby>漢字<rt>かんじ</rt></ruby></p><code>変数</code><span translate="no">区役所</span>'
            '<p lang="zh-Hans">我们的区</p><div lang="en">Tokyo <em>東京</em>'
            '<p lang="ja">区役所</p></div><textarea>意見</textarea><option>青葉台</option>'
            '<title>地域</title><!-- 注釈 -->')
    out = add_furigana(html)
    assert out == html.replace('<p lang="ja">区役所</p>',
                               '<p lang="ja"><ruby>区役所<rt>くやくしょ</rt></ruby></p>')


def test_a_page_that_is_not_japanese_gets_nothing_but_its_japanese_parts():
    html = '<p>東京</p><p lang="ja">東京</p>'
    expected = '<p>東京</p><p lang="ja"><ruby>東京<rt>とうきょう</rt></ruby></p>'
    assert add_furigana(html, japanese=False) == expected


def test_whole_documents_round_trip_apart_from_the_ruby():
    html = ('<!doctype html>\n<html lang="ja">\n<head><meta charset="utf-8"><title>区</title></head>\n'
            '<body>\n  <h1>  参加  </h1>\n  <p>1&nbsp;円</p>\n</body>\n</html>\n')
    out = add_furigana(html)
    assert out == html.replace("  参加  ", "  <ruby>参加<rt>さんか</rt></ruby>  ").replace(
        ";円<", ";<ruby>円<rt>えん</rt></ruby><")
    assert add_furigana("no kanji <b>at all</b>") == "no kanji <b>at all</b>"


def test_readings_are_cached():
    annotate.cache_clear()
    annotate("参加する")
    annotate("参加する")
    assert annotate.cache_info().hits == 1


def test_chinese_text_without_a_lang_attribute_gets_no_japanese_readings():
    assert ruby_html("我们的区应该有更多公园") == "我们的区应该有更多公园"
    assert add_furigana("<p>这个提案很好</p><p>公園</p>") == (
        "<p>这个提案很好</p><p><ruby>公園<rt>こうえん</rt></ruby></p>")
    assert ruby_html("青葉台地区 地域予算").count("<ruby>") == 4  # kanji only, but Japanese


@pytest.mark.parametrize(("text", "word"), [
    ("青葉台町会", ("町会", "ちょうかい")), ("港南町会の集まり", ("町会", "ちょうかい")),
    ("緑ヶ丘町会", ("町会", "ちょうかい")), ("町会・自治会", ("町会", "ちょうかい")),
])
def test_words_janome_knows_keep_their_reading_after_a_name(text, word):
    # janome reads 青葉台町会 as 青葉台 + 町 (まち) + 会 (かい): two suffixes that spell 町会.
    pieces = annotate(text)
    assert word in pieces
    assert ("町", "まち") not in pieces and "".join(base for base, _ in pieces) == text


def test_a_kanji_suffix_joins_its_word():
    assert annotate("公開中") == (("公開中", "こうかいちゅう"),)
    assert annotate("自治会の活動") == (("自治会", "じちかい"), ("の", None), ("活動", "かつどう"))
    assert annotate("4月の町会") == (("4", None), ("月", "がつ"), ("の", None),
                                   ("町会", "ちょうかい"))


def test_a_state_badge_never_breaks_between_its_readings():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "civic" / "static" / "css" / "civic.css").read_text()
    badge = re.search(r"^\.state \{([^}]*)\}", css, re.M).group(1)
    assert "white-space: nowrap" in badge
    # A reading wider than its word must not spread the word's kanji apart (町 会).
    assert re.search(r"^ruby \{ ruby-align: center; \}", css, re.M)
