"""A small mixed survey as wards get them: ~300 answers about five subjects, written the way
residents write, with the traps seen on real data (pure; shared by tests and bench).

The subjects share words on purpose: childcare answers say ネット (online applications) like
garbage answers (カラスよけのネット), 入れる and 知る appear in childcare and disaster answers,
児童館 and 自転車 meet in the same sentence, and 週 counts garbage days and childcare days.
Self-introductions and polite closings are shared by every subject and are not themes.
"""

from __future__ import annotations

import random

SENTENCES: dict[str, list[str]] = {
    "park": [
        "近所の公園の遊具が古くなっていて、子どもを遊ばせるのが心配です",
        "公園のトイレが暗くて汚いので改修してほしいです",
        "公園でボール遊びができるようにしてほしい",
        "夜の公園は照明が少なく、通るのが怖いです",
        "公園のベンチを増やしてもらえると、散歩の途中で休めて助かります",
        "夏は公園に日陰がないので木を植えてほしいです",
        "公園の砂場に猫のふんがあり、柵を付けてほしい",
        "公園の草が伸び放題で、虫が多くて困っています",
        "高齢者が使える健康遊具を公園に置いてほしい",
        "公園の水飲み場が壊れたままになっています",
        "犬の散歩で公園を使う人のマナーが悪いと感じます",
        "公園で花壇の手入れをするボランティアに参加したいです",
        "公園の入り口の段差が大きく、ベビーカーや車いすで入れません",
        "広場でラジオ体操やイベントができる公園があるとうれしい",
    ],
    "bicycle": [
        "駅前の駐輪場がいつも満車で、自転車を止める場所がありません",
        "放置自転車が歩道をふさいでいて、車いすで通れません",
        "児童館の前に自転車がたくさん止められていて、子どもが通りにくいです",
        "自転車専用レーンを整備してほしいです",
        "歩道を猛スピードで走る自転車が怖いです",
        "自転車のマナー講習を学校や地域で開いてほしい",
        "駐輪場の料金が高いので、もう少し安くしてほしい",
        "シェアサイクルのポートを増やしてほしいです",
        "夜に無灯火で走る自転車が多く、危ないと思います",
        "駅の近くに屋根付きの駐輪場を作ってほしい",
        "放置自転車の撤去をもっと早くしてほしいです",
        "自転車で走りやすいように道路の段差をなくしてほしい",
        "電動自転車を止められる広い駐輪スペースが足りません",
        "高校生の自転車の二人乗りやスマホ運転を見かけます",
    ],
    "garbage": [
        "ごみ集積所にカラスよけのネットを配ってほしいです",
        "ごみの分別の仕方が分かりにくいので、表を配ってほしい",
        "収集日以外にごみを出す人がいて困っています",
        "燃やすごみの収集を週に三回に増やしてほしい",
        "粗大ごみの申し込みをネットでできるようにしてほしいです",
        "集積所のネットがカラスに破られて、ごみが散らかっています",
        "外国の方にもごみの出し方が伝わるよう、多言語の案内がほしい",
        "資源ごみの回収の曜日を分かりやすくしてほしい",
        "集積所の掃除当番が負担になっています",
        "ごみ袋が有料になるなら、もっと小さい袋も作ってほしい",
        "夜にごみを出す人がいて、朝には散らかっています",
        "ごみの不法投棄が空き地で続いています",
        "プラスチックの分別をもっと簡単にしてほしいです",
        "集積所の場所を住民で話し合って決め直したい",
    ],
    "childcare": [
        "保育園の申し込みをネットでできるようにしてほしいです",
        "希望の保育園に入れず、仕事に戻れません",
        "学童保育に入れないので、小学生の放課後が心配です",
        "一時保育を週に一回でも使えるようにしてほしい",
        "児童館の開館時間を夜まで延ばしてほしいです",
        "病児保育の枠が少なく、子どもが熱を出すと仕事を休むしかありません",
        "保育士さんが足りないと聞きます。待遇を良くしてほしい",
        "子育て支援センターで相談できる日を増やしてほしい",
        "学童の職員が少なく、子どもを見きれていないと感じます",
        "保育園の送り迎えの時間に間に合わない日があります",
        "子育て中の親が集まれる場所が近くにほしいです",
        "小学校の放課後に子どもが安心して過ごせる居場所がほしい",
        "保育料の負担が重く、二人目をためらっています",
        "子育ての情報がどこにあるのか知らない人が多いと思います",
    ],
    "disaster": [
        "自分の地域の避難所がどこにあるのか知らない住民が多いです",
        "防災訓練を土日にも開いてほしい",
        "避難所にペットと一緒に入れるのか知りたいです",
        "ハザードマップを全戸に配ってほしい",
        "災害時の備蓄品を町会で管理するのが大変です",
        "高齢者や障がいのある人の避難を誰が手伝うのか決めてほしい",
        "川が近いので、大雨のときの避難の情報を早く出してほしい",
        "避難所の女性用の更衣室や授乳室を用意してほしいです",
        "防災無線が聞こえにくい地域があります",
        "地震のときに家具が倒れないよう、固定の補助をしてほしい",
        "外国人住民にも災害の情報が届くようにしてほしい",
        "マンションの住民も地域の防災訓練に参加しやすくしてほしい",
        "避難所の備蓄の水や食料が足りるのか心配です",
        "停電のときにスマホを充電できる場所を知りたいです",
    ],
}

INTRODUCTIONS = [
    "川端地区に住んで10年になります", "30代の会社員です", "二人の子どもの母親です",
    "本町在住の70代です", "港南地区で自営業をしています", "共働き世帯です",
    "緑ヶ丘に引っ越して2年目です", "町会の役員をしている者です",
]
CLOSINGS = [
    "よろしくお願いします", "ご検討ください", "ぜひお願いします",
    "どうぞよろしくお願いいたします", "早めの対応をお願いします",
]

# Answers about what a ward's process pages hold besides the survey (proposals and comments on
# 商店街, バス, 図書館 …): added to the same run, they may form themes of their own but must not
# break the survey's five subjects into pieces.
PROCESS_TEXTS = [
    "商店街の空き店舗を使って、地域の人が集まれるカフェを開きたい",
    "商店街のイベントを増やして、にぎわいを取り戻したいです",
    "コミュニティバスの本数を増やしてほしい",
    "バス停に屋根とベンチを付けてほしいです",
    "図書館の開館時間を延ばしてほしい",
    "図書館に勉強できる席を増やしてほしいです",
    "空き家を活用して、高齢者の集いの場をつくりたい",
    "地域の祭りを続けるために若い人の参加を増やしたい",
    "川沿いの遊歩道を整備して、散歩しやすくしてほしい",
    "駅前の再開発について、住民の意見をもっと聞いてほしい",
    "多文化共生のための交流会を開いてほしいです",
    "商店街の街灯が暗いので明るくしてほしい",
]


def make_mixed(seed: int = 7, per_subject: int = 60) -> tuple[list[str], list[str]]:
    """``per_subject`` answers for each subject (texts, gold subject), shuffled reproducibly.

    An answer is one or two of its subject's sentences, with a self-introduction before it in
    about a third of the answers and a polite closing after it in about half of them.
    """
    rng = random.Random(seed)
    rows: list[tuple[str, str]] = []
    for subject, sentences in SENTENCES.items():
        for i in range(per_subject):
            first = sentences[i % len(sentences)]
            parts = [first]
            if rng.random() < 0.45:
                parts.append(rng.choice([s for s in sentences if s != first]))
            if rng.random() < 0.35:
                parts.insert(0, rng.choice(INTRODUCTIONS))
            if rng.random() < 0.5:
                parts.append(rng.choice(CLOSINGS))
            rows.append(("。".join(parts) + "。", subject))
    rng.shuffle(rows)
    return [t for t, _s in rows], [s for _t, s in rows]
