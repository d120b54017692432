"""The demo ward's 区民意識調査: a published survey with about 500 answers, inserted in bulk."""

import random
from datetime import date, timedelta

from sqlalchemy import insert

from civic.extensions import db
from civic.surveys import answers as core
from civic.surveys import services
from civic.surveys.models import Survey, SurveyQuestion, SurveyResponse

AGE_BANDS = ["10代", "20代", "30代", "40代", "50代", "60代", "70代以上"]
AREAS = ["本町地区", "青葉台地区", "川端地区", "緑ヶ丘地区", "港南地区"]
OPINIONS = [
    "公園のベンチをもっと増やしてほしい。高齢の親と散歩すると休む場所が足りません。",
    "夜の駅前が暗くて不安です。街灯を明るくしてほしい。",
    "子どもが遊べる場所が少ない。ボール遊びのできる広場がほしいです。",
    "区のお知らせがスマホで見やすくなってうれしい。",
    "ごみの分別が分かりにくい。外国語の案内もあると助かります。",
    "自転車の通行ルールを守らない人が多く、歩道が危ないと感じます。",
    "図書館の開館時間を夜まで延ばしてほしい。",
    "防災訓練に参加したいが、平日の昼間だと行けません。",
    "商店街に空き店舗が増えてさびしい。若い人が店を出せる支援を。",
    "コミュニティバスの本数を増やしてほしい。病院へ行くのに不便です。",
]


def questions() -> list[SurveyQuestion]:
    return [
        SurveyQuestion(kind="section", label="あなたについて",
                       help="統計のためにうかがいます。お名前は聞きません。"),
        SurveyQuestion(kind="single", label="年代", required=True, options=AGE_BANDS),
        SurveyQuestion(kind="dropdown", label="お住まいの地区", required=True, options=AREAS),
        SurveyQuestion(kind="number", label="さくら区に住んで何年になりますか", low=0, high=100),
        SurveyQuestion(kind="page"),
        SurveyQuestion(kind="section", label="暮らしの満足度"),
        SurveyQuestion(kind="scale", label="さくら区の住みやすさ", required=True, low=1, high=5,
                       help="1：住みにくい　5：住みやすい"),
        SurveyQuestion(kind="matrix", label="次の区のサービスの満足度", low=1, high=5,
                       rows=["公園・緑", "防災", "子育て支援", "高齢者支援", "ごみ・リサイクル"]),
        SurveyQuestion(kind="multiple", label="区の情報をどこで得ていますか（3つまで）", high=3,
                       options=["区報", "区のウェブサイト", "SNS", "町会の回覧板", "掲示板"],
                       has_other=True),
        SurveyQuestion(kind="page"),
        SurveyQuestion(kind="ranking", label="これから力を入れてほしい分野に順位をつけてください",
                       options=["防災", "子育て", "高齢者福祉", "まちの緑", "交通"]),
        SurveyQuestion(kind="long", label="区への意見・要望を自由にお書きください"),
    ]


def fake_answer(items, rng: random.Random) -> dict:
    """A plausible answer to ``items`` (also used by bench/surveys.py)."""
    out: dict = {}
    for q in items:
        if not core.is_question(q) or (not q.required and rng.random() < 0.15):
            continue
        key = str(q.id)
        if q.kind in ("single", "dropdown"):
            out[key] = min(int(rng.triangular(0, len(q.options), len(q.options) / 2)),
                           len(q.options) - 1)
        elif q.kind == "multiple":
            chosen = rng.sample(range(len(q.options)), rng.randint(1, min(q.high or 3,
                                                                           len(q.options))))
            if q.has_other and rng.random() < 0.05:
                chosen.append(core.OTHER)
                out[f"{key}_other"] = "自治会の掲示"
            out[key] = sorted(chosen)
        elif q.kind == "scale":
            scale = core.scale_range(q)
            out[key] = min(int(rng.triangular(scale.start, scale.stop, scale.stop - 1.5)),
                           scale.stop - 1)
        elif q.kind == "matrix":
            scale = core.scale_range(q)
            out[key] = [rng.choice(scale) for _row in q.rows]
        elif q.kind == "ranking":
            order = list(range(len(q.options)))
            rng.shuffle(order)
            out[key] = order
        elif q.kind == "number":
            out[key] = rng.randint(q.low or 0, min(q.high or 60, 60))
        elif q.kind == "date":
            out[key] = (date(2026, 1, 1) + timedelta(days=rng.randint(0, 300))).isoformat()
        elif q.kind in ("short", "long") and rng.random() < 0.6:
            out[key] = rng.choice(OPINIONS)
    return out


def add_answers(survey: Survey, n: int, rng: random.Random, today: date) -> None:
    """``n`` answers in bulk, then counted once."""
    batch = []
    for i in range(n):
        batch.append({"survey_id": survey.id, "channel": "paper" if i % 10 == 0 else "web",
                      "submitted_on": today - timedelta(days=rng.randint(0, 20)),
                      "answers": fake_answer(survey.questions, rng)})
        if len(batch) == 2000:
            db.session.execute(insert(SurveyResponse), batch)
            batch = []
    if batch:
        db.session.execute(insert(SurveyResponse), batch)
    db.session.commit()
    services.recount(survey)


def load(today: date, staff, answers: int = 500) -> Survey:
    survey = Survey(
        title="令和8年度 さくら区 区民意識調査",
        purpose=("区政運営の参考にするため、暮らしの満足度や区への要望をうかがいます。"
                 "回答は無記名で統計的に処理し、個人が特定されることはありません。"
                 "回答には10分ほどかかります。途中で保存して、あとで続きから回答できます。"),
        audience="anyone", anonymous=True, state="open", results_public=True,
        opens_on=today - timedelta(days=21), closes_on=today + timedelta(days=30),
        created_by_id=staff.id)
    db.session.add(survey)
    db.session.flush()
    for position, q in enumerate(questions()):
        q.survey_id, q.position = survey.id, position
        db.session.add(q)
    db.session.commit()
    db.session.refresh(survey)
    add_answers(survey, answers, random.Random(15), today)  # noqa: S311 - demo data  # nosec B311
    return survey
