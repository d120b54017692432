"""Response headers every page gets (a nonce-based Content-Security-Policy and friends), and the
public address every absolute link is built on."""

import secrets

from flask import Flask, Response, abort, current_app, g, request
from flask_babel import gettext as _
from werkzeug.exceptions import SecurityError

# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


class PublicAddressFlask(Flask):
    """Flask whose absolute links (``url_for(..., _external=True)``) use ``CIVIC_BASE_URL``.

    A password-reset link built from the request's Host would go wherever an attacker's request
    said. ``config.load`` turns the base URL into ``SERVER_NAME``, which Flask already uses for
    the host of external links; the scheme still came from the request, so it is set here too.
    """

    def create_url_adapter(self, request):
        adapter = super().create_url_adapter(request)
        if request is not None and adapter is not None and self.config.get("CIVIC_BASE_URL"):
            adapter.url_scheme = self.config["PREFERRED_URL_SCHEME"]
        return adapter


def csv_cell(value) -> str:
    """A value for a CSV export that spreadsheet programs show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.lstrip(" ").startswith(FORMULA_START) else text


def no_store(view):
    """Mark a view whose pages hold one person's data (their account, notifications, codes to
    hand out, staff lists of people): no browser or proxy keeps a copy, so the back button on a
    shared computer or a caching proxy cannot show it to the next person."""
    view.civic_no_store = True
    return view


def _cache_control(response) -> None:
    # Downloads (CSV exports, my data) count as personal whether or not their view is marked.
    download = response.headers.get("Content-Disposition", "").startswith("attachment")
    view = current_app.view_functions.get(request.endpoint)
    if download or getattr(view, "civic_no_store", False):
        response.headers.setdefault("Cache-Control", "no-store")


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _headers(response):
    _cache_control(response)
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
    """NUL bytes are never text a person typed, and PostgreSQL refuses them in text columns and
    query parameters: answer 400 at the door instead of failing half-way through saving, or on
    a slug from the path."""
    if "\x00" in request.path:
        abort(400)
    for values in (request.args, request.form):
        if any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
            abort(400)


def _refuse_long_addresses() -> None:
    """No page of ours has an address this long: a translated 414 (with the way back) before
    anything reads the query, rather than a server's bare one a little later."""
    if len(request.full_path) > current_app.config["CIVIC_MAX_URL_LENGTH"]:
        abort(414)


def _untrusted_host(error: SecurityError):
    """A Host header outside TRUSTED_HOSTS. No URLs can be built for such a request, so the
    page is plain text rather than the layout with its links."""
    return Response(_("This address is not served here. Please use the site's own address."),
                    400, mimetype="text/plain")


def init_app(app):
    app.before_request(_refuse_long_addresses)
    app.register_error_handler(SecurityError, _untrusted_host)
    app.before_request(_refuse_nul)
    if app.config.get("CIVIC_PROXY_FIX"):
        # Behind one trusted proxy (nginx): take the client address and scheme from it, so
        # per-address limits see people, not the proxy, and HTTPS requests get HSTS. Never the
        # host (X-Forwarded-Host): links are built on CIVIC_BASE_URL, and the Host header
        # itself is checked against TRUSTED_HOSTS.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=0)
    app.after_request(_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
