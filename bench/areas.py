"""Area pages under load: the area page (地域カルテ, vision, groups) and the map's GeoJSON.

Seeds bench/web_load.py's data set (10,000 proposals, 200,000 supports, one proposal with 2,000
comments) into a temporary SQLite database (or a throw-away PostgreSQL with ``--db
postgresql``), then, for the same area, 5,000 places and 1,000 groups (bulk inserts), three
years of karte figures, 300 accepted proposals under way and a vision whose goals link 100 of
them and 50 group activities. Serves the app with gunicorn on loopback and drives
``--clients`` concurrent clients (signed-in residents), page after page:

    hello    GET /healthz (the same app, nearly no work: the ceiling of this setup)
    area     GET /areas/bench
    geojson  GET /places.geojson (every published place: what the map page loads)

Prints p50/p95 latency and requests/s per page. Last line: one JSON object with ``p95_ms``
(the slower page's p95), ``ratio_vs_hello`` (the slower page's requests/s over /healthz's)
and the figures of each page.
"""

import argparse
import contextlib
import json
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _serving import Browser, drive, gunicorn  # noqa: E402
from sqlalchemy import insert, select, update  # noqa: E402
from web_load import load, seed  # noqa: E402

from tests.servers import postgres_server  # noqa: E402

PAGES = ("hello", "area", "geojson")
KINDS = ("neighbourhood", "npo", "school", "welfare", "disaster", "circle", "other")
CATEGORIES = ("meeting_room", "park", "helpful_shop", "activity_site", "welfare", "disaster",
              "school", "other")


def seed_areas(app, rng: random.Random, places: int, groups: int) -> dict:
    """Places, groups, karte figures and a vision for the area web_load.seed made."""
    from civic.areas import demo as karte_demo
    from civic.areas.models import AreaVision, GoalLink, VisionGoal
    from civic.extensions import db
    from civic.groups.models import Group, GroupActivity
    from civic.places.models import Place
    from civic.proposals.models import Proposal
    from civic.spaces.models import Area
    from civic.timeutil import utcnow, ward_today

    with app.app_context():
        started = time.perf_counter()
        area = db.session.scalar(select(Area).where(Area.slug == "bench"))
        now = utcnow()
        db.session.execute(insert(Group), [
            {"slug": f"group-{i}", "name": f"ベンチ地区 第{i}町会", "area_id": area.id,
             "kind": KINDS[i % len(KINDS)], "summary": "清掃・見守り・防災訓練を続けています。",
             "meets": "毎月第2土曜 10時", "published": True, "created_at": now,
             "updated_at": now} for i in range(groups)])
        group_ids = db.session.scalars(select(Group.id).order_by(Group.id)).all()
        db.session.execute(insert(Place), [
            {"name": f"ベンチ地区の場所 {i}", "category": CATEGORIES[i % len(CATEGORIES)],
             "area_id": area.id, "lat": 35.60 + rng.random() * 0.1,
             "lon": 139.65 + rng.random() * 0.1, "address": f"さくら区ベンチ{i % 9 + 1}丁目",
             "opening_info": "9:00–17:00", "published": True, "created_at": now,
             "updated_at": now, "group_id": group_ids[i % len(group_ids)] if i % 3 == 0 else None}
            for i in range(places)])
        db.session.execute(insert(GroupActivity), [
            {"group_id": group_ids[i % len(group_ids)], "title": f"防災訓練 {i}",
             "starts_at": now - timedelta(days=i), "created_at": now} for i in range(2_000)])
        accepted = db.session.scalars(select(Proposal.id).order_by(Proposal.id).limit(300)).all()
        db.session.execute(update(Proposal).where(Proposal.id.in_(accepted)).values(
            state="in_progress", progress=40, answered_at=now))
        db.session.commit()

        csv = karte_demo.karte_csv({"honcho": area}, ward_today().year)
        from civic.areas import services

        admin = None
        services.import_facts(csv.encode(), source="bench", as_of=None, actor=admin)
        vision = AreaVision(area_id=area.id, title="ベンチ地区のビジョン",
                            body="支え合うまち。\n\n二段落目。")
        vision.goals = [VisionGoal(position=n, title=f"目標 {n + 1}", target="2030年までに")
                        for n in range(5)]
        db.session.add(vision)
        db.session.flush()
        activities = db.session.scalars(select(GroupActivity.id).limit(50)).all()
        db.session.add_all([GoalLink(goal_id=vision.goals[n % 5].id, proposal_id=pid)
                            for n, pid in enumerate(accepted[:100])])
        db.session.add_all([GoalLink(goal_id=vision.goals[n % 5].id, activity_id=aid)
                            for n, aid in enumerate(activities)])
        db.session.commit()
        with db.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("ANALYZE")
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        return {"seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0, help="at most, per page")
    parser.add_argument("--requests", type=int, default=3000, help="at most, per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (processes)")
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--supports", type=int, default=200_000)
    parser.add_argument("--comments", type=int, default=2_000)
    parser.add_argument("--places", type=int, default=5_000)
    parser.add_argument("--groups", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from civic import create_app

    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="civic-areas-")))
        url = (stack.enter_context(postgres_server()) if args.db == "postgresql"
               else f"sqlite:///{tmp / 'civic.db'}")
        secret = os.urandom(24).hex()
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret}, instance_path=str(tmp))
        rng = random.Random(args.seed)
        data = seed(app, rng, args.proposals, args.supports, args.comments, args.clients)
        extra = seed_areas(app, rng, args.places, args.groups)
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
        proposals, supports, comments = data["counts"]
        print(f"seeded {proposals:,} proposals, {supports:,} supports, {comments:,} comments in "
              f"{data['seconds']:.1f} s; {args.places:,} places, {args.groups:,} groups, karte "
              f"and vision in {extra['seconds']:.1f} s ({args.db})")
        env = {"DATABASE_URL": url, "SECRET_KEY": secret, "CIVIC_INSTANCE_PATH": str(tmp)}
        port = stack.enter_context(gunicorn(env, args.workers))
        clients = [Browser(port, cookie) for cookie in data["cookies"][:args.clients]]
        makers = {"hello": lambda i, n, c: ("GET", "/healthz", None),
                  "area": lambda i, n, c: ("GET", "/areas/bench", None),
                  "geojson": lambda i, n, c: ("GET", "/places.geojson", None)}
        status, body = clients[0].request("GET", "/places.geojson")
        features = len(json.loads(body)["features"]) if status == 200 else 0
        status, page = clients[0].request("GET", "/areas/bench")
        print(f"gunicorn: {args.workers} workers on 127.0.0.1:{port}; {len(clients)} clients; "
              f"area page {len(page):,} bytes ({status}), GeoJSON {features:,} features; "
              f"at most {args.seconds:g} s or {args.requests} requests per page; "
              f"load average before: {load()}")
        results = {}
        for name in PAGES:
            drive(clients, makers[name], 1.0, len(clients) * 3)  # warm-up, not counted
            results[name] = r = drive(clients, makers[name], args.seconds, args.requests)
            print(f"{name:>8}: {r['n']:5d} requests, p50 {r['p50']:6.1f} ms, p95 {r['p95']:6.1f} "
                  f"ms, {r['rps']:7.1f} req/s, errors {r['errors']}")
        print(f"load average after: {load()}")
    hello = results["hello"]["rps"]
    slower = min(("area", "geojson"), key=lambda name: results[name]["rps"])
    figures = {"p95_ms": round(max(results[n]["p95"] for n in ("area", "geojson")), 1),
               "ratio_vs_hello": round(results[slower]["rps"] / hello, 3)}
    for name, r in results.items():
        figures[f"p95_{name}_ms"] = round(r["p95"], 1)
        figures[f"rps_{name}"] = round(r["rps"], 1)
        if name != "hello":
            figures[f"ratio_{name}_vs_hello"] = round(r["rps"] / hello, 3)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
