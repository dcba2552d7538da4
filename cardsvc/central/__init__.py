"""The central service: registry, kiosk enrolment, list distribution, redemption ingest, anomaly flags.

``create_app(test_config=None)`` is the one application factory; ``gunicorn.conf.py`` serves it.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from . import db, errors
from .settings import load_settings


def _secret_key(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(load_settings(test_config))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(Path(app.config["SECRET_KEY_FILE"]))
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    errors.init_app(app)
    db.init_app(app)
    from .admin_ui import bp as admin_bp
    from .api import bp as api_bp
    from .auth import current_user
    from .csrf import csrf_token
    from .i18n import language, t
    from .openapi import bp as openapi_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(openapi_bp)
    app.register_blueprint(admin_bp)
    app.jinja_env.globals.update(t=t, lang=language, csrf_token=csrf_token, current_user=current_user)
    return app
