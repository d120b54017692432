"""Proposal pages at size: 1,000 proposals and a 500-comment thread in a temporary SQLite database.

Prints median and worst request times through the test client for the list, a proposal page with
its first comment page, a later comment page and the search page. Last line: one JSON object.
"""

import json
import random
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import bindparam

from civic import create_app
from civic.accounts.models import Residency, User
from civic.comments.models import Comment
from civic.extensions import db
from civic.proposals.models import Proposal, Support
from civic.search import text as search
from civic.search.models import SearchTerm
from civic.spaces.models import Area, Phase, Process
from civic.timeutil import utcnow, ward_today

WORDS = ["公園", "ベンチ", "学童保育", "子育て", "防災訓練", "図書館", "商店街", "高齢者", "見守り",
         "自転車", "ごみ", "緑化", "カフェ", "交流", "多文化", "清掃", "花壇", "通学路"]
REPEAT = 15


def seed(rng: random.Random) -> tuple[int, str]:
    area = Area(slug="bench", name="ベンチ地区")
    db.session.add(area)
    db.session.flush()
    users = [User(email=f"u{i}@example.jp", display_name=f"住民{i}", password_hash="x")
             for i in range(300)]
    db.session.add_all(users)
    db.session.flush()
    db.session.add_all(Residency(user_id=u.id, area_id=area.id) for u in users)
    today = ward_today()
    from datetime import timedelta

    process = Process(slug="bench", title="ベンチ", published=True, phases=[Phase(
        title="募集", starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=30),
        proposals_open=True, supports_open=True, comments_open=True)])
    db.session.add(process)
    db.session.flush()
    now = utcnow()
    rows = []
    for i in range(1000):
        title = f"{rng.choice(WORDS)}の{rng.choice(WORDS)}について 第{i}号"
        body = "。".join(f"{rng.choice(WORDS)}を{rng.choice(WORDS)}に活かしたい" for _ in range(8))
        rows.append({"process_id": process.id, "author_id": users[i % 300].id, "title": title,
                     "body": body, "state": "published", "published_at": now,
                     "support_count": 0, "comment_count": 0, "area_id": area.id})
    db.session.execute(Proposal.__table__.insert(), rows)
    proposals = db.session.scalars(db.select(Proposal)).all()
    terms = []
    for p in proposals:
        weights = search.terms(p.body)
        for term, count in search.terms(p.title).items():
            weights[term] += 3 * count
        terms += [{"proposal_id": p.id, "term": t, "weight": w} for t, w in weights.items()]
    db.session.execute(SearchTerm.__table__.insert(), terms)
    supports = {(rng.choice(proposals).id, u.id) for u in users for _ in range(10)}
    db.session.execute(Support.__table__.insert(), [
        {"proposal_id": p, "user_id": u, "process_id": process.id} for p, u in supports])
    big = proposals[0]
    counts = Counter(p for p, _u in supports)
    table = Proposal.__table__
    db.session.execute(table.update().where(table.c.id == bindparam("pid"))
                       .values(support_count=bindparam("n")),
                       [{"pid": p, "n": n} for p, n in counts.items()])
    tops = []
    for i in range(200):
        c = Comment(target_type="proposal", target_id=big.id, author_id=users[i % 300].id,
                    body=f"意見{i}：{rng.choice(WORDS)}", stance=rng.choice(["for", "against"]),
                    up_count=rng.randint(0, 20))
        tops.append(c)
    db.session.add_all(tops)
    db.session.flush()
    replies = []
    for i in range(300):
        parent = rng.choice(tops)
        replies.append(Comment(target_type="proposal", target_id=big.id, parent_id=parent.id,
                               root_id=parent.id, depth=1, author_id=users[i % 300].id,
                               body=f"返信{i}"))
    db.session.add_all(replies)
    big.comment_count = 500
    db.session.commit()
    return big.id, process.slug


def timed(client, url: str) -> tuple[float, float]:
    client.get(url)  # warm up templates and caches
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    return statistics.median(samples), max(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}",
                          "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False},
                         instance_path=tmp)
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            started = time.perf_counter()
            big_id, slug = seed(random.Random(7))
            print(f"seeded 1,000 proposals and a 500-comment thread in "
                  f"{time.perf_counter() - started:.1f} s")
        client = app.test_client()
        pages = {
            "list": f"/processes/{slug}/proposals",
            "list_supported_p10": f"/processes/{slug}/proposals?sort=supported&page=10",
            "proposal": f"/proposals/{big_id}",
            "comments_p5": f"/proposals/{big_id}?cpage=5&sort=supported",
            "search": "/proposals/search?q=公園",
        }
        figures = {}
        for name, url in pages.items():
            median, worst = timed(client, url)
            print(f"{name:<20} median {median:7.1f} ms   max {worst:7.1f} ms   {url}")
            figures[f"median_{name}_ms"] = round(median, 1)
            figures[f"max_{name}_ms"] = round(worst, 1)
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
