"""The WSGI entry point gunicorn loads in its worker: the app, and its background sync loop."""

from . import create_app
from .background import start_background_sync

app = create_app()
start_background_sync(app)
