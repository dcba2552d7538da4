"""The WSGI entry point gunicorn loads in its worker: the app, and its background push loop."""

from . import create_app
from .background import start_background_push

app = create_app()
start_background_push(app)
