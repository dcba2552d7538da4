"""Batch issuance from CSV in the browser: upload, every row checked, the batch's page (what it will do,
its progress, what it did, its A4 sheets), and the comune's list of batches (*Lotti*).

Batches live in the office's database and instance folder (``batch_jobs``); the threads that run them
live in the served office's one worker process, so a batch marked running that no thread here runs was
interrupted by a restart.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from cardsvc.platform.clock import now
from cardsvc.platform.rome_calendar import rome_year
from cardsvc.platform.storage.engines import database_address
from cardsvc.platform.storage.transactions import write_transaction
from cardsvc.platform.web.forms import Form, refused

from . import batch_jobs
from .audit import record_action
from .auth import login_required, operator
from .batch import BatchRow, parse_batch
from .batch_plan import BatchPlan, plan_batch
from .db import get_db
from .i18n import t, tn
from .paging import PageRefused, checked_page, page_number
from .schema import open_database
from .signing_keys import key_statuses
from .view_helpers import office, page_refusal

bp = Blueprint("batch", __name__)
SAMPLE = Path(__file__).with_name("sample-households.csv")


class Runner:
    """The batches this process runs, one thread each."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.threads: dict[str, threading.Thread] = {}

    def running(self, token: str) -> bool:
        thread = self.threads.get(token)
        return thread is not None and thread.is_alive()

    def start(self, app: Flask, token: str, username: str, comune: str) -> None:
        """Start the batch unless a thread here already runs it."""
        with self.lock:
            if self.running(token):
                return
            batch_jobs.start_batch(get_db(), token, username, now())
            thread = threading.Thread(target=_work, args=(app, token, comune), daemon=True)
            self.threads[token] = thread
            thread.start()


def runner() -> Runner:
    found: Runner = current_app.extensions.setdefault("issuer_batches", Runner())
    return found


def _instance() -> Path:
    return Path(current_app.config["INSTANCE_PATH"])


def _work(app: Flask, token: str, comune: str) -> None:
    with app.app_context():
        db = open_database(database_address(app.config))
        try:
            batch_jobs.run_batch(db, office(), comune, token, lambda: int(app.config["CLOCK"]()))
        finally:
            db.close()


@bp.get("/batch")
@login_required
def batch() -> str:
    return render_template("batch.html", form=Form())


@bp.get("/batch/sample.csv")
@login_required
def sample() -> Response:
    return send_file(SAMPLE, mimetype="text/csv", as_attachment=True, download_name="nuclei-esempio.csv")


@bp.post("/batch")
@login_required
def check() -> tuple[str, int] | BaseResponse:
    """Check every row; with no error, keep the file as a batch to confirm, its page saying what it does."""
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    form = Form()
    if not data:  # no file chosen, or an empty one
        form.error("file", t("batch_no_file"))
        return render_template("batch.html", form=form), 422
    rows, errors = parse_batch(data, rome_year(now()))
    if errors:  # the count beside the input, each error in the table below it
        form.error("file", tn("batch_errors", len(errors)))
        return render_template("batch.html", form=form, errors=errors), 422
    signed_in = operator()
    token = batch_jobs.create_batch(
        get_db(), _instance(), signed_in["istat"], signed_in["username"],
        (upload.filename if upload else "") or "", data, len(rows), _plan(rows).cards, now(),
    )  # fmt: skip
    return redirect(url_for("batch.job", token=token), 303)


def _plan(rows: list[BatchRow]) -> BatchPlan:
    db, istat = get_db(), operator()["istat"]
    key_active = any(k["trust_status"] == "active" for k in key_statuses(db, istat))
    return plan_batch(db, istat, rows, rome_year(now()), key_active)


def _planned(token: str) -> BatchPlan | None:
    """What the batch's kept file will do now; None when the file is no longer kept."""
    path = batch_jobs.csv_path(_instance(), token)
    if not path.exists():
        return None
    rows, _errors = parse_batch(path.read_bytes(), rome_year(now()))
    return _plan(rows)


def _batch(token: str) -> dict[str, Any]:
    found = batch_jobs.get_batch(get_db(), operator()["istat"], token)
    if found is None:
        abort(404)
    return found


def state_of(batch: dict[str, Any]) -> str:
    """``ready``, ``running``, ``interrupted`` (running, but no thread here runs it), ``done``, ``failed``."""
    if batch["status"] == "running" and not runner().running(batch["token"]):
        return "interrupted"
    return str(batch["status"])


@bp.post("/batch/<token>/run")
@login_required
def run(token: str) -> BaseResponse:
    found = _batch(token)
    if state_of(found) in ("ready", "interrupted", "failed"):
        if not batch_jobs.csv_path(_instance(), token).exists():
            refused(t("batch_file_gone"))
        else:
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            runner().start(app, token, operator()["username"], operator()["comune"]["name"])
    return redirect(url_for("batch.job", token=token), 303)


@bp.get("/batch/<token>")
@login_required
def job(token: str) -> str:
    found = _batch(token)
    db, instance, state = get_db(), _instance(), state_of(found)
    return render_template(
        "batch_job.html",
        batch=found,
        state=state,
        plan=_planned(token) if state == "ready" else None,
        token=token,
        cards=batch_jobs.issued_cards(db, token),
        skipped=batch_jobs.skipped_holders(db, token),
        file_kept=batch_jobs.csv_path(instance, token).exists(),
        sheets_kept=bool(found["sheets"]) and batch_jobs.sheets_path(instance, token).exists(),
    )


@bp.get("/batch/<token>/progress")
@login_required
def progress(token: str) -> Response:
    found = _batch(token)
    state = state_of(found)
    return jsonify(
        {
            "done": found["done"],
            "total": found["total"],
            "state": state,
            "finished": state in ("done", "failed", "interrupted"),
            "error": found["error"],
            "cards": found["cards_issued"],
        }
    )


@bp.get("/batch/<token>/sheets.pdf")
@login_required
def sheets(token: str) -> Response | tuple[str, int]:
    found = _batch(token)
    path = batch_jobs.sheets_path(_instance(), token)
    if not found["sheets"]:
        abort(404)
    if not path.exists():  # deleted after BATCH_FILE_RETENTION
        return render_template("error.html", message=t("batch_sheets_gone")), 410
    db, username, istat = get_db(), operator()["username"], operator()["istat"]
    with write_transaction(db):
        record_action(db, username, istat, "print", f"batch {token}", "sheets", now())
    return send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name="family-card-fogli-A4.pdf"
    )


@bp.get("/batches")
@login_required
def batches() -> tuple[str, int]:
    db, istat = get_db(), operator()["istat"]
    try:
        page = checked_page(page_number(request.args.get("page")), batch_jobs.count_batches(db, istat))
    except PageRefused as refused:
        return render_template("batches.html", refusal=page_refusal(refused), rows=[], page=None), 400
    rows = batch_jobs.list_batches(db, istat, page.offset, page.size)
    instance = _instance()
    for row in rows:
        row["state"] = state_of(row)
        row["sheets_kept"] = bool(row["sheets"]) and batch_jobs.sheets_path(instance, row["token"]).exists()
    return render_template("batches.html", rows=rows, page=page, refusal=None), 200
