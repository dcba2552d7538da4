"""The comune office application: households, eligibility, cards (issue, renew, reissue, revoke),
printing, batches from CSV, and card events queued for the central service.

``create_app(test_config=None)`` is the one application factory; ``wsgi.py`` serves it and starts the
background loop that sends card events and fetches the trust list.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from cardsvc.network.keystore import PASSPHRASE_ENV, instance_secret
from cardsvc.platform.web.app_setup import configure_app

from . import auth, db
from .settings import load_settings, retention_periods


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(load_settings(test_config))
    retention_periods(app.config)  # refused at start, not at the first purge
    instance = Path(app.config["INSTANCE"]).absolute()  # files are served by path: never from the cwd
    app.config["INSTANCE_PATH"] = instance
    app.config["DATABASE"] = str(instance / "issuer.db")  # unless DATABASE_URL names a server
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(instance / "secret_key")
    app.config.setdefault("PSEUDONYM_KEY", instance_secret(instance / "pseudonym_key").encode())
    app.config.setdefault("PASSPHRASE", os.environ.get(PASSPHRASE_ENV, ""))
    app.config.setdefault("TRANSPORT", None)
    app.config.update(
        MAX_CONTENT_LENGTH=6 * 1024 * 1024,  # a CSV of thousands of households
    )
    from .auth import current_operator
    from .i18n import t
    from .view_helpers import init_error_pages, template_helpers
    from .views_batch import bp as batch_bp
    from .views_cards import bp as cards_bp
    from .views_office import bp as office_bp
    from .views_reminders import bp as reminders_bp

    configure_app(app, t, {"current_operator": current_operator, **template_helpers()}, logins=True)
    db.init_app(app)
    auth.init_app(app)

    app.register_blueprint(office_bp)
    app.register_blueprint(cards_bp)
    app.register_blueprint(batch_bp)
    app.register_blueprint(reminders_bp)
    init_error_pages(app)
    return app
