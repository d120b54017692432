"""Mixed load on the real stack: gunicorn (several workers) + PostgreSQL + Redis, all on loopback.

Starts a throw-away PostgreSQL and Redis (tests/servers.py), migrates, loads the demo ward, adds a
load-test process in one of its areas (proposals, supports, comments and ballots open), generated
verified residents and a participatory budget (when the budgets package is installed), serves
``wsgi:app`` with gunicorn and drives it from many client threads, each with its own resident's
session (minted with the app's secret key: logging in 200 people from one address would only
measure the login rate limit). Each client loop is bounded by a request count and by time.

The mix: browse (home, process, proposal list and pages, budget page), support a proposal (also
repeated on purpose: the duplicates must be refused), add/remove projects on a ballot, post a
comment. Rate limits stay on, kept in Redis, as in production; each client stays within the
per-person limits for the length of the run.

At the end it checks the database: duplicate supports per person and proposal, more than one ballot
per person and budget, ballots over the budget, counters that differ from the rows they count.
Last line: one JSON object with requests_per_s, writes_per_s, p95_ms, errors, duplicates, overruns.
"""

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _serving import Browser, gunicorn, session_cookies  # noqa: E402

from tests.servers import postgres_server, redis_server  # noqa: E402

SLUG = "bench-load"


def flask(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "civic", *args], cwd=ROOT,
                   env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL)


def seed(env: dict, people: int, proposals: int, rng: random.Random) -> dict:
    """Demo ward + the load-test process, residents, proposals and budget; returns ids/cookies."""
    flask(env, "db", "upgrade")
    flask(env, "demo", "load")
    os.environ.update(env)
    from sqlalchemy import insert, select

    from civic import create_app
    from civic.accounts.models import Residency, User, UserRole
    from civic.extensions import db
    from civic.proposals.models import Proposal
    from civic.proposals.services import reindex
    from civic.spaces.models import Area, Phase, Process
    from civic.timeutil import utcnow, ward_today

    app = create_app()
    with app.app_context():
        area = db.session.scalars(select(Area).order_by(Area.position)).first()
        today = ward_today()
        process = Process(slug=SLUG, title="負荷試験の提案募集", area_id=area.id, published=True,
                          phases=[Phase(title="募集と投票", position=0,
                                        starts_on=today - timedelta(days=1),
                                        ends_on=today + timedelta(days=30), proposals_open=True,
                                        supports_open=True, comments_open=True,
                                        ballots_open=True)])
        db.session.add(process)
        db.session.flush()
        db.session.execute(insert(User), [
            {"email": f"load{i}@bench.example.jp", "password_hash": "x",
             "display_name": f"負荷{i}", "email_confirmed_at": utcnow()} for i in range(people)])
        user_ids = db.session.scalars(select(User.id).where(
            User.email.like("load%@bench.example.jp")).order_by(User.id)).all()
        db.session.execute(insert(UserRole), [{"user_id": u, "role": "resident"} for u in user_ids])
        db.session.execute(insert(Residency), [{"user_id": u, "area_id": area.id}
                                               for u in user_ids])
        proposal_ids = []
        for i in range(proposals):
            proposal = Proposal(process_id=process.id, author_id=user_ids[i % len(user_ids)],
                                title=f"公園のベンチ 第{i}号", body="川沿いにベンチを置きたい。",
                                state="published", area_id=area.id)
            db.session.add(proposal)
            db.session.flush()
            reindex(proposal)
            proposal_ids.append(proposal.id)
        budget_id, project_ids = None, []
        try:
            from civic.budgets.models import Budget, BudgetProject
        except ImportError:
            pass
        else:
            budget = Budget(process_id=process.id, title="地域予算（負荷試験）", amount=1_000_000,
                            voting_method="knapsack")
            db.session.add(budget)
            db.session.flush()
            for i in range(12):
                project = BudgetProject(budget_id=budget.id, code=f"p{i}", position=i,
                                        title=f"事業{i}", cost=rng.choice((100_000, 200_000,
                                                                          300_000, 400_000)))
                db.session.add(project)
                db.session.flush()
                project_ids.append(project.id)
            budget_id = budget.id
        db.session.commit()
        cookies = session_cookies(app, user_ids)
    return {"proposals": proposal_ids, "cookies": cookies, "budget": budget_id,
            "projects": project_ids, "process": SLUG}


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.writes = self.errors = self.refused = self.limited = 0
        self.by_kind: dict[str, int] = {}
        self.error_samples: list[str] = []

    def add(self, kind: str, status: int | None, seconds: float, write: bool, detail: str):
        with self.lock:
            self.latencies.append(seconds)
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
            if status is None or status >= 500:
                self.errors += 1
                if len(self.error_samples) < 5:
                    self.error_samples.append(f"{kind} {detail} → {status}")
            elif status == 429:
                self.limited += 1
            elif status in (400, 403, 404, 409, 422):
                self.refused += 1  # an answer the app chose (e.g. over budget): not an error
            elif write:
                self.writes += 1


def run_client(index: int, port: int, world: dict, stats: Stats, max_requests: int,
               deadline: float, seed_: int) -> None:
    rng = random.Random(seed_ + index)
    client = Browser(port, world["cookies"][index])
    # Per person and run, below the per-minute limits (supports 30, comments 10).
    budgets = {"support": 25, "comment": 8, "ballot": 60}
    proposals, projects = world["proposals"], world["projects"]
    mine = rng.sample(proposals, min(len(proposals), 15))  # repeats are deliberate duplicates
    for n in range(max_requests):
        if time.perf_counter() > deadline:
            break
        roll = rng.random()
        if n == 0 or client.csrf is None:
            kind, method, path, form = "browse", "GET", f"/processes/{world['process']}", None
        elif roll < 0.35:
            kind, method, form = "browse", "GET", None
            path = rng.choice([
                "/", f"/processes/{world['process']}",
                f"/processes/{world['process']}/proposals",
                f"/proposals/{rng.choice(proposals)}",
            ] + ([f"/budgets/{world['budget']}"] if world["budget"] else []))
        elif roll < 0.70 and budgets["support"] > 0:
            budgets["support"] -= 1
            kind, method, form = "support", "POST", {}
            path = f"/proposals/{rng.choice(mine)}/support"
        elif roll < 0.90 and world["budget"] and budgets["ballot"] > 0:
            budgets["ballot"] -= 1
            kind, method, form = "ballot", "POST", {"project": rng.choice(projects)}
            path = f"/budgets/{world['budget']}/ballot/" + ("add" if rng.random() < 0.7
                                                            else "remove")
        elif budgets["comment"] > 0:
            budgets["comment"] -= 1
            kind, method = "comment", "POST"
            form = {"comment-body": f"賛成です。{rng.randrange(10**6)}"}
            path = f"/comments/proposal/{rng.choice(proposals)}"
        else:
            kind, method, path, form = "browse", "GET", f"/proposals/{rng.choice(proposals)}", None
        started = time.perf_counter()
        try:
            status, _body = client.request(method, path, form)
        except (http.client.HTTPException, OSError) as error:
            status = None
            path += f" ({error!r})"
        stats.add(kind, status, time.perf_counter() - started, method == "POST", path)


def check_database(env: dict) -> dict:
    from sqlalchemy import text

    from civic import create_app
    from civic.extensions import db

    app = create_app()
    with app.app_context():
        q = lambda sql: db.session.execute(text(sql)).scalar() or 0  # noqa: E731
        duplicates = q("SELECT count(*) FROM (SELECT 1 FROM support GROUP BY proposal_id, user_id "
                       "HAVING count(*) > 1) d")
        miscounted = q("SELECT count(*) FROM proposal p WHERE p.support_count <> "
                       "(SELECT count(*) FROM support s WHERE s.proposal_id = p.id) "
                       "OR p.comment_count <> (SELECT count(*) FROM comment c WHERE "
                       "c.target_type = 'proposal' AND c.target_id = p.id)")
        supports = q("SELECT count(*) FROM support")
        comments = q("SELECT count(*) FROM comment")
        overruns = ballots = 0
        if db.engine.dialect.has_table(db.session.connection(), "ballot"):
            duplicates += q("SELECT count(*) FROM (SELECT 1 FROM ballot WHERE user_id IS NOT NULL "
                            "GROUP BY budget_id, user_id HAVING count(*) > 1) d")
            overruns = q("SELECT count(*) FROM ballot b JOIN budget g ON g.id = b.budget_id "
                         "WHERE (SELECT coalesce(sum(p.cost), 0) FROM ballot_item i JOIN "
                         "budget_project p ON p.id = i.project_id WHERE i.ballot_id = b.id) "
                         "> g.amount OR b.total_cost > g.amount")
            miscounted += q("SELECT count(*) FROM ballot b WHERE b.total_cost <> (SELECT "
                            "coalesce(sum(p.cost), 0) FROM ballot_item i JOIN budget_project p "
                            "ON p.id = i.project_id WHERE i.ballot_id = b.id)")
            ballots = q("SELECT count(*) FROM ballot")
    return {"duplicates": duplicates, "overruns": overruns, "miscounted": miscounted,
            "supports": supports, "comments": comments, "ballots": ballots}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=64, help="concurrent client threads")
    # One worker per core: here the database, Redis and the clients share the cores, and more
    # workers only queued for them (2 cores: 4 workers ~175 requests/s, 2 workers ~200-240).
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (more than 1: gthread workers)")
    parser.add_argument("--requests", type=int, default=120, help="requests per client at most")
    parser.add_argument("--seconds", type=float, default=45, help="time limit of the load phase")
    parser.add_argument("--proposals", type=int, default=200)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with postgres_server() as database_url, redis_server() as redis_url, \
            tempfile.TemporaryDirectory(prefix="civic-load-") as instance:
        env = {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": "load-test",
               "CIVIC_INSTANCE_PATH": instance, "CIVIC_ENV": "development"}
        started = time.perf_counter()
        world = seed(env, args.clients, args.proposals, rng)
        print(f"seeded in {time.perf_counter() - started:.1f}s: demo ward, {args.clients} "
              f"residents, {len(world['proposals'])} proposals", flush=True)
        if world["budget"] is None:
            print("note: the budgets package is not installed; ballots are left out of the mix")
        with gunicorn(env, args.workers, worker_class=args.worker_class,
                      threads=args.threads) as port:
            stats = Stats()
            threads = []
            begin = time.perf_counter()
            deadline = begin + args.seconds
            for index in range(args.clients):
                thread = threading.Thread(target=run_client, daemon=True, args=(
                    index, port, world, stats, args.requests, deadline, args.seed))
                thread.start()
                threads.append(thread)
            for thread in threads:
                thread.join(timeout=args.seconds + 120)
            elapsed = time.perf_counter() - begin
        checks = check_database(env)

    total = len(stats.latencies)
    p95 = statistics.quantiles(stats.latencies, n=20)[-1] * 1000 if total > 1 else 0.0
    print(f"{args.clients} clients, {args.workers} gunicorn {args.worker_class} workers"
          f"{f' × {args.threads} threads' if args.threads > 1 else ''}, "
          f"{elapsed:.1f}s: "
          f"{total} requests ({', '.join(f'{k} {v}' for k, v in sorted(stats.by_kind.items()))})")
    print(f"requests/s {total / elapsed:.0f}, successful writes/s {stats.writes / elapsed:.0f}, "
          f"p50 {statistics.median(stats.latencies) * 1000:.0f} ms, p95 {p95:.0f} ms")
    print(f"errors {stats.errors}, refused by the app (4xx) {stats.refused}, "
          f"rate-limited {stats.limited}")
    for sample in stats.error_samples:
        print("  error:", sample)
    print(f"database: {checks['supports']} supports, {checks['comments']} comments, "
          f"{checks['ballots']} ballots; duplicates {checks['duplicates']}, overruns "
          f"{checks['overruns']}, counters off {checks['miscounted']}")
    print(json.dumps({
        "requests_per_s": round(total / elapsed, 1), "writes_per_s": round(stats.writes / elapsed, 1),
        "p95_ms": round(p95, 1), "errors": stats.errors + checks["miscounted"],
        "duplicates": checks["duplicates"], "overruns": checks["overruns"],
    }))


if __name__ == "__main__":
    main()
