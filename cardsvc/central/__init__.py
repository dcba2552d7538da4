"""The central service: registry, kiosk enrolment, list distribution, redemption ingest, anomaly flags.

``create_app(test_config=None)`` is the one application factory; ``gunicorn.conf.py`` serves it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from cardsvc.network.keystore import instance_secret
from cardsvc.platform.web.app_setup import configure_app

from . import db, errors, storage_errors
from .settings import load_settings


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(load_settings(test_config))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(Path(app.config["SECRET_KEY_FILE"]))
    from . import (  # noqa: F401 - they join a blueprint
        api_admin,
        application_views,
        confirm_views,
        directory_views,
        flag_views,
        opendata_views,
        report_views,
        shop_views,
    )
    from .admin_ui import bp as admin_bp
    from .api import bp as api_bp
    from .auth import current_user
    from .i18n import column_label, t
    from .openapi import bp as openapi_bp
    from .page_words import TEMPLATE_GLOBALS
    from .reports.figures import period_text, time_text
    from .reports.headline import change_text, key_figures, value_text
    from .reports.months import month_name

    configure_app(
        app,
        t,
        {
            "current_user": current_user,
            "column_label": column_label,
            "period_text": period_text,
            "time_text": time_text,
            "report_month": month_name,
            "key_figures": key_figures,
            "value_text": value_text,
            "change_text": change_text,
            **TEMPLATE_GLOBALS,
        },
        logins=True,
    )
    errors.init_app(app)
    storage_errors.init_app(app)
    db.init_app(app)

    app.register_blueprint(api_bp)
    app.register_blueprint(openapi_bp)
    app.register_blueprint(admin_bp)
    return app
