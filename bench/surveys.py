"""Survey results and exports at scale: 20 questions, 10,000 answers, on SQLite and PostgreSQL.

For each database: seeds one survey of 20 questions (every kind) with ``--answers`` answers
(bulk inserts), serves the app with gunicorn on loopback, and drives ``--clients`` concurrent
visitors against

    hello    GET /healthz (the same app, nearly no work: the ceiling of this setup)
    results  GET the survey's public results page (20 charts)

then exports every raw answer as CSV through the app (a staff member's streamed download, read
chunk by chunk as a browser would), timing it and measuring the growth of the exporting
process's peak RSS (``/proc/self/clear_refs`` resets the high-water mark first).

Last line: one JSON object; the top-level figures are SQLite's, ``sqlite`` and ``postgresql``
hold each database's.
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

from tests.servers import postgres_server  # noqa: E402

KINDS = ["single", "multiple", "dropdown", "scale", "matrix", "ranking", "number", "date",
         "short", "long"]


def seed(app, answers: int, rng: random.Random) -> dict:
    from flask_migrate import upgrade

    from civic.accounts.models import User
    from civic.extensions import db
    from civic.surveys import demo
    from civic.surveys.models import Survey, SurveyQuestion
    from civic.timeutil import ward_today

    with app.app_context():
        upgrade()
        started = time.perf_counter()
        staff = User(email="bench-staff@example.jp", display_name="職員", locale="ja")
        staff.set_password("bench-password-not-used")
        staff.grant("staff")
        db.session.add(staff)
        today = ward_today()
        survey = Survey(title="区民意識調査（負荷試験）", state="open", results_public=True,
                        anonymous=True, opens_on=today - timedelta(days=10))
        db.session.add(survey)
        db.session.flush()
        for n in range(20):
            kind = KINDS[n % len(KINDS)]
            q = SurveyQuestion(survey_id=survey.id, position=n, kind=kind,
                               label=f"質問{n + 1}：さくら区の{kind}についてうかがいます",
                               required=kind in ("single", "scale"))
            if kind in ("single", "multiple", "dropdown", "ranking"):
                q.options = [f"選択肢{i + 1}" for i in range(6)]
                q.has_other = kind == "multiple"
            if kind == "multiple":
                q.high = 3
            if kind in ("scale", "matrix"):
                q.low, q.high = (0, 10) if n % 2 else (1, 5)
            if kind == "matrix":
                q.rows = ["公園", "防災", "子育て", "交通", "ごみ"]
            if kind == "number":
                q.low, q.high = 0, 100
            db.session.add(q)
        db.session.commit()
        db.session.refresh(survey)
        demo.add_answers(survey, answers, rng, today)
        seconds = time.perf_counter() - started
        return {"survey": survey.id, "staff": staff.id, "answers": survey.answer_count,
                "seconds": seconds}


def _rss_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def export(app, data: dict) -> dict:
    """The raw answers' CSV through the app, read chunk by chunk; time and peak RSS growth."""
    from civic.accounts.models import User
    from civic.extensions import db

    with app.app_context():
        version = db.session.get(User, data["staff"]).session_version
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{data['staff']}:{version}"
        session["_fresh"] = True
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset the peak RSS to the current RSS
    except OSError:
        pass
    before = _rss_kb("VmRSS")
    started = time.perf_counter()
    response = client.get(f"/staff/surveys/{data['survey']}/answers.csv", buffered=False)
    size, lines = 0, 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
    response.close()
    seconds = time.perf_counter() - started
    peak = _rss_kb("VmHWM")
    return {"status": response.status_code, "streamed": response.is_streamed,
            "seconds": seconds, "bytes": size, "lines": lines,
            "rss_growth_mb": max(peak - before, 0) / 1024}


def run(database: str, args) -> dict:
    from civic import create_app

    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="civic-surveys-")))
        url = (stack.enter_context(postgres_server()) if database == "postgresql"
               else f"sqlite:///{tmp / 'civic.db'}")
        secret = os.urandom(24).hex()
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret}, instance_path=str(tmp))
        data = seed(app, args.answers, random.Random(args.seed))
        print(f"[{database}] seeded {data['answers']:,} answers to 20 questions in "
              f"{data['seconds']:.1f} s")
        env = {"DATABASE_URL": url, "SECRET_KEY": secret, "CIVIC_INSTANCE_PATH": str(tmp)}
        port = stack.enter_context(gunicorn(env, args.workers))
        clients = [Browser(port, "") for _ in range(args.clients)]
        pages = {"hello": "/healthz", "results": f"/surveys/{data['survey']}/results"}
        results = {}
        for name, path in pages.items():
            def make(_i, _n, _client, path=path):
                return "GET", path, None

            drive(clients, make, 1.0, len(clients) * 3)  # warm-up, not counted
            results[name] = drive(clients, make, args.seconds, args.requests)
            r = results[name]
            print(f"[{database}] {name:>8}: {r['n']:5d} requests, p50 {r['p50']:6.1f} ms, "
                  f"p95 {r['p95']:6.1f} ms, {r['rps']:7.1f} req/s, errors {r['errors']}")
        exported = export(app, data)
        print(f"[{database}]   export: {exported['lines'] - 1:,} rows, "
              f"{exported['bytes'] / 1e6:.1f} MB in {exported['seconds']:.2f} s, streamed "
              f"{exported['streamed']}, peak RSS growth {exported['rss_growth_mb']:.1f} MB")
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
    return {
        "answers": data["answers"],
        "results_p95_ms": round(results["results"]["p95"], 1),
        "hello_p95_ms": round(results["hello"]["p95"], 1),
        "results_rps": round(results["results"]["rps"], 1),
        "hello_rps": round(results["hello"]["rps"], 1),
        "results_ratio_vs_hello": round(results["results"]["rps"] / results["hello"]["rps"], 3),
        "errors": results["results"]["errors"] + results["hello"]["errors"],
        "export_s": round(exported["seconds"], 2),
        "export_peak_rss_mb": round(exported["rss_growth_mb"], 1),
        "export_rows": exported["lines"] - 1,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0, help="at most, per page")
    parser.add_argument("--requests", type=int, default=3000, help="at most, per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (processes)")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    databases = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    figures = {database: run(database, args) for database in databases}
    top = dict(figures[databases[0]])
    print(json.dumps({**top, **figures}))


if __name__ == "__main__":
    main()
