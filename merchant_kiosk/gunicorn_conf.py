"""gunicorn settings for the till: one worker (one ledger writer, one sync loop), a few threads.

``gunicorn -c python:merchant_kiosk.gunicorn_conf``; ``familycard kiosk serve`` sets the environment.
"""

import os

bind = os.environ.get("FAMILYCARD_KIOSK_BIND", "127.0.0.1:8710")
workers = 1
threads = 4
wsgi_app = "merchant_kiosk.wsgi:app"
accesslog = "-"
timeout = 60
graceful_timeout = 5
