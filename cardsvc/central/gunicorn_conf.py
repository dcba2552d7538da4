"""gunicorn settings for the central service: ``gunicorn -c python:cardsvc.central.gunicorn_conf``."""

import os

bind = os.environ.get("FAMILYCARD_CENTRAL_BIND", "127.0.0.1:8700")
workers = int(os.environ.get("FAMILYCARD_CENTRAL_WORKERS", "2"))
wsgi_app = "cardsvc.central.wsgi:app"
accesslog = "-"
timeout = 60


def on_starting(_server: object) -> None:
    """In the master, before any worker: a ``DATABASE_URL`` that cannot be used, or a scrypt cost out
    of range, stops the start with one line saying why."""
    from cardsvc.central.settings import load_settings
    from cardsvc.platform.storage.engines import refuse_unusable
    from cardsvc.platform.web.login import refuse_bad_scrypt_cost

    refuse_unusable(load_settings().get("DATABASE_URL") or "", "central")
    refuse_bad_scrypt_cost("central")
