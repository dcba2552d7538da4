"""The WSGI entry point gunicorn loads in each worker: the app, the report summaries' refresher and the
sender of waiting messages."""

from . import create_app
from .mail_delivery import start_mail_sender
from .report_refresher import start_report_refresher

app = create_app()
start_report_refresher(app)
start_mail_sender(app)
