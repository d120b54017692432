"""Translated error pages; an unexpected failure never shows a traceback to a resident."""

import time

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from civic.api import problems
from civic.extensions import db, limiter

MESSAGES = {
    400: (_l("Bad request"),
          _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"), _l("The page you are looking for does not exist or has moved.")),
    405: (_l("Not allowed"), _l("This action cannot be done this way.")),
    413: (_l("Too large"), _l("What you sent is too large. Please send a smaller file or text.")),
    414: (_l("Address too long"),
          _l("The address of this page is too long. If you were searching, please search with "
             "fewer words.")),
    429: (_l("Too many requests"),
          _l("You have tried too often. Please wait a moment and try again.")),
    500: (_l("Something went wrong"),
          _l("An error occurred on our side. Nothing you saved was lost; please try again later.")),
}


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=message,
                           detail=detail), code


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    headers = {}
    if error.code == 429 and (limit := limiter.current_limit) is not None:
        # Only refusals say when to come back: rate-limit headers on every response cost each
        # limited request two more trips to the limit storage (Redis when shared).
        headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time())))
    if problems.wanted():
        return problems.response(error.code, error.name, error.description, headers)
    body, code = render_error(error.code)
    return body, code, headers


def _csrf_error(error: CSRFError):
    return render_error(400, _l("The form had expired. Please send it again."))


def _unexpected(error: InternalServerError):
    # Flask has already logged the traceback. Roll back so nothing half-done is committed later.
    db.session.rollback()
    if problems.wanted():
        return problems.response(500, "Internal Server Error", "The server failed; try again later.")
    return render_error(500)


def init_app(app):
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _unexpected)
