"""Demo data: an opinion map on the riverside of 川端地区 with three recognisable groups.

About 400 participants vote on 60 statements. Their votes are drawn from three stances — keep
the river green and quiet (自然派), bring shops and events (にぎわい派), safety and easy walking for
older people (くらし派) — plus statements nearly everyone agrees with (common ground). Rows go in
with bulk inserts and the map is computed once at load.
"""

import random
import secrets

from civic.extensions import db
from civic.opinions import services
from civic.opinions.models import Conversation, OpinionParticipant, OpinionVote, Statement
from civic.timeutil import utcnow

NATURE = [
    "川沿いの草地はそのまま残してほしい", "夜の川辺は静かなままがいい", "ホタルが戻る川にしたい",
    "護岸をコンクリートから土と石に戻すべきだ", "川辺の木は一本も切らないでほしい",
    "野鳥の観察ができる場所がほしい",
    "川沿いに大きな建物は建てないでほしい",
    "川の生き物を学ぶ子ども向けの教室を開いてほしい", "照明は足元だけの弱いものでよい",
    "花火やイベントの音は控えてほしい", "遊歩道は舗装せず土のままがいい",
    "川辺の植物を住民で手入れする会をつくりたい", "釣りやバーベキューは禁止でよい",
    "自然を残すことが地区の一番の魅力だ", "空き地は森にしてほしい",
    "川沿いの自動販売機は減らしてほしい", "川辺のベンチは最小限でよい",
    "雨水を地面にしみこませる工夫をしてほしい",
]
LIVELY = [
    "川沿いにカフェや屋台がほしい", "週末に川辺でマルシェを開いてほしい", "夏祭りを川沿いで大きく開きたい",
    "川辺にキッチンカーを呼んでほしい", "遊歩道を広く舗装してジョギングしやすくしてほしい",
    "夜も明るくしてにぎわいをつくるべきだ", "川沿いに観光客を呼ぶ仕組みがほしい",
    "ボート乗り場をつくってほしい", "バーベキュー広場を整備してほしい", "空き店舗を若い人の店に貸してほしい",
    "川辺でコンサートや映画の上映をしたい", "駐車場を増やして遠くからも来られるようにしてほしい",
    "川沿いにホテルや商業施設を誘致すべきだ", "SNSで川端の魅力を発信したい",
    "イベントの音は多少大きくてもよい", "川辺に大きな遊具を置いてほしい",
    "商店街と川をつなぐ道を整備してほしい",
    "地区のにぎわいのためなら木を一部切ってもよい",
]
CARE = [
    "遊歩道の段差をなくしてほしい", "手すりのある坂道にしてほしい", "川辺にトイレを増やしてほしい",
    "車いすでも川辺まで下りられるようにしてほしい", "自転車と歩行者の道を分けてほしい",
    "高齢者が休めるベンチを100メートルごとに置いてほしい", "見守りのボランティアを増やしたい",
    "バス停から川辺までの道を歩きやすくしてほしい", "夜間のパトロールを増やしてほしい",
    "日陰をつくる屋根付きの休憩所がほしい", "案内板の文字を大きくしてほしい", "防犯カメラを付けてほしい",
]
COMMON = [
    "大雨のときの避難の情報を分かりやすくしてほしい", "川にごみを捨てない呼びかけを続けてほしい",
    "子どもが安全に遊べる川辺にしたい", "川沿いの計画は住民の声を聞いて決めてほしい",
    "川をきれいにする清掃活動に参加したい", "川端の川は地区の大切な財産だ",
    "災害に強い護岸にしてほしい", "川沿いのごみ箱はこまめに回収してほしい",
]
MIXED = ["川沿いの計画にもっと予算を使うべきだ", "犬の散歩のルールをつくってほしい",
         "川辺の利用時間を決めるべきだ", "外国語の案内もあるとよい"]

# Share of participants per stance, and the chance a statement's kind is agreed with.
STANCES = {"nature": 0.45, "lively": 0.35, "care": 0.20}
AGREE = {
    "nature": {"nature": 0.85, "lively": 0.12, "care": 0.5, "common": 0.88, "mixed": 0.45},
    "lively": {"nature": 0.12, "lively": 0.85, "care": 0.45, "common": 0.85, "mixed": 0.5},
    "care": {"nature": 0.45, "lively": 0.25, "care": 0.9, "common": 0.9, "mixed": 0.5},
}
PASS = 0.12


def load(process, staff, participants: int = 400, seed: int = 17) -> Conversation:
    """The demo conversation of ``process``, with its votes and its computed map."""
    rng = random.Random(seed)  # noqa: S311 - made-up votes, the same on every load  # nosec B311
    conversation = Conversation(
        process_id=process.id, question="川端の川沿いを、10年後どんな場所にしたいですか？",
        description="短い意見に「賛成」「反対」「パス」で答えてください。自分の意見も書けます。"
                    "考えの近い人どうしのグループと、みんなが賛成している意見が地図に表れます。",
        moderation="post", voters="guests", created_by_id=staff.id)
    db.session.add(conversation)
    db.session.flush()
    kinds = ([("nature", t) for t in NATURE] + [("lively", t) for t in LIVELY]
             + [("care", t) for t in CARE] + [("common", t) for t in COMMON]
             + [("mixed", t) for t in MIXED])
    rng.shuffle(kinds)
    now = utcnow()
    db.session.execute(Statement.__table__.insert(), [
        {"conversation_id": conversation.id, "author_id": staff.id, "is_seed": True, "body": text,
         "created_at": now} for _kind, text in kinds])
    statement_ids = [row for row in db.session.scalars(
        db.select(Statement.id).where(Statement.conversation_id == conversation.id)
        .order_by(Statement.id))]
    db.session.execute(OpinionParticipant.__table__.insert(), [
        {"conversation_id": conversation.id, "guest_token_hash": secrets.token_hex(32),
         "created_at": now} for _ in range(participants)])
    participant_ids = list(db.session.scalars(
        db.select(OpinionParticipant.id).where(OpinionParticipant.conversation_id == conversation.id)
        .order_by(OpinionParticipant.id)))
    stances = rng.choices(list(STANCES), weights=list(STANCES.values()), k=participants)
    votes = []
    for participant_id, stance in zip(participant_ids, stances, strict=True):
        seen = rng.sample(range(len(kinds)), rng.randint(12, len(kinds)))
        for j in seen:
            agree = AGREE[stance][kinds[j][0]]
            value = 0 if rng.random() < PASS else (1 if rng.random() < agree else -1)
            votes.append({"conversation_id": conversation.id, "statement_id": statement_ids[j],
                          "participant_id": participant_id, "value": value, "voted_at": now})
    db.session.execute(OpinionVote.__table__.insert(), votes)
    conversation.votes_version = 1
    db.session.commit()
    services.recompute(conversation.id)
    return conversation
