import pickle

from civic.insights import tokens
from civic.insights.tokens import TokenCache, content_tokens, split_units, tokenize_units


def test_split_units():
    assert split_units("公園が少ない。遊具を増やして!また、トイレも\n古い") == [
        "公園が少ない", "遊具を増やして", "また", "トイレも", "古い"]


def test_content_tokens_base_forms_and_compounds():
    toks = content_tokens("防犯カメラを3台設置して、夜道を明るくしてほしい")
    assert "防犯カメラ" in toks and "防犯" in toks and "カメラ" in toks
    assert "明るい" in toks  # base form of an adjective
    assert "3" not in toks and "台" not in toks  # numbers and counters dropped
    assert "する" not in toks and "ほしい" not in toks  # light words dropped


def test_cache_avoids_retokenising(monkeypatch):
    cache = TokenCache()
    units = ["保育園が足りない", "バスの本数を増やす", "保育園が足りない"]
    first = tokenize_units(units, cache, processes=1)
    assert len(cache) == 2

    def boom(*a, **k):
        raise AssertionError("tokenised again")

    monkeypatch.setattr(tokens, "content_tokens", boom)
    again = tokenize_units(units, cache, processes=1)
    assert again == first
    restored = pickle.loads(pickle.dumps(cache))
    assert restored.data == cache.data


def test_cache_save_load(tmp_path):
    cache = TokenCache()
    tokenize_units(["図書館の開館時間"], cache, processes=1)
    p = tmp_path / "c.pkl"
    cache.save(p)
    assert TokenCache.load(p).data == cache.data


def test_parallel_equals_serial(monkeypatch):
    monkeypatch.setattr(tokens, "PARALLEL_MIN_UNITS", 10)
    units = [f"公園{i}番のベンチを直して" if i % 2 else f"バス{i}系統を増便" for i in range(60)]
    par = tokenize_units(units, TokenCache(), processes=2)
    ser = tokenize_units(units, TokenCache(), processes=1)
    assert par == ser
