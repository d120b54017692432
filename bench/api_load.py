"""The public API under load: 20 anonymous programs reading /api/v1/proposals on 10,000 proposals.

Seeds the data set of bench/web_load.py (10,000 proposals, 200,000 supports, one proposal with
2,000 comments) into a temporary SQLite database, or a throw-away PostgreSQL with
``--db postgresql``; serves the app with gunicorn on a free loopback port; then drives
``--clients`` concurrent clients without a session, for at most ``--seconds`` or ``--requests``
per page, and prints p50/p95 latency and requests/s for:

    hello   GET /healthz (the same app, nearly no work: the ceiling of this setup)
    list    GET /api/v1/proposals list pages (limit 20 and 100, following real cursors)
    single  GET /api/v1/proposals/<id>, spread at random over all 10,000 (mostly not cached yet)
    api     list pages and single proposals alternately: the figures of the last line

Answers come from the generation cache (civic.caching) once asked: before measuring, the
clients walk the list pages (as a program that syncs has); a single proposal asked for the
first time is read from the database, as most of the random ones here are. The API's
per-address rate limit, meant for programs on the internet, is raised through
CIVIC_API_RATE_LIMIT (every client here shares 127.0.0.1) and counted in Redis, as in
production with several workers (REDIS_URL). Last line: one JSON object with
p95_ms (api), ratio_vs_hello (api req/s over hello req/s) and errors (answers other than 200,
every page).
"""

import argparse
import contextlib
import json
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _serving import Browser, drive, gunicorn  # noqa: E402
from web_load import load, seed  # noqa: E402

from tests.servers import postgres_server, redis_server  # noqa: E402

PAGES = ("hello", "list", "single", "api")


def cursors(port: int, limit: int, pages: int) -> list[str]:
    """The list paths of the first ``pages`` pages, walked as a client would."""
    browser, paths, cursor = Browser(port, ""), [], None
    for _ in range(pages):
        path = f"/api/v1/proposals?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        status, body = browser.request("GET", path)
        if status != 200:
            raise RuntimeError(f"{path}: {status}")
        paths.append(path)
        if (cursor := json.loads(body)["next_cursor"]) is None:
            break
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0, help="at most, per page")
    parser.add_argument("--requests", type=int, default=4000, help="at most, per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (processes)")
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--supports", type=int, default=200_000)
    parser.add_argument("--comments", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--memory-limits", action="store_true",
                        help="count rate limits in each worker's memory (the development "
                             "default) instead of Redis; its expiry timer threads cost the "
                             "limited API far more than the unlimited /healthz")
    args = parser.parse_args()

    from civic import create_app

    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="civic-api-load-")))
        url = (stack.enter_context(postgres_server()) if args.db == "postgresql"
               else f"sqlite:///{tmp / 'civic.db'}")
        secret = os.urandom(24).hex()
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret}, instance_path=str(tmp))
        data = seed(app, random.Random(args.seed), args.proposals, args.supports, args.comments,
                    residents=1)
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
        proposals, supports, comments = data["counts"]
        print(f"seeded {proposals:,} proposals, {supports:,} supports, {comments:,} comments on "
              f"one proposal into {args.db} in {data['seconds']:.1f} s")
        env = {"DATABASE_URL": url, "SECRET_KEY": secret, "CIVIC_INSTANCE_PATH": str(tmp),
               "CIVIC_API_RATE_LIMIT": "1000000 per minute"}
        if not args.memory_limits:
            # As in production with several workers: the limits are counted in Redis, shared.
            env["REDIS_URL"] = stack.enter_context(redis_server())
        port = stack.enter_context(gunicorn(env, args.workers))
        lists = cursors(port, 20, 25) + cursors(port, 100, 25)
        ids = [*data["proposals"], data["big"]]
        rng = random.Random(args.seed)
        singles = [f"/api/v1/proposals/{rng.choice(ids)}" for _ in range(args.requests * 2)]
        makers = {
            "hello": lambda i, n, c: ("GET", "/healthz", None),
            "list": lambda i, n, c: ("GET", lists[(i * 7 + n) % len(lists)], None),
            "single": lambda i, n, c: ("GET", singles[-1 - (i * 997 + n) % len(singles)], None),
            "api": lambda i, n, c: ("GET", lists[(i * 7 + n) % len(lists)] if n % 2
                                    else singles[(i * 997 + n) % len(singles)], None),
        }
        clients = [Browser(port, "") for _ in range(args.clients)]
        print(f"gunicorn: {args.workers} workers on 127.0.0.1:{port}; {len(clients)} anonymous "
              f"clients, {len(lists)} list pages, single proposals over {len(ids):,} ids; at most "
              f"{args.seconds:g} s or {args.requests} requests per page; "
              f"load average before: {load()}")
        results = {}
        # Warm-up, not counted: programs that sync have walked the list before (each worker
        # keeps its own cache, so twice the pages); single proposals stay as they come.
        drive(clients, makers["list"], 30.0, len(lists) * 4, ok=(200,))
        for page in PAGES:
            drive(clients, makers[page], 1.0, len(clients) * 3, ok=(200,))
            results[page] = r = drive(clients, makers[page], args.seconds, args.requests,
                                      ok=(200,))
            print(f"{page:>7}: {r['n']:5d} requests, p50 {r['p50']:6.1f} ms, p95 {r['p95']:6.1f} "
                  f"ms, {r['rps']:7.1f} req/s, statuses {r['statuses']}, errors {r['errors']}, "
                  f"client CPU {r['client_cpu_ms']:.2f} ms/request")
        print(f"load average after: {load()}")
    api, hello = results["api"], results["hello"]
    figures = {"p95_ms": round(api["p95"], 1),
               "ratio_vs_hello": round(api["rps"] / hello["rps"], 3),
               "errors": sum(r["errors"] for r in results.values())}
    for page, r in results.items():
        figures[f"p95_{page}_ms"] = round(r["p95"], 1)
        figures[f"rps_{page}"] = round(r["rps"], 1)
    figures.update(clients=args.clients, db=args.db)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
