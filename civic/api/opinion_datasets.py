"""Opinion maps as open data: one row per statement of every published map (the API's pages)."""

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l

from civic.api import opinion_maps
from civic.api.datasets import walk
from civic.opendata.registry import Column, Dataset, register


def _statements() -> Iterator[dict]:
    for report in walk(opinion_maps.page):
        base = {"conversation_id": report["id"], "process_id": report["process_id"],
                "question": report["question"], "computed_at": report["computed_at"]}
        for group in report["groups"]:
            for row in group["representative"]:
                yield {**base, "kind": "representative", "group_id": group["id"],
                       "group_size": group["size"], "statement_id": row["statement"],
                       "text": row["text"], "repful_for": row["repful_for"],
                       "percent": row["percent"], "others_percent": row["others_percent"]}
        for kind in ("consensus", "divisive", "uncertain"):
            for row in report[kind]:
                seen = sum(g["seen"] for g in row["groups"])
                agree = (sum(g["agree"] * g["seen"] for g in row["groups"]) / seen
                         if seen else 0.0)
                yield {**base, "kind": kind, "statement_id": row["statement"],
                       "text": row["text"], "percent": round(agree, 1)}


register(Dataset(
    name="opinion_maps", title=_l("Opinion maps"),
    description=_l("The statements of published opinion maps (意見マップ): what sets each group "
                   "apart, the common ground, divisive and uncertain statements."),
    columns=(Column("conversation_id", "integer", "意見マップのID", "Identifier of the map"),
             Column("process_id", "integer", "参加プロセスのID", "Identifier of the process"),
             Column("question", "string", "問い", "Question"),
             Column("computed_at", "datetime", "集計日時", "Computed at"),
             Column("kind", "string",
                    "種類（representative：グループの特徴、consensus：共通点、divisive：意見が分かれる、"
                    "uncertain：判断が定まらない）",
                    "Kind (representative, consensus, divisive, uncertain)"),
             Column("group_id", "integer", "グループ番号（特徴のみ）", "Group (representative only)"),
             Column("group_size", "integer", "グループの人数", "People in the group"),
             Column("statement_id", "integer", "意見のID", "Identifier of the statement"),
             Column("text", "string", "意見の本文", "Text of the statement"),
             Column("repful_for", "string", "グループの特徴（agree：賛成、disagree：反対）",
                    "What sets the group apart (agree, disagree)"),
             Column("percent", "number",
                    "グループ内でそう投票した割合（%）、その他は全体の賛成の割合",
                    "Per cent of the group who voted so; otherwise of all votes, agree"),
             Column("others_percent", "number", "他の人でそう投票した割合（%）",
                    "Per cent of the others who voted so")),
    rows=_statements, depends=opinion_maps.TABLES, api="api.opinion_map_list"))
