"""What a signed-in write costs on this stack before any domain work: the ceiling of bench/load.py.

The same machine set-up as bench/load.py (PostgreSQL, Redis, gunicorn with one worker per core,
64 clients on loopback, the same residents' session cookies), serving the real app with three
extra routes added here, never in the app itself. After the bare route, each step adds one
layer a real write needs:

    anonymous   GET /healthz without a session: the app's route with nearly no work
    signed_in   POST, signed in (session cookie, the person's row, CSRF token) → 303
    limited     + a per-person rate limit kept in Redis and a one-time message in the session
    write       + one INSERT into PostgreSQL and its COMMIT

Every layer the app runs for each request (language, headers, the pooled connection) runs here
too. No write in bench/load.py can cost less than ``write``, and its pages cost more; so
``write_rps`` × the share of successful writes in load.py's mix (load.py prints both figures)
bounds the writes/s load.py can reach on this machine.
Last line: one JSON object with the requests/s and p95 of each step.
"""

import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _serving import Browser, drive, gunicorn  # noqa: E402

STEPS = {
    "anonymous": ("GET", "/healthz"),
    "signed_in": ("POST", "/floor/signed-in"),
    "limited": ("POST", "/floor/limited"),
    "write": ("POST", "/floor/write"),
}


def floor_app():
    """The app with the floor routes; gunicorn calls this (``write_floor:floor_app()``)."""
    from flask import flash, redirect
    from flask_login import current_user, login_required
    from sqlalchemy import text

    from civic import create_app
    from civic.extensions import db, limiter, person_or_address

    app = create_app()

    @app.post("/floor/signed-in")
    @login_required
    def signed_in():
        return redirect("/", 303)

    @app.post("/floor/limited")
    @login_required
    @limiter.limit("100000 per hour", key_func=person_or_address)
    def limited():
        flash("ok", "success")
        return redirect("/", 303)

    @app.post("/floor/write")
    @login_required
    @limiter.limit("100000 per hour", key_func=person_or_address)
    def write():
        db.session.execute(text("INSERT INTO bench_floor (user_id) VALUES (:user)"),
                           {"user": current_user.id})
        db.session.commit()
        flash("ok", "success")
        return redirect("/", 303)

    return app


def browsers(port: int, world: dict, clients: int, signed_in: bool) -> list[Browser]:
    """The residents' browsers, holding their CSRF tokens before the clock starts; or, for the
    anonymous step, browsers without a session."""
    found = [Browser(port, world["cookies"][i] if signed_in else "") for i in range(clients)]
    for browser in found if signed_in else ():
        browser.fetch_csrf(f"/processes/{world['process']}")
    return found


def main() -> None:
    import load
    from sqlalchemy import create_engine, text

    from tests.servers import postgres_server, redis_server

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seconds", type=float, default=15, help="length of each step")
    args = parser.parse_args()

    with postgres_server() as database_url, redis_server() as redis_url, \
            tempfile.TemporaryDirectory(prefix="civic-floor-") as instance:
        env = {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": "load-test",
               "CIVIC_INSTANCE_PATH": instance, "CIVIC_ENV": "development"}
        world = load.seed(env, args.clients, 20, random.Random(8))
        engine = create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE bench_floor (id serial PRIMARY KEY, "
                                    "user_id integer NOT NULL)"))
        results = {}
        with gunicorn(env, args.workers, app="write_floor:floor_app()") as port:
            for step, (method, path) in STEPS.items():
                signed_in = method == "POST"
                results[step] = figures = drive(
                    browsers(port, world, args.clients, signed_in),
                    lambda _i, _n, _c, m=method, p=path: (m, p, {} if m == "POST" else None),
                    args.seconds, ok=(303,) if signed_in else (200,))
                print(f"{step:10s} {figures['rps']:6.0f} requests/s  p95 "
                      f"{figures['p95']:5.1f} ms  client CPU {figures['client_cpu_ms']:.2f} "
                      f"ms/request  statuses {figures['statuses']}", flush=True)
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT count(*) FROM bench_floor")).scalar()
        engine.dispose()

    errors = sum(figures["errors"] for figures in results.values())
    written = results["write"]["statuses"].get(303, 0)
    print(f"{args.clients} clients, {args.workers} gunicorn sync workers; {rows} rows for "
          f"{written} answered writes; {errors} unexpected answers")
    print(json.dumps({
        **{f"{step}_rps": round(figures["rps"], 1) for step, figures in results.items()},
        **{f"{step}_p95_ms": round(figures["p95"], 1) for step, figures in results.items()},
        "errors": errors + abs(rows - written),
    }))


if __name__ == "__main__":
    main()
