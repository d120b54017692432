"""Request body limits: ``MAX_CONTENT_LENGTH`` everywhere, a larger one where a view asks for it.

A route's own limit has to be set before anything reads the body. Flask-WTF's CSRF check reads
the form in an app-wide ``before_request`` hook, which runs before a blueprint's hooks, so a limit
raised there came too late: the form had already been refused under the global limit (413).
"""

from flask import current_app, request


def body_limit(config_key: str):
    """Let a view accept request bodies up to ``app.config[config_key]`` bytes."""
    def mark(view):
        view.civic_body_limit = config_key
        return view

    return mark


def _route_limit() -> None:
    view = current_app.view_functions.get(request.endpoint)
    config_key = getattr(view, "civic_body_limit", None)
    if config_key is not None:
        request.max_content_length = current_app.config[config_key]


def init_app(app) -> None:
    """Register before the CSRF check (see the module's docstring)."""
    app.before_request(_route_limit)
