"""What is *not* a theme: built-in civic boilerplate plus corpus-learned boilerplate.

Three layers, all general (none mentions a policy topic):

1. ``BUILTIN_UNIT_PATTERNS`` -- whole clauses that are self-introductions, greetings,
   polite requests or closings (「〇〇在住の会社員です」「よろしくお願いします」).
2. ``BUILTIN_STOPWORDS`` -- content words of polite/request language (意見, 提案, 検討 …)
   and empty nouns; staff add their own list on top (``stopwords=`` in the pipeline).
3. :func:`learn_generic` -- clauses and words repeated across many answers whose
   co-occurring vocabulary looks like the corpus as a whole, i.e. they appear regardless
   of what the answer is about.  Campaign text repeated thousands of times co-occurs
   with the *same* words and is therefore kept.
"""

from __future__ import annotations

import re

import numpy as np
import scipy.sparse as sp

_NUM = r"[0-9０-９一二三四五六七八九十百何数]+"
_ROLE = (
    r"(会社員|会社役員|主婦|主夫|専業主婦|学生|大学生|高校生|中学生|自営業|公務員|年金生活者|"
    r"パート|アルバイト|無職|教員|看護師|保育士|介護士|農家|経営者|フリーランス|退職者|高齢者|"
    r"母親|父親|母|父|親|祖母|祖父|会社勤め|共働き世帯|世帯|一人暮らし|" + _NUM + r"(代|歳|才))"
)
BUILTIN_UNIT_PATTERNS: tuple[str, ...] = (
    # self-introductions
    r".{0,20}(在住|在勤|在学|出身)(の.{0,20})?(です|でございます|の者です)?(が)?",
    r".{0,30}" + _ROLE
    + r"(の.{0,12})?(です|でございます|をしております|をしています|をしてます|の者です)(が)?",
    r".{0,20}(に|で)住んで.{0,10}(年|か月|ヶ月)(目)?(になります|です|が経ちます)?(が)?",
    r"(転入|引っ越し|引越し|移住)して.{0,8}(年|か月|ヶ月)(目)?(です|になります)?(が)?",
    r".{0,20}の立場から.{0,12}",
    r".{0,12}として(一言|意見|お願い).{0,12}",
    # greetings / openers
    r"(いつも|日頃|平素)(より|は|から)?(大変)?お世話になって(おり|い)ます",
    r"(こんにちは|こんばんは|はじめまして|初めまして|失礼します|失礼いたします|お疲れ様です)",
    r"(個人的な|私の|私個人の)(意見|考え|感想)(です|ですが|として)?",
    r"(意見|要望|提案|感想)を?(書かせて|述べさせて|申し上げ|させて).{0,10}",
    r".{0,20}(機会|場)を?(いただき|頂き|設けて|いただいた|頂いた).{0,16}",
    r".{0,10}(思うこと|感じていること|気になっていること|思っていること)(ですが|です|を書きます)?",
    # closings and bare requests
    r"(どうぞ|何卒|なにとぞ|是非|ぜひ)?(よろしく|宜しく)(お願い|おねがい)(いた|致)?(します|申し上げます)?",
    r"(どうぞ|何卒|ぜひ|是非)?(ご|御)?(検討|対応|配慮)(の(ほど|程))?を?(よろしく)?"
    r"(お願い(いた|致)?します|ください|下さい|願います|いただけると幸いです|いただきたいです)",
    r"(ぜひ|是非|何とか|なんとか)?(実現|検討|対応|改善)(して|を)?(ほしい|欲しい|いただきたい|頂きたい|"
    r"お願いしたい)(です|と思います)?",
    r"(市|区|町|行政)?の?(前向きな|迅速な|早急な|早めの|誠実な)?(ご)?(対応|検討|回答)を?"
    r"(期待|お願い)(して(い|お)ます|します|いたします|しております)",
    r"(以上|以上です|以上になります|ありがとうございます|ありがとうございました|感謝します)",
    r"(提案|要望|お願い|意見)(します|いたします|致します|します以上)",
)
_UNIT_RES = tuple(re.compile(p) for p in BUILTIN_UNIT_PATTERNS)

BUILTIN_STOPWORDS: frozenset[str] = frozenset(
    str.split(
        """意見 提案 要望 検討 実現 期待 お願い よろしく 希望 是非 ぜひ 今後 今回 個人 個人的 立場
    自分 私 私たち 皆様 皆さん 感謝 機会 方 こと もの ため よう 件 点 際 場合 現状 状況 部分
    必要 大切 重要 非常 本当 声 理由 内容 様々 多く 全て 以上 日頃 普段 最近 正直 所 ところ
    気 感じ 在住 在勤 出身 住民 市民 区民 町民 村民 市 区 町 村 都 県 府 行政 市内 区内 町内
    前向き 早め 早急 迅速 対応 回答 ご検討 ご対応 何卒 一言 書く 述べる 次第 いただく 幸い
    以下 上記 色々 いろいろ 誰 何 なに なん 何か 他 ほか 等 など 的 化 特 そう ほう 今 現在
    ありがとう 有難う 失礼 世話 お世話 大変 問題 課題 改善 検討会 思い 考え 意識 感想"""
    )
)


def is_builtin_boilerplate_unit(unit: str) -> bool:
    """True if the whole clause is a self-introduction, greeting, or polite closing."""
    return any(r.fullmatch(unit) for r in _UNIT_RES)


def _row_normalize(X: sp.csr_matrix) -> sp.csr_matrix:
    X = sp.csr_matrix(X, dtype=np.float64)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ X)


def generic_scores(
    incidence: sp.csr_matrix,
    X: sp.csr_matrix,
    own_terms: list[np.ndarray],
    candidates: np.ndarray,
) -> np.ndarray:
    """Cosine between the profile of the documents containing each candidate and the
    corpus profile.

    ``incidence`` is docs × features (binary; features are clauses or words), ``X`` is
    docs × terms.  ``own_terms[j]`` lists term columns masked for candidate ``j`` (its own
    words, which trivially co-occur with it).  Documents are IDF-weighted binary,
    L2-normalised rows.  A score near 1 means the feature shows up whatever the answer
    is about (boilerplate); topical features score much lower.
    """
    n_docs = X.shape[0]
    if n_docs == 0 or len(candidates) == 0:
        return np.zeros(len(candidates))
    B = (X > 0).astype(np.float64)
    df = np.asarray(B.sum(axis=0)).ravel()
    idf = np.log((1 + n_docs) / (1 + df)) + 1.0
    Xn = _row_normalize(B @ sp.diags(idf))
    glob = np.asarray(Xn.sum(axis=0)).ravel()
    inc = sp.csc_matrix(incidence, dtype=np.float64)[:, candidates]
    prof = (inc.T @ Xn).tocsr()  # candidates × terms
    out = np.zeros(len(candidates))
    for j in range(len(candidates)):
        row = prof.getrow(j).toarray().ravel()
        g = glob - row  # the rest of the corpus, so large features are not self-similar
        mask = own_terms[j]
        if len(mask):
            row[mask] = 0.0
            g = g.copy()
            g[mask] = 0.0
        nr, ng = np.linalg.norm(row), np.linalg.norm(g)
        out[j] = float(row @ g / (nr * ng)) if nr > 0 and ng > 0 else 0.0
    return out
