"""The WSGI entry point gunicorn loads in each worker: the app, and the report summaries' refresher."""

from . import create_app
from .report_refresher import start_report_refresher

app = create_app()
start_report_refresher(app)
