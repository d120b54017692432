"""Open-data datasets of consultations' and surveys' published results: the rows of the API's
/api/v1/consultations and /api/v1/surveys, flattened, read page by page through the same
functions (civic.api.datasets.walk), so a file holds nothing the API would not show."""

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l

from civic.api import consultations, surveys
from civic.api.datasets import ID, PROCESS_ID, walk
from civic.consultations.models import CHANNELS, DISPOSITIONS
from civic.opendata.registry import Column, Dataset, register

CHANNEL_NAMES = {"web": ("ウェブ", "the web"), "post": ("郵送", "post"), "fax": ("ファクス", "fax"),
                 "email": ("電子メール", "e-mail"), "counter": ("窓口", "the counter")}
DISPOSITION_NAMES = {"adopted": ("反映した", "adopted"),
                     "partly": ("一部反映した", "partly adopted"),
                     "not_adopted": ("反映しなかった", "not adopted"),
                     "other": ("その他（質問・感想など）", "other (questions, remarks)")}


def _consultations() -> Iterator[dict]:
    for item in walk(consultations.page):
        counts = item["counts"]
        yield {**item, "opinions": counts["opinions"], "submitters": counts["submitters"],
               "hidden_opinions": counts["hidden"], "duplicate_opinions": counts["duplicates"],
               "whole_draft_opinions": counts["whole_draft"],
               **{f"by_{channel}": n for channel, n in counts["by_channel"].items()},
               **{f"answers_{d}": n for d, n in item["dispositions"].items()},
               "answer_count": len(item["answers"]),
               "changed_sections": " / ".join(item["changed_sections"])}


register(Dataset(
    name="consultations", title=_l("Public comment results"),
    description=_l("Published results of public comments (パブリックコメント): how many opinions "
                   "came, by which channel, and how the ward answered them."),
    columns=(ID, PROCESS_ID, Column("title", "string", "案件名", "Title"),
             Column("language", "string", "案の言語", "Language of the draft"),
             Column("starts_on", "date", "意見募集の開始日", "First day opinions were taken"),
             Column("ends_on", "date", "意見募集の締切日", "Last day opinions were taken"),
             Column("published_at", "datetime", "結果の公表日時", "Results published at"),
             Column("opinions", "integer", "意見の件数", "Number of opinions"),
             Column("submitters", "integer", "意見を提出した人・団体の数",
                    "People and groups who sent opinions"),
             Column("hidden_opinions", "integer", "うち公表しない意見の件数（個人情報など）",
                    "Of which not published (personal data and the like)"),
             Column("duplicate_opinions", "integer", "うち同じ内容の意見の件数",
                    "Of which the same text sent by several people"),
             Column("whole_draft_opinions", "integer", "案全体への意見の件数",
                    "Opinions on the whole draft"),
             *(Column(f"by_{c}", "integer", f"{CHANNEL_NAMES[c][0]}で受け付けた件数",
                      f"Opinions received by {CHANNEL_NAMES[c][1]}") for c in CHANNELS),
             Column("answer_count", "integer", "意見の概要と区の考え方の件数",
                    "Rows in the table of answers"),
             *(Column(f"answers_{d}", "integer", f"区の考え方のうち「{DISPOSITION_NAMES[d][0]}」の件数",
                      f"Answers with the disposition {DISPOSITION_NAMES[d][1]}")
               for d in DISPOSITIONS),
             Column("changed_sections", "string", "最終案で変更した項目（/ 区切り）",
                    "Sections changed in the final text (separated by /)")),
    rows=_consultations, depends=consultations.TABLES, api="api.consultation_list"))


def _consultation_answers() -> Iterator[dict]:
    for item in walk(consultations.page):
        for answer in item["answers"]:
            yield {**answer, "consultation_id": item["id"],
                   "sections": " / ".join(answer["sections"])}


register(Dataset(
    name="consultation_answers", title=_l("Public comment answers"),
    description=_l("The published table of answers of every public comment: the summary of the "
                   "opinions (意見の概要) and the ward's view (区の考え方)."),
    columns=(Column("consultation_id", "integer", "パブリックコメントのID",
                    "Identifier of the public comment"),
             Column("number", "integer", "番号", "Number in the table"),
             Column("label", "string", "項目", "Heading"),
             Column("sections", "string", "意見の対象の項目（/ 区切り）",
                    "Sections the opinions were about (separated by /)"),
             Column("summary", "string", "意見の概要", "Summary of the opinions"),
             Column("response", "string", "区の考え方", "The ward's view"),
             Column("disposition", "string",
                    "対応（adopted：反映した、partly：一部反映した、not_adopted：反映しなかった、"
                    "other：その他）",
                    "Disposition (adopted, partly, not_adopted, other)"),
             Column("opinions", "integer", "まとめた意見の件数", "Opinions the answer covers")),
    rows=_consultation_answers, depends=consultations.TABLES, api="api.consultation_list"))

SURVEY_ID = Column("survey_id", "integer", "アンケートのID", "Identifier of the survey")

register(Dataset(
    name="surveys", title=_l("Surveys with public results"),
    description=_l("Surveys (アンケート) whose results are public, with how many answered."),
    columns=(ID, Column("process_id", "integer", "参加プロセスのID（空欄：なし）",
                        "Identifier of the process (empty: none)"),
             Column("cafe_id", "integer", "カフェのID（空欄：なし）",
                    "Identifier of the café (empty: none)"),
             Column("area_id", "integer", "地域のID（空欄：区全体）",
                    "Identifier of the area (empty: the whole ward)"),
             Column("title", "string", "名称", "Title"),
             Column("state", "string", "状態（open：受付中、closed：終了）",
                    "State (open, closed)"),
             Column("opens_on", "date", "回答の受付開始日", "First day answers are taken"),
             Column("closes_on", "date", "回答の締切日", "Last day answers are taken"),
             Column("answers", "integer", "回答数", "Number of answers")),
    rows=lambda: walk(surveys.page), depends=surveys.TABLES, api="api.survey_list"))


def _survey_questions() -> Iterator[dict]:
    for survey in walk(surveys.page):
        for position, question in enumerate(survey["questions"], start=1):
            number = question["kind"] == "number"
            yield {**question, "survey_id": survey["id"], "question_id": question["id"],
                   "position": position,
                   "min_number": question["min"] if number else None,
                   "max_number": question["max"] if number else None,
                   "earliest": question["min"] if question["kind"] == "date" else None,
                   "latest": question["max"] if question["kind"] == "date" else None}


QUESTION_ID = Column("question_id", "integer", "設問のID", "Identifier of the question")

register(Dataset(
    name="survey_questions", title=_l("Survey questions and results"),
    description=_l("Every question of the surveys with public results: how many answered it, "
                   "and averages and ranges where they apply. Free-text answers are not "
                   "published."),
    columns=(SURVEY_ID, QUESTION_ID,
             Column("position", "integer", "設問の順番", "Order in the survey"),
             Column("kind", "string", "設問の種類", "Kind of question"),
             Column("label", "string", "設問", "Question"),
             Column("answered", "integer", "回答した人数", "People who answered it"),
             Column("mean", "number", "平均（尺度・数値の設問）",
                    "Average (scale and number questions)"),
             Column("min_number", "number", "最小値（数値の設問）",
                    "Smallest answer (number questions)"),
             Column("max_number", "number", "最大値（数値の設問）",
                    "Largest answer (number questions)"),
             Column("earliest", "date", "最も早い日付（日付の設問）",
                    "Earliest answer (date questions)"),
             Column("latest", "date", "最も遅い日付（日付の設問）",
                    "Latest answer (date questions)")),
    rows=_survey_questions, depends=surveys.TABLES, api="api.survey_list"))


def _survey_choices() -> Iterator[dict]:
    for survey in walk(surveys.page):
        for question in survey["questions"]:
            base = {"survey_id": survey["id"], "question_id": question["id"]}
            for bar in question["bars"]:
                yield {**base, **bar, "row": None, "choice": bar["label"]}
            for row in question["matrix"]:
                for value, cell in zip(question["scale"], row["cells"], strict=False):
                    yield {**base, **cell, "row": row["label"], "choice": value,
                           "other": False, "mean_rank": None}


register(Dataset(
    name="survey_choices", title=_l("Survey answer counts"),
    description=_l("For every choice, scale value, ranking and matrix cell of the surveys with "
                   "public results: how many chose it, and the percentage."),
    columns=(SURVEY_ID, QUESTION_ID,
             Column("row", "string", "行（マトリクスの設問）", "Row (matrix questions)"),
             Column("choice", "string", "選択肢または尺度の値（空欄：その他）",
                    "Choice or scale value (empty: other)"),
             Column("other", "boolean", "「その他」か", "Whether it is 「その他」 (other)"),
             Column("count", "integer", "人数", "Number of people"),
             Column("percent", "number", "割合（%、その設問に回答した人のうち）",
                    "Percentage of those who answered the question"),
             Column("mean_rank", "number", "平均順位（順位の設問）",
                    "Average rank (ranking questions)")),
    rows=_survey_choices, depends=surveys.TABLES, api="api.survey_list"))
