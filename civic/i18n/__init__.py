"""Which language a page is shown in, the switcher that changes it, and locale-aware formatting.

Order: the signed-in user's setting › ``?lang=`` › the ``lang`` cookie › Accept-Language › ``ja``.

A *UI language* (``CIVIC_LANGUAGES``: ja, ja_easy, en, zh_Hans, ko, vi) is not always a Babel
locale: やさしい日本語 (``ja_easy``) has a catalog of its own under ``translations/ja_easy/`` but
formats dates and numbers, and declares ``<html lang>``, as plain Japanese. ``CIVIC_LANGUAGE_LOCALES``
maps such codes to the Babel locale; Flask-Babel's ``get_locale()`` therefore always returns a real
locale, and :class:`UILanguageDomain` picks the catalog by UI language instead.
"""

from pathlib import Path
from urllib.parse import urlsplit

from babel import Locale, support
from babel.numbers import format_currency
from flask import Blueprint, abort, current_app, g, has_request_context, redirect, request
from flask_babel import Domain, format_date, format_time, get_babel, get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from civic.extensions import babel, db
from civic.i18n import content
from civic.i18n.furigana import add_furigana

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600
FURIGANA_COOKIE = "furigana"

bp = Blueprint("i18n", __name__)


def languages() -> dict[str, str]:
    return current_app.config["CIVIC_LANGUAGES"]


def babel_locale_for(code: str) -> str:
    """The Babel locale that formats dates and numbers for a UI language (``ja_easy`` → ``ja``)."""
    return current_app.config["CIVIC_LANGUAGE_LOCALES"].get(code, code)


def html_lang_for(code: str) -> str:
    """BCP 47 tag for ``lang`` attributes: ``zh_Hans`` → ``zh-Hans``, ``ja_easy`` → ``ja``."""
    return babel_locale_for(code).replace("_", "-")


def _accept_language_choice(offered: dict[str, str]) -> str | None:
    """The first Accept-Language entry (by quality) that an offered language serves.

    Browsers send region tags (zh-CN, ko-KR, vi-VN): an entry matches on its full tag, then on
    its primary subtag. ``ja_easy`` is chosen by people, never negotiated: it shares ``ja``'s tag.
    """
    by_tag: dict[str, str] = {}
    for code in offered:
        by_tag.setdefault(html_lang_for(code).lower(), code)
    if "zh-hans" in by_tag:
        for alias in ("zh-cn", "zh-sg", "zh-my", "zh"):
            by_tag.setdefault(alias, by_tag["zh-hans"])
    for value, _quality in request.accept_languages:
        tag = value.lower().replace("_", "-")
        if tag in by_tag:
            return by_tag[tag]
        if tag.split("-", 1)[0] in by_tag:
            return by_tag[tag.split("-", 1)[0]]
    return None


def _select_ui_language() -> str:
    offered = languages()
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():  # CLI commands and background jobs speak the default
        return default
    if current_user and current_user.is_authenticated and current_user.locale in offered:
        return current_user.locale
    asked = request.args.get("lang")
    if asked in offered:
        g.remember_lang = asked
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in offered:
        return cookie
    return _accept_language_choice(offered) or default


def ui_language() -> str:
    """The UI language of this request (a key of ``CIVIC_LANGUAGES``)."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if "ui_language" not in g:
        g.ui_language = _select_ui_language()
    return g.ui_language


def forget_language() -> None:
    """The person changed their language setting: the rest of the request speaks the new one."""
    g.pop("ui_language", None)
    refresh()


def select_locale() -> str:
    """Flask-Babel's locale selector: the Babel locale behind the UI language."""
    return babel_locale_for(ui_language())


def is_japanese_page() -> bool:
    return babel_locale_for(ui_language()) == "ja"


class UILanguageDomain(Domain):
    """Loads the catalog of the UI language, which may differ from the Babel locale.

    ``translations/ja_easy/`` is tried first for easy Japanese, with the ``ja`` catalog as its
    fallback, so a string not yet rewritten in easy Japanese still shows in Japanese.
    """

    def get_translations(self):
        if not has_request_context():
            return super().get_translations()
        code = ui_language()
        key = (code, self.domain[0])
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        translations = self._load(code)
        fallback = babel_locale_for(code)
        if fallback != code:
            translations.add_fallback(self._load(fallback))
        self.cache[key] = translations
        return translations

    def _load(self, code: str):
        translations = support.Translations()
        for dirname in self.translation_directories:
            translations.merge(support.Translations.load(dirname, [code], self.domain[0]))
        return translations


def content_language_name(code: str) -> str:
    """A content language's name in the reader's language (Babel's names, not hand-written)."""
    if code == "other":
        return _("Other language")
    return Locale.parse(code).get_display_name(str(get_locale() or "ja"))


def content_lang(code: str | None) -> Markup:
    """` lang="…"` for the element that holds user text in ``code`` (nothing for ``other``)."""
    tag = content.lang_tag(code)
    return Markup(' lang="%s"') % tag if tag else Markup("")


def written_in(code: str | None) -> str:
    """The "Written in English" note for content not in the reader's language, else ``""``."""
    if not content.differs(code, ui_language()):
        return ""
    if code == "other":
        return _("Written in another language")
    return _("Written in %(language)s", language=content_language_name(code))


def yen(amount) -> str:
    """An amount of yen for the page's locale: 1,234,567円 in Japanese, ¥1,234,567 in English."""
    locale = get_locale() or "ja"
    if str(locale) == "ja":
        return format_currency(amount, "JPY", locale="ja", format="#,##0円")
    return format_currency(amount, "JPY", locale=locale)


def format_day(value) -> str:
    """A date as every page writes it: Babel's medium date for the locale (4-digit year)."""
    return format_date(value, "medium")


def format_moment(value) -> str:
    """A date and time as every page writes it: the medium date and the short time, joined as
    the locale joins them (2026/12/02 23:26, Dec 2, 2026, 11:26 PM); the ward's time zone."""
    glue = (get_locale() or Locale.parse("ja")).datetime_formats["medium"]
    return glue.replace("{1}", format_day(value)).replace("{0}", format_time(value, "short"))


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only same-site paths may be redirected to (no open redirects).

    A control character is never in a link one of our pages made, and a line break would end
    the Location header (werkzeug refuses it with a 500): such a target is a bad request.
    Browsers read a backslash as a slash (``/\\evil.example`` is ``//evil.example``), so a
    target holding one goes to the fallback.
    """
    if not target or "\\" in target:
        return fallback
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        abort(400)
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


def furigana_on() -> bool:
    """Whether this person asked for ふりがな (their setting, or the cookie for guests)."""
    if "furigana_on" not in g:
        if current_user and current_user.is_authenticated:
            g.furigana_on = bool(current_user.furigana)
        else:
            g.furigana_on = request.cookies.get(FURIGANA_COOKIE) == "1"
    return g.furigana_on


_IMPERSONAL: set[str] = set()


def impersonal(blueprint) -> None:
    """Mark a blueprint whose answers are the same for everyone and never written in the
    reader's language (the public API): ``_read_person_settings`` leaves its requests alone."""
    _IMPERSONAL.add(blueprint.name)


def _read_person_settings() -> None:
    """Read the language and ふりがな choices while the person's row is fresh from the user loader.

    Asked lazily, they were first needed after the view's commit (the flash message, the
    ふりがな hook), which expires every loaded row: each write paid for reloading the person
    and their roles just to learn their language. An impersonal request needs neither, nor the
    person: reading them would load a signed-in caller for nothing.
    """
    if request.endpoint != "static" and request.blueprint not in _IMPERSONAL:
        ui_language()
        furigana_on()


@bp.post("/furigana")
def toggle_furigana():
    wanted = request.form.get("furigana") == "on"
    response = redirect(safe_next(request.form.get("next")))
    response.set_cookie(FURIGANA_COOKIE, "1" if wanted else "0", max_age=LANG_COOKIE_MAX_AGE,
                        samesite="Lax", httponly=True, secure=request.is_secure)
    if current_user.is_authenticated and current_user.furigana != wanted:
        current_user.furigana = wanted
        db.session.commit()
    return response


def _furigana_on_html(response):
    """Readings over the kanji of Japanese pages, for those who switched ふりがな on."""
    if (response.mimetype == "text/html" and not response.direct_passthrough
            and not response.is_streamed and is_japanese_page() and furigana_on()):
        response.set_data(add_furigana(response.get_data(as_text=True)))
    return response


def _remember_query_language(response):
    lang = g.get("remember_lang")
    if lang and request.cookies.get(LANG_COOKIE) != lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_MAX_AGE, samesite="Lax",
                            httponly=True, secure=request.is_secure)
    return response


def _template_context():
    code = ui_language()
    return {
        "languages": languages(),
        "current_lang": code,
        "html_lang": html_lang_for(code),
        "lang_tag": html_lang_for,
        "furigana_available": is_japanese_page(),
        "furigana_on": is_japanese_page() and furigana_on(),
        "url_for_here": request.full_path.rstrip("?") if request else "/",
    }


def init_app(app):
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(Path(app.root_path).parent / "translations")
    )
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel builds its default Domain lazily (a cached property); ours replaces it.
    babel.domain_instance = UILanguageDomain(domain=get_babel(app).default_domain)
    app.register_blueprint(bp)
    app.before_request(_read_person_settings)
    app.after_request(_remember_query_language)
    # Registered after the compression hook (create_app order), so it runs before it.
    app.after_request(_furigana_on_html)
    app.context_processor(_template_context)
    app.jinja_env.filters["yen"] = yen
    # One way to write dates (and times) per locale; Flask-Babel's filters take a width, and
    # its short formats write two-digit years.
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["datetime"] = format_moment
    # Globals, not context: macros imported without context (proposal cards) use them too.
    app.jinja_env.globals.update(content_lang=content_lang, written_in=written_in,
                                 content_language_name=content_language_name)
