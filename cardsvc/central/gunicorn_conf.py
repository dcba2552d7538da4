"""gunicorn settings for the central service: ``gunicorn -c python:cardsvc.central.gunicorn_conf``."""

import os

bind = os.environ.get("FAMILYCARD_CENTRAL_BIND", "127.0.0.1:8700")
workers = int(os.environ.get("FAMILYCARD_CENTRAL_WORKERS", "2"))
wsgi_app = "cardsvc.central.wsgi:app"
accesslog = "-"
timeout = 60
