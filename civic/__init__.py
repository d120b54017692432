"""civic: a participation platform for Japanese municipalities."""

import os
from pathlib import Path

from flask import Flask


def create_app(config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Application factory; ``config`` overrides everything else (used by tests).

    The instance folder (local config, secret key, SQLite database) is ``instance/`` at the
    project root unless ``instance_path`` or ``CIVIC_INSTANCE_PATH`` says otherwise.
    """
    instance = (instance_path or os.environ.get("CIVIC_INSTANCE_PATH")
                or str(Path(__file__).resolve().parent.parent / "instance"))
    from civic.security import PublicAddressFlask

    app = PublicAddressFlask(__name__, instance_path=instance)

    from civic.forms import DatabaseIntConverter

    app.url_map.converters["int"] = DatabaseIntConverter  # before any blueprint adds a route

    from civic import config as settings

    settings.load(app, config)
    app.jinja_env.add_extension("jinja2.ext.do")

    from civic import errors, i18n, layout, security, transactions, uploads
    from civic.caching import services as caching
    from civic.extensions import compress, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    transactions.init_app(app)
    caching.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"),
                     render_as_batch=True)
    uploads.init_app(app)  # before csrf: a route's own body limit applies before its form is read
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    compress.init_app(app)  # before i18n: after_request hooks run last-registered first
    i18n.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    layout.init_app(app)

    from civic.maintenance import cli as maintenance

    maintenance.init_app(app)

    from civic.accessibility.views import bp as accessibility_bp
    from civic.accounts.views import admin_bp
    from civic.accounts.views import bp as accounts_bp
    from civic.api.views import bp as api_bp
    from civic.areas.views import bp as areas_bp
    from civic.audit.views import bp as audit_bp
    from civic.budgets.views import bp as budgets_bp
    from civic.cafe.views import bp as cafe_bp
    from civic.comments.views import bp as comments_bp
    from civic.consultations.views import bp as consultations_bp
    from civic.demo.cli import bp as demo_bp
    from civic.groups.views import bp as groups_bp
    from civic.insights.views import bp as themes_bp
    from civic.jobs.views import bp as jobs_bp
    from civic.matching.views import bp as matching_bp
    from civic.meetings.views import bp as meetings_bp
    from civic.moderation.views import bp as moderation_bp
    from civic.notifications.views import bp as notifications_bp
    from civic.opendata.views import bp as opendata_bp
    from civic.opinions.views import bp as opinions_bp
    from civic.places.views import bp as places_bp
    from civic.proposals.views import bp as proposals_bp
    from civic.sortition.cli import bp as sortition_bp
    from civic.sortition.views import bp as lotteries_bp
    from civic.spaces.views import bp as spaces_bp
    from civic.staff.views import bp as staff_bp
    from civic.surveys.views import bp as surveys_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(spaces_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(cafe_bp)
    app.register_blueprint(budgets_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(themes_bp)
    app.register_blueprint(demo_bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(opinions_bp)
    app.register_blueprint(accessibility_bp)
    app.register_blueprint(sortition_bp)
    app.register_blueprint(lotteries_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(areas_bp)
    app.register_blueprint(places_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(consultations_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(matching_bp)
    app.register_blueprint(opendata_bp)

    @app.get("/healthz")
    def healthz():
        """For load balancers and deployments: the app answers, nothing else is checked."""
        return "ok"

    return app
