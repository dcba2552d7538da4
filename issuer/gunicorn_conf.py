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
