"""World cafés' published harvests as open data: one row per note, read through the API's pages
(civic.api.cafes), so the file holds nothing /api/v1/cafes would not show."""

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l

from civic.api import cafes
from civic.api.datasets import PROCESS_ID, walk
from civic.opendata.registry import Column, Dataset, register


def _notes() -> Iterator[dict]:
    for cafe in walk(cafes.page):
        questions = {r["number"]: r["question"] for r in cafe["rounds"]}
        base = {"cafe_id": cafe["id"], "process_id": cafe["process_id"],
                "cafe_title": cafe["title"], "published_at": cafe["published_at"]}
        for table in cafe["tables"]:
            for note in table["notes"]:
                yield {**base, "table": table["number"], "topic": table["topic"],
                       "round": note["round"], "question": questions.get(note["round"], ""),
                       "note_id": note["id"], "text": note["text"], "key_idea": note["key_idea"]}


register(Dataset(
    name="cafe_harvests", title=_l("World café harvests"),
    description=_l("The notes of every published world café harvest (ワールドカフェの記録), with "
                   "their table, round and question. Who took part or wrote a note is not "
                   "published."),
    columns=(Column("cafe_id", "integer", "カフェのID", "Identifier of the café"),
             PROCESS_ID,
             Column("cafe_title", "string", "カフェの名称", "Title of the café"),
             Column("published_at", "datetime", "記録の公開日時", "Harvest published at"),
             Column("table", "integer", "テーブル番号", "Table number"),
             Column("topic", "string", "テーブルのテーマ（空欄：なし）",
                    "Topic of the table (empty: none)"),
             Column("round", "integer", "ラウンド", "Round"),
             Column("question", "string", "そのラウンドの問い", "Question of the round"),
             Column("note_id", "integer", "メモのID", "Identifier of the note"),
             Column("text", "string", "メモの本文", "Text of the note"),
             Column("key_idea", "boolean", "重要なアイデアとして選ばれたか",
                    "Marked as a key idea")),
    rows=_notes, depends=cafes.TABLES, api="api.cafe_list"))
