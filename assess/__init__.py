"""Assess: a maturity-assessment and coaching survey engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing Flask here would load it for the pure subpackages too
    from flask import Flask

__version__ = "0.1.0"


def create_app(test_config: dict[str, object] | None = None) -> Flask:
    """Build the Flask application.

    Configuration comes from the defaults in :mod:`assess.config`, the instance folder's
    ``config.py`` and ``ASSESS_*`` / ``FLASK_*`` environment variables; ``test_config``
    replaces the last two.
    """
    import os

    from flask import Flask

    from . import proxies, request_log
    from .config import load_config
    from .requests import AssessRequest

    # Tests (and embedding applications) name the instance folder in test_config.
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "ASSESS_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=str(instance_path) if instance_path else None,
        instance_relative_config=True,
        template_folder=_templates_dir(),
    )
    app.request_class = AssessRequest
    load_config(app, test_config)
    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    proxies.install(app)
    request_log.install(app)
    return app


def register_converters(app: Flask) -> None:
    from .converters import RowIdConverter

    app.url_map.converters["id"] = RowIdConverter


def _templates_dir() -> str:
    from .content import templates_dir

    return str(templates_dir())


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (registers every table on the metadata)
    from .auth.session import init_login
    from .database import configure_engine
    from .extensions import csrf, db, migrate
    from .security import register_security_headers

    db.init_app(app)
    # Batch mode lets migrations alter tables on SQLite, which has little ALTER TABLE.
    migrate.init_app(app, db, directory=_migrations_dir(), render_as_batch=True)
    csrf.init_app(app)
    init_login(app)
    register_security_headers(app)
    with app.app_context():
        configure_engine(app)


def _migrations_dir() -> str:
    from .content import migrations_dir

    return str(migrations_dir())


def register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .coach import bp as coach_bp
    from .extensions import csrf
    from .health import bp as health_bp
    from .survey import bp as survey_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(coach_bp)
    # Survey forms check their CSRF token themselves (every one is a FlaskForm), so that an
    # expired token re-renders the page with the answers instead of discarding them.
    csrf.exempt(survey_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(health_bp)


def register_errorhandlers(app: Flask) -> None:
    from .error_pages import register_error_handlers

    register_error_handlers(app)


def register_commands(app: Flask) -> None:
    from .cli import register_cli

    register_cli(app)
