"""Demo data: a public comment on さくら区's park policy with ~300 opinions and its published answer,
and a second one taking opinions now (for trying the form)."""

import random
from datetime import timedelta

from civic.consultations import services
from civic.consultations.models import Consultation, Opinion, OpinionGroup, Section
from civic.extensions import db
from civic.spaces.models import Phase, Process
from civic.timeutil import utcnow

DRAFT = """さくら区は、区立公園を子どもから高齢の方まで誰もが安心して過ごせる場所にするため、
この方針を定めます。

## 第1章 総則
### 第1条（目的）
この方針は、区立公園の整備と管理の基本的な考え方を定め、区民の健康で豊かな暮らしに役立てることを目的とする。

### 第2条（基本方針）
区は、安全・緑・交流の三つを柱として、公園の整備を計画的に進める。

## 第2章 公園の整備
### 第3条（遊具と安全）
区は、老朽化した遊具を順次更新し、年1回以上の安全点検を行う。

### 第4条（樹木と緑陰）
区は、夏の暑さに備え、ベンチの周りに日陰をつくる樹木を植える。

### 第5条（トイレと水飲み場）
区は、公園のトイレを順次洋式化し、だれでも使えるトイレを整備する。

## 第3章 運営
### 第6条（住民参加）
区は、町会・自治会と協力して、公園の清掃と見守りを行う。

### 第7条（利用のルール）
ボール遊びは、区が指定した公園の指定した区域で行うことができる。
"""

FINAL = {
    4: "区は、夏の暑さに備え、ベンチの周りと遊具の近くに日陰をつくる樹木とパーゴラを設ける。",
    7: "ボール遊びは、区が指定した公園の指定した区域で行うことができる。\n"
       "区は、地域の意見を聞きながら、ボール遊びのできる区域を広げるよう努める。",
}

# Opinions by subject: (section position or None, group label, openings, reasons)
SUBJECTS = [
    (3, "遊具の更新と安全点検", [
        "近所の公園のすべり台がさびていて、子どもを遊ばせるのが心配です。",
        "遊具の点検は年1回では少ないと思います。",
        "古いブランコを早く新しくしてほしいです。",
        "幼児向けの小さな遊具を増やしてください。",
        "障害のある子も一緒に遊べるインクルーシブ遊具を入れてください。",
    ], [
        "けがをしてからでは遅いので、点検の回数を増やしてほしい。",
        "点検の結果を公園の掲示板で知らせてほしい。",
        "青葉台公園では去年、ロープがほつれたままでした。",
        "更新の順番をどう決めるのか示してください。",
    ]),
    (4, "木陰と暑さ対策", [
        "夏の公園は日差しが強く、昼間はとても使えません。",
        "ベンチの周りだけでなく、砂場や遊具のそばにも日陰がほしいです。",
        "木を植えるのに賛成です。",
        "高齢の母と散歩しますが、休める日陰のベンチが足りません。",
    ], [
        "木が育つまで時間がかかるので、日よけ（パーゴラやテント）も併せて検討してください。",
        "熱中症が心配です。ミストの設置もお願いします。",
        "落ち葉の掃除は町会でも手伝えます。",
        "既存の大きな木は切らずに残してください。",
    ]),
    (5, "トイレと水飲み場", [
        "公園のトイレが暗くて汚く、子どもが怖がって使えません。",
        "洋式化に賛成です。",
        "車いすでも使えるトイレを増やしてください。",
        "水飲み場が壊れたままの公園があります。",
    ], [
        "おむつ替えの台もつけてほしい。",
        "夜間の照明と、清掃の回数を増やしてください。",
        "ペット用の水飲み場も分けてつくってほしい。",
        "整備の予定を公園ごとに公表してください。",
    ]),
    (6, "住民参加と管理", [
        "町会の高齢化で、清掃を続けるのが難しくなっています。",
        "公園の管理に若い世代も参加できる仕組みがほしいです。",
        "花壇づくりのボランティアをしたいです。",
        "見守りを町会任せにしないでください。",
    ], [
        "区が道具や保険を用意してくれれば参加しやすい。",
        "公園ごとに利用者の意見を聞く場をつくってください。",
        "中学生や高校生のボランティアの機会にもなると思う。",
        "SNSで清掃日を知らせてもらえると参加しやすいです。",
    ]),
    (7, "ボール遊びのルール", [
        "ボール遊びができる公園が少なすぎます。",
        "ボールが飛んできて危ない思いをしたことがあります。",
        "指定区域にはネットを張ってください。",
        "時間帯を決めてボール遊びを認めるのはどうでしょうか。",
    ], [
        "子どもが体を動かせる場所は成長に欠かせません。",
        "小さな子や高齢の方と区域を分ければ共存できると思います。",
        "近くの住宅への配慮も必要です。",
        "学校の校庭開放とも組み合わせてください。",
    ]),
    (2, "方針全体と優先順位", [
        "安全・緑・交流の三つの柱はよいと思います。",
        "防災の視点も方針に入れてください。",
        "この方針の進み具合を毎年公表してください。",
        "公園の少ない港南地区を優先してください。",
    ], [
        "公園は災害時の一時避難場所にもなります。",
        "予算の見通しも示してほしい。",
        "再開発で人口が増えているのに公園が増えていません。",
        "目標の数字があると分かりやすいです。",
    ]),
    (None, "その他（照明・防犯・ペットなど）", [
        "夜の公園が暗くて、通り抜けるのが怖いです。",
        "犬のふんの放置に困っています。",
        "公園でのたばこを禁止してください。",
        "自転車を停める場所がなく、入口がふさがっています。",
    ], [
        "LED照明を増やしてほしい。",
        "マナーを守るよう看板で呼びかけてください。",
        "防犯カメラの設置も検討してください。",
        "パブリックコメントの存在を初めて知りました。もっと周知してください。",
    ]),
]

# An organised campaign: the same text from many people (answered once, counted each).
CAMPAIGN = ("すべての区立公園に、ボール遊びのできる広場を設けてください。"
            "子どもたちが思いきり体を動かせる場所が、区内には足りません。")
CAMPAIGN_COPIES = 60

ANSWERS = {
    "遊具の更新と安全点検": (
        "遊具の老朽化への不安と、点検回数の増加、結果の公表を求める意見。インクルーシブ遊具の導入を求める意見。",
        "安全点検は年1回の専門点検に加え、職員による月1回の目視点検を行っています。点検結果は区のホームページで公表します。インクルーシブ遊具は、遊具の更新にあわせて順次検討します。",
        "partly"),
    "木陰と暑さ対策": (
        "ベンチの周りだけでなく遊具の近くにも日陰を求める意見。木が育つまでの日よけを求める意見。",
        "ご意見を踏まえ、第4条に遊具の近くを加え、樹木とあわせてパーゴラ（日よけ棚）を設けることとしました。",
        "adopted"),
    "トイレと水飲み場": (
        "トイレの明るさ・清潔さ、だれでもトイレ、おむつ替え台、水飲み場の修理を求める意見。",
        "トイレの洋式化にあわせて照明の改善とおむつ替え台の設置を進めます。壊れた水飲み場は速やかに修理します。",
        "partly"),
    "住民参加と管理": (
        "町会の負担、若い世代の参加、ボランティアの仕組みを求める意見。",
        "清掃用具とボランティア保険を区が用意する「公園サポーター制度」を来年度から始めます。具体的な運用は別途定めます。",
        "other"),
    "ボール遊びのルール": (
        "ボール遊びのできる公園・区域の拡大を求める意見（同じ文面の意見が多数寄せられました）。安全への配慮を求める意見。",
        "第7条に、地域の意見を聞きながらボール遊びのできる区域を広げるよう努めることを加えました。すべての公園への設置は、公園の広さや近隣への影響から難しいと考えます。",
        "partly"),
    "方針全体と優先順位": (
        "三つの柱への賛同。防災の視点、進み具合の公表、公園の少ない地区の優先を求める意見。",
        "防災の視点は、区の地域防災計画と連携して取り組みます。方針の進み具合は毎年度公表します。",
        "not_adopted"),
    "その他（照明・防犯・ペットなど）": (
        "夜間の照明、防犯、ペットのマナー、たばこ、自転車の駐輪、周知の方法についての意見。",
        "方針の対象外のご意見も、関係する課で今後の参考とします。照明のLED化は別の計画で進めています。",
        "other"),
}

FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田",
          "山田", "佐々木", "山口", "松本", "井上", "木村", "林"]
GIVEN = ["花子", "太郎", "美咲", "健太", "由美", "大輔", "陽子", "翔", "恵", "誠", "彩", "浩",
         "真由美", "拓也", "直子", "亮"]
PLACES = ["本町1丁目", "本町3丁目", "青葉台2丁目", "川端4丁目", "緑ヶ丘1丁目", "港南5丁目", ""]
CHANNELS = ["web"] * 14 + ["post"] * 2 + ["email"] * 2 + ["fax", "counter"]


def _opinions(rng: random.Random, sections: dict[int, Section], residents: list) -> list[dict]:
    rows = []
    for position, label, openings, reasons in SUBJECTS:
        count = 34 if position is not None else 30
        for _n in range(count):
            body = rng.choice(openings) + rng.choice(reasons)
            if rng.random() < 0.3:
                body += rng.choice(["よろしくお願いします。", "ぜひ検討してください。",
                                    "子育て中の親として切実な願いです。", "以上です。"])
            rows.append({"body": body, "section": sections.get(position), "label": label})
    rng.shuffle(rows)
    for n in range(CAMPAIGN_COPIES):
        rows.insert(rng.randrange(len(rows) + 1), {"body": CAMPAIGN, "section": sections.get(7),
                                                   "label": "ボール遊びのルール",
                                                   "campaign": n > 0})
    rows.insert(40, {"body": "隣の○○さん（電話090-0000-0000）が公園で騒いでいて迷惑です。",
                     "section": None, "label": None, "hidden": "個人情報と特定の人への非難を含むため"})
    for row, user in zip(rows[:len(residents)], residents, strict=False):
        row["user"] = user
    return rows


def load(today, staff, residents) -> Consultation:
    """The park policy (公園整備方針) public comment, answered, and a second one open now."""
    day = timedelta(days=1)
    process = Process(
        slug="park-policy", title="さくら区 公園整備方針の策定",
        summary="区立公園の整備方針（素案）について、区民の皆さまのご意見を募集しました。",
        description="パブリックコメント（意見公募手続）で寄せられたご意見と区の考え方を公表しています。",
        published=True, created_by_id=staff.id)
    process.phases = [
        Phase(position=0, title="意見募集", starts_on=today - 75 * day, ends_on=today - 40 * day,
              consultations_open=True),
        Phase(position=1, title="結果公表", starts_on=today - 39 * day, ends_on=today + 60 * day,
              results_published=True, consultations_open=True),
    ]
    db.session.add(process)
    db.session.flush()
    data = {"title": "さくら区 公園整備方針（素案）", "summary": process.summary, "draft": DRAFT,
            "language": "ja", "starts_on": today - 75 * day, "ends_on": today - 45 * day,
            "who": "anyone", "published": True, "ask_name": "optional",
            "ask_address": "optional", "ask_age_band": "optional", "ask_organisation": "optional"}
    consultation = services.save(Consultation(process_id=process.id, process=process), data, staff)
    sections = {s.position: s for s in consultation.sections}
    rng = random.Random(15)  # noqa: S311  # nosec B311 - demo data, the same on every load
    groups = {}
    for position, label in enumerate(ANSWERS):
        summary, response, disposition = ANSWERS[label]
        groups[label] = OpinionGroup(consultation_id=consultation.id, position=position, label=label,
                              summary=summary, response=response, disposition=disposition)
    db.session.add_all(groups.values())
    db.session.flush()
    rows = []
    for number, item in enumerate(_opinions(rng, sections, residents), start=1):
        channel = rng.choice(CHANNELS)
        named = rng.random() < 0.6
        user = item.get("user")
        row = Opinion(
            consultation_id=consultation.id, number=number,
            receipt=services.receipt_for(consultation.id, number),
            section_id=item["section"].id if item["section"] else None, body=item["body"],
            channel="web" if user else channel, user_id=user.id if user else None,
            entered_by_id=staff.id if channel != "web" and not user else None,
            name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}" if named else "",
            address=rng.choice(PLACES) if named else "",
            age_band=rng.choice(["30s", "40s", "50s", "60s", "70s", None]),
            received_on=today - (45 + rng.randrange(30)) * day,
            hidden_reason=item.get("hidden"))
        rows.append((row, item))
    db.session.add_all(row for row, _item in rows)
    db.session.flush()
    first_campaign = next(row for row, item in rows
                          if item["body"] == CAMPAIGN and not item.get("campaign"))
    for row, item in rows:
        if item.get("campaign"):
            row.duplicate_of_id = first_campaign.id
        elif item.get("label") and not item.get("hidden"):
            row.group_id = groups[item["label"]].id
    for position, text in FINAL.items():
        sections[position].final_body = text
    db.session.flush()
    consultation.result = services.snapshot(consultation)
    consultation.result_published_at = utcnow()
    db.session.commit()
    services.notify_submitters(consultation.id)

    open_now = services.save(Consultation(process_id=process.id, process=process), {
        **data, "title": "公園サポーター制度の要綱（案）",
        "summary": "公園の清掃や見守りに参加する「公園サポーター」の仕組みについて、"
                   "ご意見をお聞かせください。",
        "draft": "## 第1条（目的）\nこの要綱は、公園サポーターの活動を支えるために必要なことを定める。\n\n"
                 "## 第2条（活動）\nサポーターは、清掃、花壇の手入れ、見守りを行う。\n\n"
                 "## 第3条（区の支援）\n区は、清掃用具とボランティア保険を用意する。\n",
        "starts_on": today - 3 * day, "ends_on": today + 30 * day}, staff)
    return open_now
