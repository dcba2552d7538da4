"""``familycard central``: set up and serve the central service."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from cardsvc.platform.private_files import refuse_exposed_database

from .common import CommandError, emit, exec_gunicorn, json_option, now_seconds, user_errors


def instance_option(fn: Any) -> Any:
    return click.option(
        "--instance",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("var/central"),
        show_default=True,
        help="Folder of the central service's database and keys.",
    )(fn)


def instance_settings(instance: Path) -> dict[str, str]:
    from ..central.setup import instance_settings as settings

    return settings(instance)


def open_db(instance: Path) -> Any:
    from ..central.setup import open_instance_database

    return open_instance_database(instance)


@click.group()
def central() -> None:
    """The network's central service."""


@central.command("init")
@instance_option
@click.option(
    "--network-home",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    required=True,
    help="The network folder: root public key pinned, trust list imported, list-signing key copied.",
)
@json_option
@user_errors
def init(instance: Path, network_home: Path, as_json: bool) -> None:
    """Pin the root key, import the trust list and revocations, install the list-signing key."""
    from ..central.setup import init_central

    done = init_central(instance, network_home, now_seconds())
    result = {
        "instance": str(done.instance),
        "trust_list_version": done.trust_list_version,
        "comuni": done.comuni,
    }
    emit(
        as_json,
        result,
        [f"Central service in {instance}: trust list v{done.trust_list_version}, {done.comuni} comuni"],
    )


@central.command("import-trust-list")
@instance_option
@click.argument("jws_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@json_option
@user_errors
def import_trust_list(instance: Path, jws_file: Path, as_json: bool) -> None:
    """Import a trust list signed on the offline machine (checked against the pinned root key)."""
    from ..central import list_service

    trust = list_service.import_trust_list(open_db(instance), jws_file.read_text(), now_seconds())
    emit(as_json, {"trust_list_version": trust.version}, [f"Trust list v{trust.version} is current"])


@central.command("add-user")
@instance_option
@click.option("--username", required=True)
@click.option(
    "--role", type=click.Choice(["network_admin", "comune_officer", "merchant_manager"]), required=True
)
@click.option("--istat", help="The comune of a comune officer.")
@click.option("--merchant-id", type=int, help="The merchant of a merchant manager.")
@click.option("--language", type=click.Choice(["it", "en"]), default="it", show_default=True)
@json_option
@user_errors
def add_user(
    instance: Path,
    username: str,
    role: str,
    istat: str | None,
    merchant_id: int | None,
    language: str,
    as_json: bool,
) -> None:
    """Create a login; the password comes from FAMILYCARD_USER_PASSWORD or a prompt."""
    from ..central.users import UserRefused, create_user

    password = os.environ.get("FAMILYCARD_USER_PASSWORD") or (
        click.prompt("Password", hide_input=True, confirmation_prompt=True) if sys.stdin.isatty() else ""
    )
    try:
        create_user(open_db(instance), username, password, role, now_seconds(), istat, merchant_id, language)
    except UserRefused as error:
        if error.code != "weak_password":
            raise
        raise CommandError(f"{error} (FAMILYCARD_USER_PASSWORD or the prompt)") from None
    emit(as_json, {"username": username, "role": role}, [f"User {username} ({role}) created"])


@central.command("serve")
@instance_option
@click.option("--bind", default="127.0.0.1:8700", show_default=True)
@click.option("--workers", type=click.IntRange(1, 32), default=2, show_default=True)
@user_errors
def serve(instance: Path, bind: str, workers: int) -> None:
    """Serve the central service with gunicorn; refused while other users can read its database."""
    from ..central.setup import INSTANCE_FILES, instance_database
    from ..platform.storage.engines import check_reachable, is_file

    database = instance_database(instance)
    if is_file(database):
        refuse_exposed_database(instance / INSTANCE_FILES["DATABASE"])
    else:
        check_reachable(database)  # one line when it cannot be used
    env = {f"FAMILYCARD_CENTRAL_{k}": v for k, v in instance_settings(instance).items()}
    env.update(FAMILYCARD_CENTRAL_BIND=bind, FAMILYCARD_CENTRAL_WORKERS=str(workers))
    exec_gunicorn("cardsvc.central.gunicorn_conf", env)


@central.command("api-docs")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("docs/api.md"), show_default=True
)
def api_docs(out: Path) -> None:
    """Write the API's Markdown description from the OpenAPI document."""
    from ..central.openapi import markdown

    out.write_text(markdown())
    click.echo(f"Wrote {out}")


@central.command("refresh-reports")
@instance_option
@json_option
@user_errors
def refresh_reports(instance: Path, as_json: bool) -> None:
    """Compute the month summaries whose data changed (run nightly), so reports open at once."""
    from ..central.reports.summaries import refresh_stale

    db = open_db(instance)
    with click.progressbar(length=1, label="Months", file=sys.stderr) as bar:
        done = refresh_stale(db, now_seconds(), lambda month: bar.update(0))
        bar.update(1)
    emit(as_json, {"refreshed": done}, [f"Refreshed {len(done)} months: {', '.join(done) or 'none'}"])


@central.command("issuer-credentials")
@instance_option
@json_option
@user_errors
def issuer_credentials(instance: Path, as_json: bool) -> None:
    """List the comune offices' credentials with their last use."""
    from ..central import issuer_credentials as credentials

    rows = credentials.listed(open_db(instance))
    lines = [
        f"#{c['id']} {c['istat']} created {c['created_at']}, last used {c['last_used_at'] or 'never'}"
        + (f", REVOKED {c['revoked_at']}" if c["revoked_at"] else "")
        for c in rows
    ]
    emit(as_json, {"credentials": rows}, lines or ["No issuer credentials"])


@central.command("revoke-issuer-credential")
@instance_option
@click.option(
    "--id", "credential_id", type=int, required=True, help="The credential's number (see the list)."
)
@json_option
@user_errors
def revoke_issuer_credential(instance: Path, credential_id: int, as_json: bool) -> None:
    """Revoke a comune office's credential: the central service refuses it at once."""
    from ..central import issuer_credentials as credentials

    revoked = credentials.revoke(open_db(instance), credential_id, now_seconds())
    emit(as_json, revoked, [f"Issuer credential #{credential_id} ({revoked['istat']}) revoked"])


@central.command("migrate-to-postgres")
@instance_option
@click.option(
    "--database-url",
    required=True,
    help="An empty PostgreSQL database (postgresql://user@host/name) to copy the instance's file into.",
)
@json_option
@user_errors
def migrate_to_postgres(instance: Path, database_url: str, as_json: bool) -> None:
    """Copy the instance's SQLite database into an empty PostgreSQL database and check the copy (rows of
    every table, redemption totals, revocation list version); stop the service first."""
    from ..central.postgres_copy import copy_to_postgres
    from ..central.setup import INSTANCE_FILES

    done = copy_to_postgres(instance / INSTANCE_FILES["DATABASE"], database_url)
    totals = done.totals
    lines = [f"Copied {done.source} to {done.target}:"]
    lines += [f"  {name}: {count} rows" for name, count in done.rows.items()]
    lines += [
        f"Checked: {totals.redemptions} redemptions, {totals.spend_cents} cents spent, "
        f"{totals.discount_cents} cents discount; revocation list v{totals.revocation_list_version}; "
        f"report changes weigh {totals.report_change_weight}",
        f'Next: set DATABASE_URL = "{done.target}" in central.toml (or FAMILYCARD_CENTRAL_DATABASE_URL),'
        f" then start the service; {done.source} stays as it was",
    ]
    emit(as_json, done.to_json(), lines)
