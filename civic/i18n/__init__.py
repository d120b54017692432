"""Which language a page is shown in, and the switcher that changes it.

Order: the signed-in user's setting › ``?lang=`` › the ``lang`` cookie › Accept-Language › ``ja``.
"""

from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, has_request_context, redirect, request
from flask_babel import get_locale
from flask_login import current_user

from civic.extensions import babel, db

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600

bp = Blueprint("i18n", __name__)


def languages() -> dict[str, str]:
    return current_app.config["CIVIC_LANGUAGES"]


def select_locale() -> str:
    offered = languages()
    if not has_request_context():  # CLI commands and background jobs speak the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in offered:
        return current_user.locale
    asked = request.args.get("lang")
    if asked in offered:
        g.remember_lang = asked
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in offered:
        return cookie
    return request.accept_languages.best_match(list(offered)) or "ja"


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only same-site paths may be redirected to (no open redirects)."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.post("/language")
def switch():
    lang = request.form.get("lang")
    response = redirect(safe_next(request.form.get("next")))
    if lang in languages():
        response.set_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_MAX_AGE, samesite="Lax",
                            httponly=True, secure=request.is_secure)
        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
            db.session.commit()
    return response


def _remember_query_language(response):
    lang = g.get("remember_lang")
    if lang and request.cookies.get(LANG_COOKIE) != lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_MAX_AGE, samesite="Lax",
                            httponly=True, secure=request.is_secure)
    return response


def _template_context():
    locale = get_locale()
    return {
        "languages": languages(),
        "current_lang": str(locale) if locale else "ja",
        "html_lang": str(locale).replace("_", "-") if locale else "ja",
        "url_for_here": request.full_path.rstrip("?") if request else "/",
    }


def init_app(app):
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(Path(app.root_path).parent / "translations")
    )
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.after_request(_remember_query_language)
    app.context_processor(_template_context)
