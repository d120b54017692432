"""Page weight of the resident pages: what a phone downloads on a first view, gzip on the wire.

Serves the demo ward (a temporary SQLite database, migrated, ``demo load``) with werkzeug on a
free loopback port, signs in as the verified demo resident, and fetches each resident page with
its stylesheets and scripts (``Accept-Encoding: gzip``, nothing cached). Counts the bytes of the
response bodies as transferred (headers left out). Goal: ≤ 60 kB per page, JavaScript ≤ 20 kB.

Prints one line per page; the last line is one JSON object: ``<page>_bytes`` for every resident
page and ``js_bytes``, the largest JavaScript total on any of them.
"""

import gzip
import json
import logging
import re
import tempfile
import threading
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from flask_migrate import upgrade
from werkzeug.serving import make_server

from civic import create_app
from civic.extensions import db
from civic.timeutil import ward_today

PAGE_GOAL = 60_000
JS_GOAL = 20_000
DEMO_RESIDENT = ("resident@example.jp", "demo-password")

ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def demo_app(folder: str):
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False}, instance_path=folder)
    with app.app_context():
        upgrade()
        from civic.demo import ward

        ward.load(ward_today())
    return app


def resident_pages(app) -> tuple[dict[str, str], list[str]]:
    """Path of each resident page of the demo ward; notes for the pages that do not exist yet."""
    pages, notes = {"home": "/"}, []
    with app.app_context():
        from civic.spaces.models import Process

        processes = db.session.scalars(db.select(Process).order_by(Process.id)).all()
        pages["process"] = f"/processes/{processes[0].slug}"
        if "proposals.index" in app.view_functions:
            from civic.proposals.models import Proposal

            proposal = db.session.scalars(db.select(Proposal).order_by(Proposal.id)).first()
            pages["proposal_list"] = f"/processes/{proposal.process.slug}/proposals"
            pages["proposal"] = f"/proposals/{proposal.id}"
        else:
            notes.append("proposal list and page: skipped, there are no proposals yet")
        if "budgets.show" in app.view_functions:
            from civic.budgets.models import Budget

            pages["ballot"] = f"/budgets/{db.session.scalars(db.select(Budget)).first().id}"
        else:
            notes.append("ballot: skipped, there are no budgets yet")
        if "cafe.table" in app.view_functions:
            from civic.cafe.models import Cafe

            pages["cafe_table"] = f"/cafe/{db.session.scalars(db.select(Cafe)).first().join_code}"
        else:
            notes.append("café table: skipped, there is no world café yet")
    return pages, notes


class Browser:
    """Cookies kept, nothing cached: each page is a first view."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[bytes, str, str]:
        """(bytes on the wire, decoded text, final path)."""
        request = urllib.request.Request(self.base + path, headers={"Accept-Encoding": "gzip"})
        with self.opener.open(request) as response:
            raw = response.read()
            encoding = response.headers.get("Content-Encoding")
            final = urllib.parse.urlsplit(response.geturl()).path
        text = gzip.decompress(raw) if encoding == "gzip" else raw
        return raw, text.decode("utf-8", "replace"), final

    def post_form(self, path: str, fields: dict) -> str:
        _raw, page, _final = self.get(path)
        data = urllib.parse.urlencode({"csrf_token": CSRF.search(page).group(1), **fields}).encode()
        with self.opener.open(urllib.request.Request(self.base + path, data=data)) as response:
            return urllib.parse.urlsplit(response.geturl()).path


def weigh(browser: Browser, path: str) -> dict[str, int]:
    raw, page, _final = browser.get(path)
    sizes = {"html": len(raw), "css": 0, "js": 0}
    for asset in dict.fromkeys(ASSET.findall(page)):
        if asset.startswith(("http:", "https:", "//")):
            continue
        kind = "js" if asset.split("?")[0].endswith(".js") else "css"
        sizes[kind] += len(browser.get(asset)[0])
    return sizes


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        app = demo_app(folder)
        pages, notes = resident_pages(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            browser = Browser(f"http://127.0.0.1:{server.server_port}")
            email, password = DEMO_RESIDENT
            browser.post_form("/login", {"email": email, "password": password})
            if "cafe_table" in pages:  # the table page is where a resident lands after joining
                pages["cafe_table"] = browser.post_form(pages["cafe_table"], {"as_user": "1"})
            result, largest_js = {}, 0
            for name, path in pages.items():
                sizes = weigh(browser, path)
                total = sum(sizes.values())
                largest_js = max(largest_js, sizes["js"])
                result[f"{name}_bytes"] = total
                verdict = "ok" if total <= PAGE_GOAL and sizes["js"] <= JS_GOAL else "OVER GOAL"
                print(f"{name:<14} {path:<32} html {sizes['html']:>6}  css {sizes['css']:>6}  "
                      f"js {sizes['js']:>6}  total {total:>6} bytes  {verdict}")
            for note in notes:
                print(note)
            result["js_bytes"] = largest_js
        finally:
            server.shutdown()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
