"""The demo ward's 地域カルテ (three years of figures per area, imported through the real CSV
import), a 地域ビジョン per area with goals, and last year's 協働事業 under way that serve them."""

from datetime import timedelta

from sqlalchemy import select

from civic.accounts.models import Residency, User
from civic.areas import services
from civic.areas.facts import AGE_BANDS
from civic.areas.models import AreaVision, GoalLink, VisionGoal
from civic.extensions import db
from civic.groups.models import Group, GroupActivity
from civic.proposals.models import ProgressUpdate, Proposal
from civic.spaces.models import Phase, Process
from civic.timeutil import utcnow

# slug: population, people per household, shares of 0–14 / 65+ / foreign residents, yearly
# change, 町会・自治会加入率 (%): the shapes of a Tokyo ward's areas (23区 averages: about 1.9
# people per household, 11 % children, 21 % aged 65 and over).
PROFILES = {
    "honcho": (28_400, 1.75, 0.105, 0.210, 0.042, 0.006, 48.5),
    "aobadai": (34_900, 2.35, 0.158, 0.185, 0.021, 0.012, 56.0),
    "kawabata": (22_100, 1.95, 0.098, 0.276, 0.030, -0.008, 71.2),
    "midorigaoka": (19_700, 2.05, 0.109, 0.312, 0.016, -0.005, 63.4),
    "konan": (41_300, 1.62, 0.124, 0.143, 0.115, 0.028, 32.8),
}
# Women's share of each age band: about even when young, more women among the oldest.
WOMEN = (0.488, 0.487, 0.495, 0.492, 0.49, 0.495, 0.51, 0.555, 0.63)
SOURCE = "さくら区 住民基本台帳（各年1月1日現在）"

VISIONS = {
    "honcho": ("にぎわいと安心が続く、区の顔となるまち",
               "商店街と区役所のある本町は、働く人・暮らす人・訪れる人が行き交う地区です。"
               "\n\nひとり暮らしの高齢者が増えるなか、商店街と町会が見守りの担い手となり、"
               "誰もが立ち寄れる場所を地区の中に増やしていきます。",
               [("商店街を歩いて楽しい場所に", "2030年までに空き店舗を半分に"),
                ("ひとり暮らしの高齢者を地域で見守る", "見守り協力店を50店に"),
                ("子どもの居場所を地区内に", "放課後の居場所を3か所に")]),
    "aobadai": ("子育て世帯が安心して住み続けられるまち",
                "丘の上の住宅地・青葉台は、子育て世帯が増え続けています。"
                "\n\n公園と通学路の安全、親同士のつながりを、地域予算と住民の手で育てます。",
                [("通学路の危ない場所をなくす", "ヒヤリハット地点ゼロ"),
                 ("公園を世代を超えた集いの場に", "公園での地域行事を年12回"),
                 ("子育ての孤立をなくす", "子育てサロンの参加者を倍に")]),
    "kawabata": ("川と町会が支える、災害に強い下町",
                 "川端地区は町会・自治会の活動が盛んな下町です。"
                 "\n\n水害への備えを地域ぐるみで進め、川沿いの暮らしの魅力を次の世代へ伝えます。",
                 [("水害に備え、誰も取り残さない", "避難行動要支援者の個別計画100%"),
                  ("川沿いを歩きたくなる遊歩道に", "花壇とベンチを各5か所"),
                  ("町会の担い手を若い世代へ", "40代以下の役員を2割に")]),
    "midorigaoka": ("緑の中で、年を重ねても自分らしく暮らせるまち",
                    "大きな公園と高齢者施設のある緑ヶ丘は、区内で最も高齢化の進んだ地区です。"
                    "\n\n健康づくりと支え合いの仕組みを、施設と住民が一緒につくります。",
                    [("歩いて通える通いの場を増やす", "体操の会を10か所に"),
                     ("買い物と移動の困りごとを減らす", "移動支援の担い手を30人に")]),
    "konan": ("多様な住民がともに暮らす、開かれた湾岸のまち",
              "再開発が進む港南地区には、新しい住民と外国籍の住民が多く暮らしています。"
              "\n\n言葉や暮らしの違いを越えて、防災とまちづくりに誰もが参加できる地区を目指します。",
              [("外国籍住民と一緒に備える防災", "多言語の防災訓練を年2回"),
               ("新しい住民が地域とつながる", "マンション自治会との連携を全棟で"),
               ("海辺の公共空間をみんなで使う", "水辺のイベントを年4回")]),
}

# Last year's 協働事業 under way: area, title, state, progress, goal index it serves.
UNDER_WAY = [
    ("honcho", "商店街の空き店舗で「まちの縁側」", "in_progress", 60, 0),
    ("honcho", "見守り協力店ステッカーの配布", "completed", 100, 1),
    ("aobadai", "通学路ヒヤリハットマップづくり", "interim", 70, 0),
    ("aobadai", "公園での多世代ピクニックデー", "in_progress", 40, 1),
    ("kawabata", "町会合同の水害避難訓練", "completed", 100, 0),
    ("kawabata", "川沿い遊歩道の花壇づくり", "in_progress", 30, 1),
    ("midorigaoka", "公園でのラジオ体操の会", "interim", 80, 0),
    ("midorigaoka", "ご近所お買い物便", "accepted", 10, 1),
    ("konan", "港南ウォーターフロント清掃と交流会", "in_progress", 50, 2),
]


def karte_csv(areas: dict, this_year: int) -> str:
    """The figures of three years (1 January of the last three years) as a ward publishes them."""
    header = ["地区名", "地区コード", "年", "人口総数", "世帯数", "男性人口", "女性人口",
              "年少人口(0-14歳)", "生産年齢人口(15-64歳)", "老年人口(65歳以上)", "外国人住民数"]
    header += [f"{sex}{band}歳" for band in AGE_BANDS for sex in ("男", "女")]
    header += ["町会・自治会加入率(%)", "出典", "基準日"]
    lines = [",".join(header)]
    for slug, (population, per_home, child, old, foreign, change, chokai) in PROFILES.items():
        if slug not in areas:
            continue
        for back in (2, 1, 0):
            year = this_year - back
            people = round(population * (1 + change) ** -back)
            shares = (child + 0.004 * back * (1 if change > 0 else -1), old - 0.003 * back)
            children, elderly = round(people * shares[0]), round(people * shares[1])
            working = people - children - elderly
            weights = [children * 0.66, children * 0.34 + working * 0.07,
                       *(working * w for w in (0.17, 0.17, 0.17, 0.16)),
                       working * 0.26 + elderly * 0.22, elderly * 0.42, elderly * 0.36]
            bands = [(round(w * (1 - women)), round(w * women)) for w, women in zip(weights, WOMEN,
                                                                                   strict=True)]
            men, women = sum(m for m, _f in bands), sum(f for _m, f in bands)
            row = [areas[slug].name, slug, str(year), str(men + women),
                   str(round(people / (per_home - 0.01 * back))), str(men), str(women),
                   str(children), str(working), str(elderly),
                   str(round(people * (foreign - 0.004 * back * (1 if change > 0 else 0))))]
            row += [str(n) for pair in bands for n in pair]
            row += [f"{chokai + 0.8 * back:.1f}", SOURCE, f"{year}-01-01"]
            lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def load(areas: dict, admin, today) -> None:
    """Figures, visions and their links for the demo ward's ``areas`` (slug → Area)."""
    services.import_facts(karte_csv(areas, today.year).encode(), source=SOURCE, as_of=None,
                          actor=admin, filename="sakura-karte.csv")
    process = Process(slug="kyodo-jigyo-2025", title="令和7年度 協働事業（実施中）",
                      summary="昨年度に採択された協働事業の進み具合をお知らせします。",
                      description="採択された事業ごとに、区と提案団体が進捗を報告します。",
                      published=True, created_by_id=admin.id)
    process.phases = [Phase(position=0, title="事業実施", starts_on=today - timedelta(days=300),
                            ends_on=today + timedelta(days=60), results_published=True)]
    db.session.add(process)
    db.session.flush()
    authors = dict(db.session.execute(select(Residency.area_id, User.id)
                                      .join(User, User.id == Residency.user_id)).all())
    under_way = {}
    for slug, title, state, progress, goal in UNDER_WAY:
        if slug not in areas:
            continue
        proposal = Proposal(
            process_id=process.id, author_id=authors.get(areas[slug].id), title=title,
            body=f"{areas[slug].name}の住民と区が協働で進める事業です。", area_id=areas[slug].id,
            state=state, progress=progress, published_at=utcnow() - timedelta(days=280),
            answered_at=utcnow() - timedelta(days=250),
            answer="地域ビジョンの実現に役立ち、住民の担い手がそろっているため採択します。")
        db.session.add(proposal)
        db.session.flush()
        db.session.add(ProgressUpdate(proposal_id=proposal.id, author_id=admin.id,
                                      kind="final" if state == "completed" else "update",
                                      progress=progress, body="予定どおり進んでいます。"))
        under_way.setdefault(slug, []).append((proposal, goal))
    for slug, (title, body, goals) in VISIONS.items():
        if slug not in areas:
            continue
        vision = AreaVision(area_id=areas[slug].id, title=title, body=body,
                            updated_by_id=admin.id)
        vision.goals = [VisionGoal(position=n, title=goal, target=target)
                        for n, (goal, target) in enumerate(goals)]
        db.session.add(vision)
        db.session.flush()
        for proposal, goal in under_way.get(slug, []):
            db.session.add(GoalLink(goal_id=vision.goals[goal].id, proposal_id=proposal.id))
        # The area's groups' activities (when the groups' demo has made them) serve the last goal.
        activities = db.session.scalars(
            select(GroupActivity.id).join(Group, Group.id == GroupActivity.group_id)
            .where(Group.area_id == areas[slug].id).limit(2)).all()
        db.session.add_all([GoalLink(goal_id=vision.goals[-1].id, activity_id=activity)
                            for activity in activities])
    db.session.commit()
