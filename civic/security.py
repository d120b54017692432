"""Response headers every page gets: a nonce-based Content-Security-Policy and friends."""

import secrets

from flask import abort, current_app, g, request

# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value) -> str:
    """A value for a CSV export that spreadsheet programs show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.lstrip(" ").startswith(FORMULA_START) else text


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _headers(response):
    nonce = csp_nonce()
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        f"style-src 'self' 'nonce-{nonce}'; "
        "img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _refuse_nul() -> None:
    """NUL bytes are never text a person typed, and PostgreSQL refuses them in text columns:
    answer 400 at the door instead of failing half-way through saving."""
    for values in (request.args, request.form):
        if any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
            abort(400)


def _refuse_long_addresses() -> None:
    """No page of ours has an address this long: a translated 414 (with the way back) before
    anything reads the query, rather than a server's bare one a little later."""
    if len(request.full_path) > current_app.config["CIVIC_MAX_URL_LENGTH"]:
        abort(414)


def init_app(app):
    app.before_request(_refuse_long_addresses)
    app.before_request(_refuse_nul)
    if app.config.get("CIVIC_PROXY_FIX"):
        # Behind one trusted proxy (nginx): take the client address and scheme from it, so
        # per-address limits see people, not the proxy, and HTTPS requests get HSTS.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.after_request(_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
