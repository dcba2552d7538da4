"""The merchant kiosk: the till's own small web app, served on 127.0.0.1 and used in a browser there.

``create_app(test_config=None)`` is the one application factory. It verifies cards offline, records
discounts in a durable hash-chained ledger, and syncs with the central service in the background
(``wsgi.py`` starts the loop in the serving process).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from cardsvc.network.keystore import PASSPHRASE_ENV, instance_secret
from cardsvc.platform.web.app_setup import configure_app

from . import db, guard
from .identity import database_path
from .settings import check_settings, load_settings


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(load_settings(test_config))
    check_settings(app.config)  # refused at start, not when first used
    instance = Path(app.config["INSTANCE"])
    app.config["INSTANCE_PATH"] = instance
    app.config["DATABASE"] = database_path(instance)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(instance / "secret_key")
    app.config.setdefault("PASSPHRASE", os.environ.get(PASSPHRASE_ENV, ""))
    app.config.setdefault("TRANSPORT", None)
    app.config.update(
        MAX_CONTENT_LENGTH=12 * 1024 * 1024,  # a phone photo of the card
    )
    from .closing_views import bp as closing_bp
    from .i18n import t
    from .sync_views import bp as sync_bp
    from .till_views import bp as till_bp
    from .view_helpers import init_error_pages, template_helpers

    configure_app(app, t, template_helpers())
    db.init_app(app)
    guard.init_app(app)

    app.register_blueprint(till_bp)
    app.register_blueprint(closing_bp)
    app.register_blueprint(sync_bp)
    init_error_pages(app)
    return app
