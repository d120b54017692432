"""Demo groups for さくら区: five per area, with activity places, activities (some shared between
groups, so the network view has links) and the accepted 協働事業 they take part in."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from civic.extensions import db
from civic.groups.models import (
    Group,
    GroupActivity,
    GroupActivityPartner,
    GroupMembership,
    GroupPlace,
    GroupProject,
    GroupTheme,
)
from civic.groups.services import ward_to_utc

# area: (slug, name, kind, themes, summary, meets, how to join, contact visibility, places)
GROUPS = {
    "honcho": [
        ("honcho-1-chonai", "本町一丁目町会", "neighbourhood", ("disaster", "town"),
         "防災訓練、夏祭り、防犯パトロールを行っています。", "役員会：毎月第2土曜 10時",
         "会館の受付で申込書を", "verified", ("本町地区会館", "本町防災倉庫")),
        ("honcho-shotenkai", "本町商店会", "other", ("town", "safety"),
         "商店街のイベントと「こども110番の店」をまとめています。", "毎月第1水曜 19時", "加盟店はどなたでも",
         "public", ("やまだ薬局（こども110番の店）", "本町商店街 まちの本棚")),
        ("honcho-pta", "本町第一小学校PTA", "school", ("school", "safety"),
         "登下校の見守りと学校行事を支えています。", "運営委員会：月1回 平日夜", "在校生の保護者",
         "signed_in", ("本町第一小学校",)),
        ("honcho-salon", "ふれあいサロン本町", "welfare", ("welfare", "elderly"),
         "高齢の方の居場所づくりと見守りを続けています。", "火・木 13時〜16時", "見学はいつでも",
         "public", ("商店街のふれあいサロン",)),
        ("honcho-chorus", "本町コーラス", "circle", ("culture",),
         "区民活動センターで歌っています。初心者歓迎。", "毎週金曜 19時", "見学のうえ入会",
         "staff", ("区民活動センター",)),
    ],
    "aobadai": [
        ("aobadai-jichikai", "青葉台自治会", "neighbourhood", ("disaster", "town", "environment"),
         "花壇づくりと防災訓練、防災倉庫の管理をしています。", "役員会：毎月第3日曜 10時", "自治会費 月200円",
         "verified", ("青葉台地区センター", "青葉台避難所（青葉台中学校）")),
        ("aobadai-kodomo", "NPO法人あおばこども", "npo", ("school", "welfare"),
         "子ども食堂と学習支援を運営しています。", "第2・第4土曜", "ボランティア説明会にご参加ください",
         "public", ("青葉台こども食堂（地区センター調理室）", "丘の上の子育てひろば")),
        ("aobadai-pta", "青葉台小学校PTA", "school", ("school",),
         "通学路の安全点検と読み聞かせをしています。", "月1回", "在校生の保護者", "signed_in",
         ("青葉台小学校",)),
        ("aobadai-hanadan", "川沿い花壇の会", "circle", ("environment",),
         "遊歩道の花壇を手入れしています。", "毎週日曜 9時", "道具は貸し出します", "public",
         ("青葉台川沿いの遊歩道花壇",)),
        ("aobadai-bosai", "青葉台防災ネットワーク", "disaster", ("disaster", "welfare"),
         "避難所運営の訓練と要支援者名簿づくりを進めています。", "隔月 第1土曜", "自治会・PTA・福祉の代表者",
         "staff", ("青葉台避難所（青葉台中学校）",)),
    ],
    "kawabata": [
        ("kawabata-chonai", "川端町会", "neighbourhood", ("disaster", "town", "culture"),
         "お祭りと川の清掃、防災船着場の訓練を担っています。", "毎月第1日曜 10時", "会館で受け付けます",
         "verified", ("川端町会会館", "川端防災船着場")),
        ("kawabata-mimamori", "川端見守りの会", "welfare", ("welfare", "elderly"),
         "一人暮らしの高齢者を訪ね、銭湯と一緒に見守ります。", "月・水・金 午前", "研修1回のあと参加",
         "public", ("川端いきいきサロン", "銭湯 川端湯（見守り協力店）")),
        ("kawabata-pta", "川端小学校おやじの会", "school", ("school", "safety"),
         "校庭キャンプと夜回りを続けています。", "学期に2回", "父親でなくても歓迎", "signed_in",
         ("川端小学校",)),
        ("kawabata-monozukuri", "下町ものづくりクラブ", "circle", ("culture",),
         "木工と修理の工房を開いています。", "土日 10時〜17時", "工房で直接どうぞ", "public",
         ("下町ものづくり工房",)),
        ("kawabata-suibo", "川端水防団", "disaster", ("disaster",),
         "大雨のときの土のう積みと水防訓練をしています。", "毎月第3土曜 訓練", "18歳以上の区民",
         "staff", ("川端防災船着場",)),
    ],
    "midorigaoka": [
        ("midori-jichikai", "緑ヶ丘自治会", "neighbourhood", ("disaster", "elderly"),
         "防災広場の訓練と敬老会を開いています。", "毎月第2日曜", "自治会費 月300円", "verified",
         ("緑ヶ丘コミュニティルーム", "緑ヶ丘防災広場")),
        ("midori-houkatsu", "緑ヶ丘ささえあい会議", "welfare", ("welfare", "elderly"),
         "包括支援センターと住民で、見守りと認知症カフェを運営しています。", "毎月第4水曜 14時",
         "どなたでも", "public", ("地域包括支援センター緑ヶ丘", "喫茶みどり（認知症カフェ）")),
        ("midori-taiso", "緑ヶ丘ラジオ体操の会", "circle", ("elderly", "culture"),
         "毎朝公園で体操しています。", "毎朝 6時30分", "そのままお越しください", "public",
         ("公園のラジオ体操広場",)),
        ("midori-pta", "緑ヶ丘小学校PTA", "school", ("school",),
         "学校と地域の行事をつないでいます。", "月1回", "在校生の保護者", "signed_in",
         ("緑ヶ丘小学校",)),
        ("midori-npo-mori", "NPO法人みどりの森", "npo", ("environment",),
         "大公園の雑木林を守る活動をしています。", "第1・第3土曜", "会員登録（年1,000円）", "public",
         ("緑ヶ丘大公園",)),
    ],
    "konan": [
        ("konan-jichikai", "港南タワー自治会", "neighbourhood", ("disaster", "multicultural"),
         "タワーマンションの防災と住民交流を担っています。", "毎月第1土曜", "入居者はどなたでも",
         "verified", ("港南津波避難ビル（港南タワー）",)),
        ("konan-kokusai", "港南国際交流の会", "npo", ("multicultural", "disaster"),
         "日本語教室と多言語の防災まち歩きを開いています。", "火・木 19時、土 10時", "ラウンジで受付",
         "public", ("港南国際交流ラウンジ", "多言語防災マップ まち歩きの起点")),
        ("konan-kosodate", "港南子育てネット", "welfare", ("welfare", "school", "multicultural"),
         "外国にルーツのある家庭も一緒に、子育ての情報を交換しています。", "月〜金 ひろばで", "ひろばで登録",
         "public", ("港南子育て支援ひろば",)),
        ("konan-pta", "港南小学校PTA", "school", ("school", "multicultural"),
         "多言語のお便りづくりを進めています。", "月1回", "在校生の保護者", "signed_in",
         ("港南小学校",)),
        ("konan-bosai", "港南防災ボランティア", "disaster", ("disaster",),
         "津波避難訓練を企画しています。", "隔月", "研修のあと登録", "staff",
         ("港南津波避難ビル（港南タワー）", "港南地域交流センター")),
    ],
}

# host slug, title, days from today, hour, place name (None: the group's first place), partners
ACTIVITIES = [
    ("honcho-1-chonai", "本町合同防災訓練", 12, 9, "本町中央公園", ("honcho-shotenkai", "honcho-pta")),
    ("honcho-salon", "サロンの健康麻雀", 3, 13, None, ()),
    ("honcho-shotenkai", "商店街こどもスタンプラリー", 20, 10, None, ("honcho-pta",)),
    ("aobadai-jichikai", "避難所開設訓練", 18, 9, None, ("aobadai-bosai", "aobadai-pta", "aobadai-kodomo")),
    ("aobadai-kodomo", "こども食堂", 6, 11, None, ()),
    ("aobadai-hanadan", "春の花植え", 9, 9, None, ("aobadai-jichikai",)),
    ("kawabata-chonai", "川の一斉清掃", 7, 8, "川沿いのベンチ広場", ("kawabata-monozukuri", "kawabata-pta")),
    ("kawabata-mimamori", "見守り訪問の研修", 4, 10, None, ("kawabata-chonai",)),
    ("kawabata-suibo", "水防訓練", 15, 9, None, ("kawabata-chonai",)),
    ("midori-houkatsu", "認知症カフェ", 10, 14, None, ("midori-jichikai",)),
    ("midori-jichikai", "敬老の集い", -20, 11, None, ("midori-taiso", "midori-houkatsu")),
    ("midori-npo-mori", "雑木林の手入れ", 5, 9, None, ("midori-pta",)),
    ("konan-kokusai", "多言語防災まち歩き", 14, 10, None,
     ("konan-jichikai", "konan-bosai", "konan-kosodate")),
    ("konan-bosai", "津波避難訓練", 25, 10, None, ("konan-jichikai", "konan-pta")),
    ("konan-kosodate", "やさしい日本語の子育て講座", -10, 10, None, ()),
]
# The groups taking part in the accepted 多言語の防災マップづくり, with their part in it.
PROJECT_ROLES = [("konan-kokusai", "翻訳とまち歩きの案内"), ("konan-jichikai", "タワー住民への配布"),
                 ("konan-bosai", "避難場所の確認"), ("konan-pta", "子ども向け版の作成")]


def load(areas: dict, today, people: dict) -> None:
    """``areas``: slug → Area; ``people``: email → User (the demo's residents and staff)."""
    from civic.places.models import Place
    from civic.proposals.models import Proposal

    places = {place.name: place for place in db.session.scalars(select(Place))}
    groups = {}
    for slug_area, rows in GROUPS.items():
        for slug, name, kind, themes, summary, meets, join, visibility, place_names in rows:
            group = Group(
                slug=slug, name=name, area_id=areas[slug_area].id, kind=kind, summary=summary,
                description=summary, meets=meets, how_to_join=join,
                contact_name=f"{name} 事務局", contact_email=f"{slug}@example.jp",
                contact_visibility=visibility, member_count=20 + 7 * len(groups))
            group.theme_rows = [GroupTheme(theme=theme) for theme in themes]
            group.place_rows = [GroupPlace(place_id=places[place].id) for place in place_names
                                if place in places]
            groups[slug] = group
    db.session.add_all(groups.values())
    db.session.flush()
    for place in places.values():  # the meeting rooms are run by the area's association
        if place.category == "meeting_room":
            runner = next((g for g in groups.values() if g.area_id == place.area_id
                           and g.kind == "neighbourhood"), None)
            place.group_id = runner.id if runner else None

    for host, title, days, hour, place_name, partners in ACTIVITIES:
        group = groups[host]
        place_id = places[place_name].id if place_name else (
            group.place_rows[0].place_id if group.place_rows else None)
        starts = ward_to_utc(datetime.combine(today + timedelta(days=days), time(hour)))
        activity = GroupActivity(group_id=group.id, title=title, starts_at=starts,
                                 ends_at=starts + timedelta(hours=2), place_id=place_id,
                                 description=f"{group.name}の{title}です。")
        activity.partner_rows = [GroupActivityPartner(group_id=groups[p].id) for p in partners]
        db.session.add(activity)

    accepted = db.session.scalars(select(Proposal).where(Proposal.state == "accepted")).first()
    if accepted is not None:
        db.session.add_all([GroupProject(group_id=groups[slug].id, proposal_id=accepted.id,
                                         role=role) for slug, role in PROJECT_ROLES])
    # 本町の花子 runs the 本町商店会 page (confirmed); Nguyen Minh has asked for 港南国際交流の会.
    if "hana@example.jp" in people:
        db.session.add(GroupMembership(group_id=groups["honcho-shotenkai"].id,
                                       user_id=people["hana@example.jp"].id, state="confirmed",
                                       message="商店会の事務局です。"))
    if "minh@example.jp" in people:
        db.session.add(GroupMembership(group_id=groups["konan-kokusai"].id,
                                       user_id=people["minh@example.jp"].id,
                                       message="日本語教室の担当です。"))
    db.session.commit()
