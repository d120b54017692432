"""The chrome every page shares: stylesheet link, header (navigation, bell, language and ふりがな
switches), footer and the site's icon.

It is about a quarter of a page's rendering time and the same for everyone who sees it alike, so
it is rendered once per kind of visitor (signed in or not, staff links, the bell's count, the
language and ふりがな state) and kept in the fragment cache. The CSRF token and the address of
the current page, which the switches return to, go into slots.
"""

from flask import current_app, get_template_attribute, request, send_from_directory
from flask_login import current_user
from markupsafe import Markup, escape

from civic.accounts.permissions import can
from civic.caching import services as caching
from civic.i18n import furigana_on, html_lang_for, is_japanese_page, languages, ui_language
from civic.notifications.views import unread_notifications


def page_chrome() -> dict[str, Markup]:
    signed_in = bool(current_user.is_authenticated)
    links = ((can("process.create"), can("moderation.manage"), can("users.administer"))
             if signed_in else (False, False, False))
    unread = unread_notifications() if signed_in else 0
    japanese = is_japanese_page()
    furigana = japanese and furigana_on()

    def render() -> dict[str, str]:
        macro = get_template_attribute
        offered = [(code, name, html_lang_for(code)) for code, name in languages().items()]
        return {"header": str(macro("_chrome.html", "header")(
                    signed_in, *links, unread, offered, ui_language(), japanese, furigana,
                    caching.csrf_slot(), caching.slot("here"))),
                "footer": str(macro("_chrome.html", "footer")())}

    pieces = caching.fragment("layout.chrome", (signed_in, links, unread, japanese, furigana),
                              (), render)
    here = request.full_path.rstrip("?")
    if len(here) > current_app.config["CIVIC_MAX_URL_LENGTH"]:  # the 414 page: not back there
        here = request.script_root + "/"
    here = str(escape(here))
    return {name: Markup(caching.fill_csrf(html).replace(caching.slot("here"), here))  # noqa: S704  # nosec B704
            for name, html in pieces.items()}


# Browsers and feed readers ask for /favicon.ico whatever the page links to: a week in their
# cache spares every page view that request (it was a 404 each time).
FAVICON_MAX_AGE = 7 * 24 * 3600


def favicon():
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=FAVICON_MAX_AGE)


def init_app(app) -> None:
    app.jinja_env.globals["page_chrome"] = page_chrome
    app.add_url_rule("/favicon.ico", "favicon", favicon)
