"""Request body limits: ``MAX_CONTENT_LENGTH`` everywhere, a larger one where a view asks for it.

A route's own limit has to be set before anything reads the body. Flask-WTF's CSRF check reads
the form in an app-wide ``before_request`` hook, which runs before a blueprint's hooks, so a limit
raised there came too late: the form had already been refused under the global limit (413).
"""

from flask import current_app, request


def body_limit(config_key: str, *, text_fields: bool = False):
    """Let a view accept request bodies up to ``app.config[config_key]`` bytes.

    ``text_fields``: the limit holds for a form's text fields too, not only its files (Werkzeug
    keeps a text field in memory and refuses one over 500 kB), for a form that must answer a
    pasted file with its own message and the text kept.
    """
    def mark(view):
        view.civic_body_limit = config_key
        view.civic_text_fields = text_fields
        return view

    return mark


def _route_limit() -> None:
    view = current_app.view_functions.get(request.endpoint)
    config_key = getattr(view, "civic_body_limit", None)
    if config_key is not None:
        request.max_content_length = current_app.config[config_key]
        if getattr(view, "civic_text_fields", False):
            request.max_form_memory_size = current_app.config[config_key]


def init_app(app) -> None:
    """Register before the CSRF check (see the module's docstring)."""
    app.before_request(_route_limit)
