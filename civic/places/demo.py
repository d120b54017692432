"""Demo places for さくら区: eight in each of the five areas, around each area's centre."""

from sqlalchemy import select

from civic.extensions import db
from civic.places.models import Place

# The centre of each demo area (WGS 84); every place lies within about 700 m of it, inside the
# default CIVIC_MAP_BOUNDS.
CENTRES = {
    "honcho": (35.6500, 139.6500),
    "aobadai": (35.6620, 139.6360),
    "kawabata": (35.6460, 139.6680),
    "midorigaoka": (35.6360, 139.6400),
    "konan": (35.6340, 139.6640),
}

# area: (name, category, north offset, east offset (1/10,000 degree), address, opening info)
PLACES = {
    "honcho": [
        ("本町地区会館", "meeting_room", 0, 0, "本町1-2-3", "9:00〜21:00（第3月曜休館）"),
        ("本町中央公園", "park", 25, -30, "本町2-10", ""),
        ("やまだ薬局（こども110番の店）", "helpful_shop", -12, 18, "本町1-5-8", "10:00〜19:00"),
        ("区民活動センター", "activity_site", 8, 40, "本町1-1-1 区役所別館2階", "9:00〜22:00"),
        ("本町第一小学校", "school", -40, -20, "本町3-4-1", ""),
        ("本町防災倉庫", "disaster", 30, 15, "本町2-1 公園内", "訓練日のみ開放"),
        ("商店街のふれあいサロン", "welfare", -20, -45, "本町1-9-2", "火・木 13:00〜16:00"),
        ("本町商店街 まちの本棚", "helpful_shop", 15, -10, "本町1-7-4", "11:00〜18:00"),
    ],
    "aobadai": [
        ("青葉台地区センター", "meeting_room", 0, 0, "青葉台2-3-1", "9:00〜21:00"),
        ("青葉台公園", "park", 35, 20, "青葉台3-1", ""),
        ("青葉台こども食堂（地区センター調理室）", "welfare", 2, 5, "青葉台2-3-1", "第2・第4土曜 11:30〜"),
        ("青葉台小学校", "school", -30, -25, "青葉台1-8-2", ""),
        ("青葉台川沿いの遊歩道花壇", "funded_project", 40, -40, "青葉台4丁目", ""),
        ("パン工房あおば（子育て応援店）", "helpful_shop", -15, 30, "青葉台2-11-5", "8:00〜18:00"),
        ("青葉台避難所（青葉台中学校）", "disaster", -45, 10, "青葉台1-2-1", ""),
        ("丘の上の子育てひろば", "activity_site", 20, -15, "青葉台3-6-2", "月〜金 10:00〜15:00"),
    ],
    "kawabata": [
        ("川端町会会館", "meeting_room", 0, 0, "川端1-4-6", "町会の行事・貸出は予約制"),
        ("川端親水公園", "park", -25, 35, "川端2丁目", ""),
        ("川端小学校", "school", 30, -20, "川端3-1-1", ""),
        ("川端防災船着場", "disaster", -40, 45, "川端2-20", "訓練日のみ"),
        ("銭湯 川端湯（見守り協力店）", "helpful_shop", 12, 22, "川端1-8-3", "15:00〜23:00（水曜休）"),
        ("川端いきいきサロン", "welfare", -10, -30, "川端1-2-9", "月・水・金 10:00〜12:00"),
        ("下町ものづくり工房", "activity_site", 25, 30, "川端2-5-1", "土日 10:00〜17:00"),
        ("川沿いのベンチ広場", "park", -30, 10, "川端2-15", ""),
    ],
    "midorigaoka": [
        ("緑ヶ丘コミュニティルーム", "meeting_room", 0, 0, "緑ヶ丘1-1-5", "9:00〜21:00"),
        ("緑ヶ丘大公園", "park", 30, -35, "緑ヶ丘2丁目", "6:00〜22:00"),
        ("特別養護老人ホーム みどりの家", "welfare", -20, 25, "緑ヶ丘3-2-7", "面会 13:00〜17:00"),
        ("地域包括支援センター緑ヶ丘", "welfare", 10, 15, "緑ヶ丘1-3-2", "月〜土 8:30〜17:00"),
        ("緑ヶ丘小学校", "school", -35, -15, "緑ヶ丘2-9-1", ""),
        ("緑ヶ丘防災広場", "disaster", 25, 40, "緑ヶ丘1丁目", ""),
        ("喫茶みどり（認知症カフェ）", "helpful_shop", -8, -28, "緑ヶ丘1-6-3", "第1日曜 14:00〜16:00"),
        ("公園のラジオ体操広場", "activity_site", 38, -20, "緑ヶ丘2丁目 公園内", "毎朝 6:30〜"),
    ],
    "konan": [
        ("港南地域交流センター", "meeting_room", 0, 0, "港南1-10-1", "9:00〜22:00"),
        ("港南ふ頭公園", "park", -35, 30, "港南3丁目", ""),
        ("多言語防災マップ まち歩きの起点", "funded_project", 10, -20, "港南1-10-1 前", ""),
        ("港南国際交流ラウンジ", "activity_site", 18, 12, "港南2-3-4 2階", "火〜日 10:00〜19:00"),
        ("港南小学校", "school", -25, -35, "港南2-8-1", ""),
        ("港南津波避難ビル（港南タワー）", "disaster", -15, 42, "港南3-1-1", "24時間"),
        ("アジア食材店 サイゴン（多言語相談協力店）", "helpful_shop", 28, 25, "港南1-4-9", "10:00〜21:00"),
        ("港南子育て支援ひろば", "welfare", 35, -10, "港南2-1-2", "月〜金 9:30〜16:00"),
    ],
}


def load(areas: dict) -> dict[str, Place]:
    """Add the places; ``areas``: slug → Area. Returns them by name, for the groups' demo."""
    from civic.proposals.models import Proposal

    accepted = db.session.scalars(select(Proposal).where(Proposal.state == "accepted")).first()
    made = {}
    for slug, rows in PLACES.items():
        lat0, lon0 = CENTRES[slug]
        for name, category, north, east, address, opening in rows:
            made[name] = Place(
                name=name, category=category, area_id=areas[slug].id,
                lat=round(lat0 + north / 10_000, 6), lon=round(lon0 + east / 10_000, 6),
                address=f"さくら区{address}", opening_info=opening,
                description=f"{areas[slug].name}の{name}です。",
                proposal_id=accepted.id if category == "funded_project" and accepted and
                slug == "konan" else None)
    db.session.add_all(made.values())
    db.session.commit()
    return made
