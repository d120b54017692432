import pytest

from civic.insights.normalize import classify, detect_language, is_no_content, normalize


def test_normalize_nfkc_and_whitespace():
    assert normalize("  ＡＢＣ　１２３\n\tｶﾀｶﾅ  ") == "ABC 123 カタカナ"
    assert normalize(None) == ""


@pytest.mark.parametrize(
    "text",
    ["特になし", "特になし。", "とくになし!", "なし", "特にありません", "ありません。", "ー",
     "!!!", "。。。", "😀😀", "https://example.com/page?a=1", "N/A", "123"],
)
def test_no_content(text):
    assert is_no_content(normalize(text))
    assert classify(normalize(text)) == "no_content"


@pytest.mark.parametrize(
    "text",
    ["公園を増やしてください", "なしの木を植えてほしい", "駐輪場増設希望",
     "特になしと言いたいが、バスが少ない"],
)
def test_real_answers_are_kept(text):
    assert classify(normalize(text)) is None


def test_empty():
    assert classify(normalize("   \u3000 ")) == "empty"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Please add more buses to the station", "en"),
        ("我们需要更多的公交车和自行车道", "zh"),
        ("버스를 더 늘려 주세요", "ko"),
        ("Cần thêm xe buýt vào buổi tối", "vi"),
        ("市役所のWi-Fiが遅いです", "ja"),
        ("公園にベンチを", "ja"),
    ],
)
def test_language(text, lang):
    assert detect_language(normalize(text)) == lang
    expected = None if lang == "ja" else f"language:{lang}"
    assert classify(normalize(text)) == expected
