"""``familycard kiosk``: enrol a till with the central service, serve it, sync it, show its state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cardsvc.network.keystore import PASSPHRASE_ENV
from cardsvc.platform.i18n import format_moment
from cardsvc.platform.private_files import refuse_exposed_database
from cardsvc.platform.storage.health import check_database

from .common import CommandError, emit, exec_gunicorn, json_option, passphrase, user_errors

STORAGE_WORDS = {
    "disk_full": "disk full: free some space on the till computer",
    "database_damaged": "database damaged: restore kiosk.db from the last backup (docs/operations.md)",
    "disk_error": "disk error: check the till computer's disk",
    "database_missing": "database missing",
}


def instance_option(fn: Any) -> Any:
    return click.option(
        "--instance",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("var/kiosk"),
        show_default=True,
        help="Folder of the till's ledger, credential and device key.",
    )(fn)


def _app(instance: Path) -> Any:
    from merchant_kiosk import create_app

    return create_app({"INSTANCE": str(instance), "PASSPHRASE": passphrase(), "SYNC_IN_BACKGROUND": False})


@click.group()
def kiosk() -> None:
    """The merchant's till."""


@kiosk.command("enroll")
@instance_option
@click.option("--central", "central_url", required=True, help="Base URL of the central service.")
@click.option("--code", required=True, help="The one-time enrolment code from the network administrator.")
@json_option
@user_errors
def enroll(instance: Path, central_url: str, code: str, as_json: bool) -> None:
    """Exchange a one-time code for this till's credential, lists and offers."""
    from merchant_kiosk.central_client import CentralRefused, CentralUnavailable, urllib_transport
    from merchant_kiosk.identity import enroll as enroll_kiosk

    if not central_url.startswith(("http://", "https://")):
        raise CommandError(f"--central: {central_url!r} is not an http(s) URL")
    try:
        result = enroll_kiosk(instance, central_url, code, passphrase(confirm=True), urllib_transport(20))
    except CentralUnavailable as error:
        raise CommandError(f"the central service did not answer: {error}") from None
    except CentralRefused as error:
        raise CommandError(f"enrolment refused: {error}") from None
    lines = [
        f"Enrolled kiosk {result['kiosk_id']} for {result['merchant']['name']}",
        f"Offers: {result['offers']}",
    ]
    emit(as_json, result, lines)


@kiosk.command("serve")
@instance_option
@click.option("--bind", default="127.0.0.1:8710", show_default=True, help="Address of the till's web page.")
@user_errors
def serve(instance: Path, bind: str) -> None:
    """Serve the till's web app with gunicorn; the sync loop runs inside it."""
    if not bind.startswith(("127.", "localhost:", "[::1]:")):
        raise CommandError("--bind: the till listens on the loopback address only (127.0.0.1:PORT)")
    refuse_exposed_database(instance / "kiosk.db")
    from merchant_kiosk.settings import check_settings, load_settings

    check_settings(load_settings({"INSTANCE": str(instance)}))  # a bad setting: one line, here
    secret = passphrase()  # asked here, on the terminal, not inside gunicorn
    env = {"FAMILYCARD_KIOSK_INSTANCE": str(instance), "FAMILYCARD_KIOSK_BIND": bind, PASSPHRASE_ENV: secret}
    exec_gunicorn("merchant_kiosk.gunicorn_conf", env)


@kiosk.command("sync")
@instance_option
@json_option
@user_errors
def sync(instance: Path, as_json: bool) -> None:
    """Push unsent records and pull lists and offers now."""
    from cardsvc.core import JwsError
    from merchant_kiosk.background import run_sync
    from merchant_kiosk.central_client import CentralRefused, CentralUnavailable

    try:
        result = run_sync(_app(instance))
    except CentralUnavailable as error:
        raise CommandError(f"the central service did not answer: {error}; records stay queued") from None
    except (CentralRefused, JwsError) as error:
        raise CommandError(f"sync refused: {error}") from None
    lines = [
        f"Sent {result['pushed']} records, {result['pending']} pending",
        f"Revocation list version {result['revocation_version']}",
    ]
    emit(as_json, result, lines)


@kiosk.command("status")
@instance_option
@json_option
@user_errors
def status(instance: Path, as_json: bool) -> None:
    """Enrolment, last sync, pending records, list versions, the database checked (exit status 1 when it
    is damaged or its disk full)."""
    from merchant_kiosk import store
    from merchant_kiosk.identity import database_path
    from merchant_kiosk.schema import open_database
    from merchant_kiosk.settings import load_settings
    from merchant_kiosk.sync import sync_status

    if not Path(database_path(instance)).exists():
        raise CommandError(f"{instance} holds no kiosk (run: familycard kiosk enroll)")
    from .common import now_seconds

    health = check_database(database_path(instance))
    if not health.ok:
        words = STORAGE_WORDS.get(health.problem or "", health.problem or "")
        emit(as_json, health.to_json(), [f"Database: {words} ({health.detail})"])
        raise click.exceptions.Exit(1)
    db = open_database(database_path(instance))
    try:
        result = sync_status(db, now_seconds(), load_settings()["STALE_AFTER"])
        result |= {k: store.get(db, k) for k in ("kiosk_id", "trust_version", "revocation_version")}
        result["database"] = "ok"
    finally:
        db.close()
    shop = (result["merchant"] or {}).get("name", "?")
    last_sync = "never"
    if result["last_sync_at"] is not None:  # seconds in the JSON; a Rome day and time for people
        last_sync = format_moment(int(result["last_sync_at"]), "en", "long") + " (Rome time)"
    lines = [
        f"Kiosk {result['kiosk_id']} ({shop})",
        f"Last sync: {last_sync}; pending: {result['pending']}",
        f"Lists: trust v{result['trust_version']}, revocations v{result['revocation_version']}",
        "Database: ok",
    ]
    if result["refused"]["count"]:
        latest = result["refused"]["latest"]
        lines.append(f"Refused by the central service: {result['refused']['count']} (latest {latest['id']}: "
                     f"{latest['reason']})")  # fmt: skip
    if result["chain_problem"]:
        problem = result["chain_problem"]
        lines.append(
            f"CHAIN BROKEN at record {problem['seq']} ({problem['reason']}): sales stay here, pending; the "
            f"network administrator must check and re-anchor kiosk {result['kiosk_id']} from record "
            f"{problem['record_id']}"
        )
    if result["restored"]:
        restored = result["restored"]
        lines.append(
            f"RESTORED FROM A BACKUP? the central service holds {restored['central_seq']} records, this till "
            f"{restored['local_seq']}: sales stay here, pending; ask the network administrator to re-anchor "
            f"kiosk {result['kiosk_id']}"
        )
    emit(as_json, result, lines)
    if result["chain_problem"] or result["restored"]:
        raise click.exceptions.Exit(1)
