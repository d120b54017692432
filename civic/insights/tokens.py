"""Janome tokenisation into content words, with a caller-owned cache.

Texts are split into short *units* (clauses ending at 。！？、 or a line break).  Each
distinct unit is tokenised once: the :class:`TokenCache` maps a hash of the unit to its
content tokens, so re-running the pipeline on the same (or a grown) corpus does not call
janome again.  Splitting into clauses also means boilerplate clauses shared by thousands
of answers (「よろしくお願いします」) are tokenised exactly once.

One janome ``Tokenizer`` is built per process (module-level, lazily).  Large batches are
tokenised in a pool of worker processes (2 by default).
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing as mp
import os
import pickle
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

# Bump when the token filter changes so stale cache entries are not reused.
TOKEN_VERSION = b"v1"
MAX_UNIT_CHARS = 400  # janome is O(n) but very long unbroken runs are rare and slow
PARALLEL_MIN_UNITS = 3000  # below this a pool costs more than it saves
DEFAULT_PROCESSES = 2

_UNIT_SPLIT = re.compile(r"[。．｡!?！？、，,;；\n]+|\.(?=\s|$)")

# Verbs / adjectives that carry no theme on their own.
LIGHT_WORDS = frozenset(
    str.split(
        """する ある いる なる できる 思う 考える 言う いう 行う おる くる 来る いく 行く
    れる られる せる させる もらう いただく くださる 下さる ください やる しまう みる 見る
    ない よい いい 良い 欲しい ほしい 多い 少ない おく 置く 持つ つく 付く わかる 分かる
    感じる 願う 聞く 書く 出る 入る 使う 続く 始める 頂く 申す 存ずる 致す いたす
    なさる おっしゃる 参る 伺う 求める 望む 期待 お願い 違う 続ける 増える 減る"""
    )
)
_NOUN_OK = {"一般", "サ変接続", "固有名詞", "形容動詞語幹", "ナイ形容詞語幹", "副詞可能"}
_HAS_LETTER = re.compile(r"[^\W\d_]")
_ONLY_KANA1 = re.compile(r"^[\u3040-\u30ff]$")

_tokenizer = None


def get_tokenizer():
    """The process-wide janome Tokenizer (built on first use)."""
    global _tokenizer
    if _tokenizer is None:
        from janome.tokenizer import Tokenizer

        _tokenizer = Tokenizer()
    return _tokenizer


_ENDS_IN_HIRAGANA = re.compile(r"[\u3041-\u3093]$")


@functools.lru_cache(maxsize=65536)
def is_predicate(word: str) -> bool:
    """A verb or adjective (止める, 知る, 近い): base forms of both end in hiragana, so a word
    that does not is a noun without asking janome."""
    if not _ENDS_IN_HIRAGANA.search(word):
        return False
    tokens = list(get_tokenizer().tokenize(word))
    return bool(tokens) and tokens[0].part_of_speech.startswith(("動詞", "形容詞"))


@functools.lru_cache(maxsize=4096)
def names_a_theme(word: str) -> bool:
    """Whether a keyword can name a theme: a noun or noun compound of two characters or more.

    Verbs and adjectives (入れる, 知る, 近い) say what people do or feel about a subject, not the
    subject, and a single character (週, 前) is too vague; they stay keywords but not labels.
    """
    if len(word) < 2:
        return False
    tokens = list(get_tokenizer().tokenize(word))
    return bool(tokens) and all(t.part_of_speech.startswith(("名詞", "接頭詞")) for t in tokens) \
        and tokens[-1].part_of_speech.startswith("名詞")


def split_units(text: str) -> list[str]:
    """Split a normalised text into clause-sized units (empty ones dropped)."""
    units = []
    for u in _UNIT_SPLIT.split(text):
        u = u.strip(" 「」『』()[]\"'・…")
        if not u:
            continue
        while len(u) > MAX_UNIT_CHARS:
            units.append(u[:MAX_UNIT_CHARS])
            u = u[MAX_UNIT_CHARS:]
        units.append(u)
    return units


def unit_key(unit: str) -> bytes:
    return hashlib.blake2b(unit.encode("utf-8"), digest_size=10, person=TOKEN_VERSION).digest()


def _keep(word: str) -> bool:
    return bool(_HAS_LETTER.search(word)) and not _ONLY_KANA1.match(word)


def content_tokens(unit: str, tokenizer=None) -> tuple[str, ...]:
    """Content words (base forms) of one unit: nouns, verbs, adjectives.

    Consecutive nouns are also emitted as one compound (「防犯」「カメラ」→「防犯カメラ」) so
    theme labels read naturally.  Numbers, symbols, pronouns, particles and light verbs
    are dropped.
    """
    tk = tokenizer or get_tokenizer()
    out: list[str] = []
    run: list[str] = []  # surfaces of the current noun run
    run_content = 0

    def flush():
        nonlocal run_content
        if len(run) >= 2 and run_content >= 1:
            comp = "".join(run)
            if len(comp) <= 16 and _keep(comp):
                out.append(comp)
        run.clear()
        run_content = 0

    for t in tk.tokenize(unit):
        pos = t.part_of_speech.split(",", 2)
        p0, p1 = pos[0], pos[1]
        if p0 == "名詞":
            if p1 in _NOUN_OK:
                w = t.base_form if t.base_form != "*" else t.surface
                run.append(t.surface)
                if _keep(w):
                    out.append(w)
                    run_content += 1
                continue
            if p1 == "接尾" and run:
                run.append(t.surface)
                continue
            flush()
            continue
        if p0 == "接頭詞" and not run:
            run.append(t.surface)
            continue
        flush()
        if (p0 == "動詞" or p0 == "形容詞") and p1 == "自立":
            w = t.base_form
            if w not in LIGHT_WORDS and _keep(w) and len(w) >= 2:
                out.append(w)
    flush()
    return tuple(out)


class TokenCache:
    """Unit-hash → content tokens.  Plain dict inside; picklable; keep it between runs."""

    def __init__(self, data: dict[bytes, tuple[str, ...]] | None = None):
        self.data: dict[bytes, tuple[str, ...]] = data if data is not None else {}
        # raw text -> (normalised text, set-aside reason); saves re-normalising on re-runs.
        # Not persisted by save(): cheap to rebuild, and raw texts may be personal data.
        self.prep: dict[str, tuple[str, str | None]] = {}

    def __getstate__(self):
        return {"data": self.data}

    def __setstate__(self, state):
        self.data = state["data"]
        self.prep = {}

    def __len__(self) -> int:
        return len(self.data)

    def __contains__(self, key: bytes) -> bool:
        return key in self.data

    def save(self, path: str | os.PathLike) -> None:
        tmp = Path(str(path) + ".tmp")
        with open(tmp, "wb") as f:
            pickle.dump(self.data, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> TokenCache:
        # Only load caches this application wrote itself (pickle is not for untrusted data).
        with open(path, "rb") as f:
            data = pickle.load(f)  # noqa: S301 - a cache this app wrote  # nosec B301
        if not isinstance(data, dict):
            raise TypeError("not a token cache")
        return cls(data)


def _worker_init() -> None:
    get_tokenizer()


def _worker_batch(units: list[str]) -> list[tuple[str, ...]]:
    tk = get_tokenizer()
    return [content_tokens(u, tk) for u in units]


def _pool_context():
    methods = mp.get_all_start_methods()
    # fork is fastest and needs no ``if __name__ == "__main__"`` guard, but is only safe
    # while the process has a single thread; otherwise (e.g. inside a threaded web
    # server) use forkserver/spawn.
    if "fork" in methods and threading.active_count() == 1:
        return mp.get_context("fork")
    for m in ("forkserver", "spawn"):
        if m in methods:
            return mp.get_context(m)
    return mp.get_context()


def tokenize_units(
    units: Sequence[str],
    cache: TokenCache | None = None,
    processes: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> dict[bytes, tuple[str, ...]]:
    """Tokenise the distinct ``units`` missing from ``cache``; return key → tokens for all.

    Uses ``processes`` worker processes (default 2) when there are at least
    ``PARALLEL_MIN_UNITS`` new units; otherwise tokenises in-process.
    """
    cache = cache if cache is not None else TokenCache()
    store = cache.data
    result: dict[bytes, tuple[str, ...]] = {}
    missing: list[str] = []
    missing_keys: list[bytes] = []
    seen: set[bytes] = set()
    for u in units:
        k = unit_key(u)
        if k in result or k in seen:
            continue
        hit = store.get(k)
        if hit is not None:
            result[k] = hit
        else:
            seen.add(k)
            missing.append(u)
            missing_keys.append(k)
    n = len(missing)
    if n:
        procs = DEFAULT_PROCESSES if processes is None else processes
        if procs > 1 and n >= PARALLEL_MIN_UNITS:
            toks = _tokenize_parallel(missing, procs, progress)
        else:
            tk = get_tokenizer()
            toks = []
            step = max(1, n // 20)
            for i, u in enumerate(missing):
                toks.append(content_tokens(u, tk))
                if progress and i % step == 0:
                    progress(i / n)
        for k, t in zip(missing_keys, toks, strict=True):
            store[k] = t
            result[k] = t
    if progress:
        progress(1.0)
    return result


def _chunks(items: Sequence[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


def _tokenize_parallel(
    units: Sequence[str], processes: int, progress: Callable[[float], None] | None
) -> list[tuple[str, ...]]:
    n = len(units)
    size = max(200, min(5000, n // (processes * 8) or 1))
    out: list[tuple[str, ...]] = []
    ctx = _pool_context()
    with ctx.Pool(processes, initializer=_worker_init) as pool:
        for batch in pool.imap(_worker_batch, _chunks(units, size)):
            out.extend(batch)
            if progress:
                progress(len(out) / n)
    return out
