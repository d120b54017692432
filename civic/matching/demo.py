"""Demo matching: three residents' offers and local groups' needs that fit them."""

from sqlalchemy import select

from civic.extensions import db
from civic.matching.models import MatchResponse, Need, Offer

# email, area slug, skills, languages, time slots
OFFERS = [
    ("hana@example.jp", "honcho", "料理, 手話", "", "sat-am,sun-am"),
    ("minh@example.jp", "konan", "", "ベトナム語, 英語", "sat-pm,sun-am"),
    ("resident@example.jp", "aobadai", "パソコン, 子どもの見守り", "", "wed-eve,sat-am"),
]
# group slug, task, skills, languages, slots, when, people needed
NEEDS = [
    ("honcho-salon", "子ども食堂の配膳と調理", "料理", "", "sat-am", "毎月第2・第4土曜", 3),
    ("konan-bosai", "防災訓練の通訳", "", "ベトナム語", "sun-am", "9月の防災訓練", 2),
    ("aobadai-kodomo", "スマホ相談会の手伝い", "パソコン", "", "wed-eve", "毎月第1水曜の夜", 2),
    ("honcho-1-chonai", "公園清掃", "", "", "sat-am,sun-am", "毎月最終日曜", 10),
    ("kawabata-mimamori", "ひとり暮らし高齢者の見守り訪問", "手話", "", "sat-am", "隔週土曜", 2),
]


def load(areas: dict, people: dict) -> None:
    from civic.groups.models import Group

    groups = {g.slug: g for g in db.session.scalars(select(Group))}
    db.session.add_all([
        Offer(user_id=people[email].id, area_id=areas[area].id, skills=skills,
              languages=languages, slots=slots)
        for email, area, skills, languages, slots in OFFERS if email in people])
    needs = []
    for slug, title, skills, languages, slots, when, count in NEEDS:
        if slug in groups:
            needs.append(Need(group_id=groups[slug].id, area_id=groups[slug].area_id,
                              title=title, skills=skills, languages=languages, slots=slots,
                              when=when, people_needed=count))
    db.session.add_all(needs)
    db.session.flush()
    if needs and "hana@example.jp" in people:  # one yes, waiting for the group to confirm
        db.session.add(MatchResponse(need_id=needs[0].id, user_id=people["hana@example.jp"].id,
                                     reasons=[["area", None], ["slot", "sat-am"],
                                              ["skill", "料理"]], message="土曜の朝なら"))
    db.session.commit()
