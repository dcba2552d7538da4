"""gunicorn settings for the comune office: one worker (batch jobs and the push loop live in it), threads.

``gunicorn -c python:issuer.gunicorn_conf``; ``familycard issuer serve`` sets the environment.
"""

import os

bind = os.environ.get("FAMILYCARD_ISSUER_BIND", "127.0.0.1:8720")
workers = 1
threads = 8
wsgi_app = "issuer.wsgi:app"
accesslog = "-"
timeout = 120
graceful_timeout = 10


def on_starting(_server: object) -> None:
    """In the master, before any worker: a ``DATABASE_URL`` that cannot be used, or a scrypt cost out
    of range, stops the start with one line saying why."""
    from cardsvc.platform.storage.engines import refuse_unusable
    from cardsvc.platform.web.login import refuse_bad_scrypt_cost
    from issuer.settings import load_settings

    refuse_unusable(load_settings().get("DATABASE_URL") or "", "office")
    refuse_bad_scrypt_cost("office")
