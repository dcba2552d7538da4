"""The WSGI entry point gunicorn loads."""

from . import create_app

app = create_app()
