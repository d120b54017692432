"""What the load benchmarks share: gunicorn on loopback, signed-in residents' browsers."""

import contextlib
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')


@contextlib.contextmanager
def gunicorn(env: dict, workers: int, backlog: int = 1024, worker_class: str = "sync",
             threads: int = 1, app: str = "wsgi:app"):
    """Serve ``app`` (``wsgi:app`` unless a benchmark in ``bench/`` names its own) with
    ``workers`` processes on a free loopback port; yields the port.

    ``threads`` > 1 makes gunicorn use gthread workers whatever ``worker_class`` says. On two
    cores shared with PostgreSQL, Redis and the clients, sync workers served bench/load.py's
    mix faster than gthread (4 × 4 threads: ~115 requests/s against ~160): the threads of one
    process contend for its GIL, and keep-alive ties each client to one worker.
    """
    from tests.servers import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class",
         worker_class, "--threads", str(threads), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--backlog", str(backlog),
         "--pythonpath", str(ROOT / "bench"), app],
        cwd=ROOT, env={**os.environ, **env})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("gunicorn did not come up")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def session_cookies(app, user_ids) -> list[str]:
    """Signed session cookies for these users, so clients skip the rate-limited login form."""
    serializer = app.session_interface.get_signing_serializer(app)
    name = app.config["SESSION_COOKIE_NAME"]
    return [f"{name}=" + serializer.dumps({"_user_id": f"{u}:1", "_fresh": True})
            for u in user_ids]


class Browser:
    """One resident's browser: session cookie, keep-alive connection, the page's CSRF token.

    It does not follow redirects. After a form is posted a real browser loads the page it is
    sent to, which shows and drops the one-time messages ("thank you", a ballot receipt) that
    the app put into the session; so a redirected POST leaves the session as it was before,
    the state the browser would reach, instead of piling messages into the cookie.
    """

    def __init__(self, port: int, cookie: str):
        self.port, self.cookie, self.csrf = port, cookie, None
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes]:
        """Send a request (a form gets the CSRF token added); returns status and body."""
        headers = {"Accept-Language": "ja", "User-Agent": "civic-bench"}
        if self.cookie:  # "" for someone not signed in
            headers["Cookie"] = self.cookie
        body = None
        if form is not None:
            body = urlencode({**form, "csrf_token": self.csrf or ""})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        if not (method == "POST" and response.status in (301, 302, 303)):
            name = self.cookie.split("=")[0] + "="
            for header, value in response.getheaders():
                if header.lower() == "set-cookie" and value.startswith(name):
                    self.cookie = value.split(";", 1)[0]
        if self.csrf is None and (match := CSRF.search(data)):
            self.csrf = match.group(1).decode()
        return response.status, data

    def fetch_csrf(self, path: str) -> None:
        self.request("GET", path)
        if self.csrf is None:
            raise RuntimeError(f"no CSRF token on {path}")


def drive(clients: list[Browser], make, seconds: float, limit: int | None = None,
          ok: tuple[int, ...] = (200, 302)) -> dict:
    """Run every client in its own thread until time or the request budget runs out.

    ``make(index, n, client)`` gives the client's n-th request as (method, path, form). Returns
    the count, p50/p95 in ms, requests/s, the statuses, how many were not in ``ok`` (a failed
    connection counts as status 0) and the clients' own CPU per request in ms.
    """
    lock = threading.Lock()
    budget = [limit]
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def take() -> bool:
        if budget[0] is None:
            return True
        with lock:
            budget[0] -= 1
            return budget[0] >= 0

    def run(index: int, client: Browser, deadline: float):
        mine, seen, n = [], {}, 0
        while time.perf_counter() < deadline and take():
            method, path, form = make(index, n, client)
            n += 1
            started = time.perf_counter()
            try:
                status, _data = client.request(method, path, form)
            except (http.client.HTTPException, OSError):
                status = 0
            mine.append(time.perf_counter() - started)
            seen[status] = seen.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for status, count in seen.items():
                statuses[status] = statuses.get(status, 0) + count

    started, cpu = time.perf_counter(), time.process_time()
    deadline = started + seconds
    threads = [threading.Thread(target=run, args=(i, c, deadline)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"n": len(latencies), "statuses": statuses,
            "errors": sum(count for status, count in statuses.items() if status not in ok),
            "p50": statistics.median(latencies) * 1000 if latencies else 0.0,
            "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else 0.0,
            "rps": len(latencies) / elapsed if elapsed else 0.0,
            "client_cpu_ms": (time.process_time() - cpu) * 1000 / max(len(latencies), 1)}
