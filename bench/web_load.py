"""The web app under load: gunicorn on loopback, N concurrent clients, a large proposals process.

Seeds 10,000 proposals, 200,000 supports and one proposal with 2,000 comments (bulk inserts
through SQLAlchemy Core) into a temporary SQLite database, or into a throw-away PostgreSQL with
``--db postgresql``; serves the app with gunicorn (several workers) on a free loopback port; then,
page after page, drives ``--clients`` concurrent clients, each a verified resident with a session,
for at most ``--seconds`` or ``--requests`` per page, and prints p50/p95 latency and requests/s for:

    hello     GET /healthz (the same app, nearly no work: the ceiling of this setup)
    list      GET the process's proposal list (newest / most supported, alternately)
    proposal  GET the proposal with 2,000 comments and its first comment page
    search    GET the search page for a Japanese word (proposals and comments)
    support   POST a support (each one new: a row, the exact counter, a milestone check)

The clients are closed-loop (each sends its next request when the last one answered), so by
Little's law the latency at N clients is about N ÷ throughput. Sessions are minted with the app's
secret key for the seeded users rather than by posting the login form, whose rate limit (per
address) would stop twenty logins from one address. Last line: one JSON object.
"""

import argparse
import contextlib
import json
import os
import random
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _serving import Browser, drive, gunicorn, session_cookies  # noqa: E402
from sqlalchemy import bindparam, insert, select, update  # noqa: E402

from tests.servers import postgres_server  # noqa: E402

WORDS = ["公園", "ベンチ", "学童保育", "子育て", "防災訓練", "図書館", "商店街", "高齢者", "見守り",
         "自転車", "ごみ", "緑化", "カフェ", "交流", "多文化", "清掃", "花壇", "通学路", "防犯灯",
         "空き家", "農園", "祭り", "避難所", "読み聞かせ", "体操", "スマホ教室", "居場所", "食堂"]
QUERIES = ["学童", "公園", "防災訓練", "図書館 交流", "見守り", "通学路", "カフェ"]
PAGES = ("hello", "list", "proposal", "search", "support")
SLUG = "bench-web"


# Seeding ----------------------------------------------------------------------------------------

def seed(app, rng: random.Random, proposals: int, supports: int, comments: int,
         residents: int) -> dict:
    """Fill the database; returns what the clients need (ids, session cookies)."""
    from flask_migrate import upgrade

    from civic.accounts.models import Residency, User, UserRole
    from civic.comments.models import Comment
    from civic.extensions import db
    from civic.proposals.models import Proposal, Support
    from civic.search.models import SearchTerm
    from civic.search.text import terms
    from civic.spaces.models import Area, Phase, Process
    from civic.timeutil import utcnow, ward_today

    with app.app_context():
        upgrade()
        engine_name = db.engine.dialect.name
        started = time.perf_counter()
        area = Area(slug="bench", name="ベンチ地区", position=1)
        db.session.add(area)
        db.session.flush()
        today = ward_today()
        process = Process(slug=SLUG, title="協働事業提案（負荷試験）", published=True, phases=[Phase(
            title="募集", starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=60),
            position=0, proposals_open=True, supports_open=True, comments_open=True)])
        db.session.add(process)
        db.session.flush()

        # Supporters: each supports `per_person` proposals; the clients' residents support
        # nothing yet, so every support they post is a new one.
        per_person = 20
        supporters = -(-supports // per_person)
        people = supporters + residents
        db.session.execute(insert(User), [
            {"email": f"u{i}@bench.example.jp", "password_hash": "x", "display_name": f"住民{i}",
             "email_confirmed_at": utcnow()} for i in range(people)])
        user_ids = db.session.scalars(select(User.id).order_by(User.id)).all()
        db.session.execute(insert(UserRole), [{"user_id": u, "role": "resident"} for u in user_ids])
        db.session.execute(insert(Residency), [{"user_id": u, "area_id": area.id}
                                               for u in user_ids])

        now = utcnow()
        rows = []
        for i in range(proposals):
            title = f"{rng.choice(WORDS)}の{rng.choice(WORDS)}について 第{i}号"
            body = "。".join(f"{rng.choice(WORDS)}を{rng.choice(WORDS)}に活かしたい"
                            for _ in range(5))
            rows.append({"process_id": process.id, "author_id": user_ids[i % supporters],
                         "title": title, "body": body, "state": "published", "area_id": area.id,
                         "published_at": now - timedelta(minutes=proposals - i),
                         "support_count": 0, "comment_count": 0})
        db.session.execute(insert(Proposal), rows)
        proposal_ids = db.session.scalars(select(Proposal.id).order_by(Proposal.id)).all()
        index_rows = []
        for pid, row in zip(proposal_ids, rows, strict=True):
            weights = terms(row["body"])
            for term, count in terms(row["title"]).items():
                weights[term] += 3 * count  # as proposals.services.reindex weighs a title
            index_rows += [{"proposal_id": pid, "term": t, "weight": w} for t, w in weights.items()]
        db.session.execute(insert(SearchTerm), index_rows)

        # Popular proposals get more supports (so "most supported" means something).
        weights = [1 / (1 + rank) ** 0.7 for rank in range(len(proposal_ids))]
        counts: dict[int, int] = {}
        support_rows = []
        for person in user_ids[:supporters]:
            chosen: set[int] = set()
            while len(chosen) < per_person:
                chosen.update(rng.choices(proposal_ids, weights, k=per_person - len(chosen)))
            for pid in chosen:
                counts[pid] = counts.get(pid, 0) + 1
                support_rows.append({"proposal_id": pid, "user_id": person,
                                     "process_id": process.id})
        support_rows = support_rows[:supports]
        counts = {}
        for row in support_rows:
            counts[row["proposal_id"]] = counts.get(row["proposal_id"], 0) + 1
        db.session.execute(insert(Support), support_rows)
        db.session.execute(update(Proposal.__table__)
                           .where(Proposal.__table__.c.id == bindparam("pid"))
                           .values(support_count=bindparam("n")),
                           [{"pid": p, "n": n} for p, n in counts.items()])

        # One proposal with a long discussion: 4/5 top-level comments, the rest replies.
        big = proposal_ids[len(proposal_ids) // 2]
        top = comments * 4 // 5
        bodies = [f"{rng.choice(WORDS)}について。{rng.choice(WORDS)}と{rng.choice(WORDS)}が大切です"
                  for _ in range(comments)]
        db.session.execute(insert(Comment), [
            {"target_type": "proposal", "target_id": big, "author_id": rng.choice(user_ids),
             "body": bodies[i], "stance": rng.choice(("for", "against", "neutral", None)),
             "created_at": now - timedelta(minutes=comments - i)} for i in range(top)])
        roots = db.session.scalars(select(Comment.id).order_by(Comment.id)).all()
        db.session.execute(insert(Comment), [
            {"target_type": "proposal", "target_id": big, "author_id": rng.choice(user_ids),
             "body": bodies[i], "parent_id": (root := rng.choice(roots)), "root_id": root,
             "depth": 1, "created_at": now} for i in range(top, comments)])
        comment_ids = db.session.scalars(select(Comment.id).order_by(Comment.id)).all()
        db.session.execute(insert(SearchTerm), [
            {"comment_id": cid, "term": term, "weight": weight}
            for cid, body in zip(comment_ids, bodies, strict=True)
            for term, weight in terms(body).items()])
        db.session.execute(update(Proposal).where(Proposal.id == big)
                           .values(comment_count=comments))
        db.session.commit()
        if engine_name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        seconds = time.perf_counter() - started

        cookies = session_cookies(app, user_ids[supporters:])
        return {"big": big, "cookies": cookies, "proposals": [p for p in proposal_ids if p != big],
                "residents": user_ids[supporters:],
                "seconds": seconds, "counts": (len(proposal_ids), len(support_rows),
                                               len(comment_ids))}


class Supporters:
    """Who posts the next support, and for which proposal, across all clients.

    The app allows a person 30 supports a minute, as a ward would; one client posting every
    support as one person would measure the rate limit (429s), not the app. So the k-th support
    of the run, whichever client sends it, is resident k mod R's support for the proposal
    k div R: every one is new, and nobody posts more than ⌈supports ÷ R⌉. Each resident keeps
    their own session cookie and CSRF token. These residents support nothing in the seed.
    """

    def __init__(self, port: int, cookies: list[str], proposals: list[int], path: str):
        browser = Browser(port, cookies[0])
        self.sessions = []
        for cookie in cookies:
            browser.cookie, browser.csrf = cookie, None
            browser.fetch_csrf(path)
            self.sessions.append((browser.cookie, browser.csrf))
        self.proposals, self.lock, self.count = proposals, threading.Lock(), 0

    def next(self) -> tuple[str, str, int]:
        with self.lock:
            k, self.count = self.count, self.count + 1
        cookie, csrf = self.sessions[k % len(self.sessions)]
        return cookie, csrf, self.proposals[k // len(self.sessions) % len(self.proposals)]


def requests_for(data: dict, supporters: Supporters):
    big = data["big"]

    def support(_i: int, _n: int, client: Browser):
        client.cookie, client.csrf, proposal = supporters.next()
        return "POST", f"/proposals/{proposal}/support", {}

    list_path = f"/processes/{SLUG}/proposals"
    return {
        "hello": lambda i, n, c: ("GET", "/healthz", None),
        "list": lambda i, n, c: ("GET", list_path + ("?sort=supported" if n % 2 else ""), None),
        "proposal": lambda i, n, c: ("GET", f"/proposals/{big}", None),
        "search": lambda i, n, c: ("GET", "/proposals/search?q="
                                   + quote(QUERIES[(i + n) % len(QUERIES)]), None),
        "support": support,
    }


def load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0, help="at most, per page")
    parser.add_argument("--requests", type=int, default=3000, help="at most, per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (processes)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn worker (more than 1 means gthread workers)")
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--supports", type=int, default=200_000)
    parser.add_argument("--comments", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from civic import create_app

    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="civic-web-load-")))
        if args.db == "postgresql":
            url = stack.enter_context(postgres_server())
        else:
            url = f"sqlite:///{tmp / 'civic.db'}"
        secret = os.urandom(24).hex()
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret}, instance_path=str(tmp))
        # Enough residents that nobody posts more than 25 supports (warm-up included).
        residents = max(args.clients, -(-(args.requests + 3 * args.clients) // 25))
        data = seed(app, random.Random(args.seed), args.proposals, args.supports,
                    args.comments, residents)
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
        proposals, supports, comments = data["counts"]
        print(f"seeded {proposals:,} proposals, {supports:,} supports, {comments:,} comments on "
              f"one proposal into {args.db} in {data['seconds']:.1f} s")
        env = {"DATABASE_URL": url, "SECRET_KEY": secret, "CIVIC_INSTANCE_PATH": str(tmp)}
        port = stack.enter_context(gunicorn(env, args.workers, threads=args.threads))
        cookies = data["cookies"]
        clients = [Browser(port, cookie) for cookie in cookies[:args.clients]]
        for client in clients:
            client.fetch_csrf(f"/proposals/{data['big']}")
        supporters = Supporters(port, cookies, data["proposals"], f"/proposals/{data['big']}")
        makers = requests_for(data, supporters)
        print(f"gunicorn: {args.workers} workers × {args.threads} threads on 127.0.0.1:{port}; "
              f"{len(clients)} clients ({residents} residents take turns posting supports), at most "
              f"{args.seconds:g} s or {args.requests} requests per page; "
              f"load average before: {load()}")
        results = {}
        for page in PAGES:
            # A short warm-up per page (caches, connections) that is not counted.
            drive(clients, makers[page], 1.0, len(clients) * 3)
            results[page] = drive(clients, makers[page], args.seconds, args.requests)
            r = results[page]
            print(f"{page:>9}: {r['n']:5d} requests, p50 {r['p50']:6.1f} ms, p95 {r['p95']:6.1f} "
                  f"ms, {r['rps']:7.1f} req/s, errors {r['errors']}")
        print(f"load average after: {load()}")
        with app.app_context():
            from sqlalchemy import func

            from civic.extensions import db
            from civic.proposals.models import Support

            added = db.session.scalar(select(func.count()).select_from(Support).where(
                Support.user_id.in_(data["residents"])))
        print(f"supports the clients' residents added: {added:,} rows for "
              f"{supporters.count:,} POSTs (warm-up included)")
    figures = {}
    for page, r in results.items():
        figures[f"p50_{page}_ms"] = round(r["p50"], 1)
        figures[f"p95_{page}_ms"] = round(r["p95"], 1)
        figures[f"rps_{page}"] = round(r["rps"], 1)
    figures["ratio_vs_hello"] = round(results["list"]["rps"] / results["hello"]["rps"], 3)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
