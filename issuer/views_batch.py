"""Batch issuance from CSV in the browser: upload, every row checked, then a job with a progress bar and
the A4 sheets of the new cards to download."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

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
from cardsvc.platform.private_files import private_folder, write_private_file
from cardsvc.platform.rome_calendar import rome_year

from . import printing
from .auth import login_required, operator
from .batch import BatchResult, apply_batch, parse_batch
from .schema import open_database
from .view_helpers import office

bp = Blueprint("batch", __name__)
SAMPLE = Path(__file__).with_name("sample-households.csv")


@dataclass
class Job:
    istat: str
    done: int = 0
    total: int = 0
    result: BatchResult | None = None
    error: str | None = None
    sheet: Path | None = None
    thread: threading.Thread | None = field(default=None, repr=False)


_jobs: dict[str, Job] = {}


def _uploads() -> Path:
    return private_folder(Path(current_app.config["INSTANCE_PATH"]) / "batches")


@bp.get("/batch")
@login_required
def batch() -> str:
    return render_template("batch.html")


@bp.get("/batch/sample.csv")
@login_required
def sample() -> Response:
    return send_file(SAMPLE, mimetype="text/csv", as_attachment=True, download_name="nuclei-esempio.csv")


@bp.post("/batch")
@login_required
def check() -> tuple[str, int]:
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    rows, errors = parse_batch(data, rome_year(now()))
    if errors:
        return render_template("batch.html", errors=errors), 422
    token = hashlib.sha256(operator()["istat"].encode() + data).hexdigest()[:24]
    write_private_file(_uploads() / f"{token}.csv", data)
    return render_template("batch.html", ready=len(rows), token=token), 200


@bp.post("/batch/<token>/run")
@login_required
def run(token: str) -> BaseResponse:
    path = _uploads() / f"{token}.csv"
    if not token.isalnum() or not path.exists():
        abort(404)
    istat, username = operator()["istat"], operator()["username"]
    if token in _jobs and _jobs[token].thread and _jobs[token].thread.is_alive():  # type: ignore[union-attr]
        return redirect(url_for("batch.job", token=token), 303)
    job = Job(istat)
    _jobs[token] = job
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    job.thread = threading.Thread(target=_work, args=(app, job, path, username), daemon=True)
    job.thread.start()
    return redirect(url_for("batch.job", token=token), 303)


def _work(app: Flask, job: Job, path: Path, username: str) -> None:
    with app.app_context():
        db = open_database(app.config["DATABASE"])
        try:
            rows, _errors = parse_batch(path.read_bytes(), rome_year(int(app.config["CLOCK"]())))
            job.total = len(rows)

            def progress(done: int, total: int) -> None:
                job.done, job.total = done, total

            result = apply_batch(
                db, office(), username, job.istat, rows, lambda: int(app.config["CLOCK"]()), progress
            )
            if result.cards:
                comune = db.table("comuni").get(job.istat)["name"]
                images = [
                    printing.card_image(
                        printing.PrintedCard(comune, c["holder"], c["number"], c["expires_at"], c["qr"])
                    )
                    for c in result.cards
                ]
                job.sheet = path.with_suffix(f".{int(app.config['CLOCK']())}.pdf")
                write_private_file(job.sheet, printing.pdf_bytes(printing.sheet_images(images)))
            job.result = result
        except Exception as error:  # shown on the job page; the rows stored so far stay, a re-run goes on
            job.error = str(error)
        finally:
            db.close()


def _job(token: str) -> Job:
    job = _jobs.get(token)
    if job is None or job.istat != operator()["istat"]:
        abort(404)
    return job


@bp.get("/batch/<token>")
@login_required
def job(token: str) -> str:
    return render_template("batch_job.html", job=_job(token), token=token)


@bp.get("/batch/<token>/progress")
@login_required
def progress(token: str) -> Response:
    found = _job(token)
    result = found.result
    return jsonify(
        {
            "done": found.done,
            "total": found.total,
            "finished": result is not None or found.error is not None,
            "error": found.error,
            "cards": len(result.cards) if result else 0,
        }
    )


@bp.get("/batch/<token>/sheets.pdf")
@login_required
def sheets(token: str) -> Response:
    found = _job(token)
    if found.sheet is None or not found.sheet.exists():  # none made, or deleted after BATCH_FILE_RETENTION
        abort(404)
    return send_file(
        found.sheet, mimetype="application/pdf", as_attachment=True, download_name="family-card-fogli-A4.pdf"
    )
