"""``familycard issuer``: set up a comune office, its keys and operators; serve it; push; batch import."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from cardsvc.network.keystore import PASSPHRASE_ENV
from cardsvc.platform.private_files import (
    refuse_exposed_database,
    write_private_file,
)
from cardsvc.platform.storage.engines import is_file

from .common import (
    CommandError,
    emit,
    exec_gunicorn,
    json_option,
    now_seconds,
    parse_moment,
    passphrase,
    user_errors,
)


def instance_option(fn: Any) -> Any:
    return click.option(
        "--instance",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("var/issuer"),
        show_default=True,
        help="Folder of the office's database, signing keys and secrets.",
    )(fn)


def open_db(instance: Path) -> Any:
    from issuer.setup import DATABASE_FILE, office_database, open_office

    if is_file(office_database(instance)) and not (instance / DATABASE_FILE).exists():
        raise CommandError(f"{instance} holds no comune office (run: familycard issuer init)")
    return open_office(instance)


def istat_of(db: Any, istat: str) -> str:
    if not db.execute("select 1 from comuni where istat = ?", [istat]).fetchone():
        raise CommandError(f"comune {istat} is not set up in this office (familycard issuer add-comune)")
    return istat


@click.group()
def issuer() -> None:
    """The comune office: households, cards, printing."""


@issuer.command("init")
@instance_option
@click.option("--root-public-key", required=True, help="The network's root public key (base64url), to pin.")
@click.option("--central", "central_url", default="", help="Base URL of the central service (events, lists).")
@json_option
@user_errors
def init(instance: Path, root_public_key: str, central_url: str, as_json: bool) -> None:
    """Create the office's database, pin the network root key, remember the central service."""
    from issuer.setup import init_office

    init_office(instance, root_public_key, central_url).close()
    emit(as_json, {"instance": str(instance), "central_url": central_url}, [f"Office ready in {instance}"])


@issuer.command("add-comune")
@instance_option
@click.option("--istat", required=True)
@click.option("--name", required=True)
@click.option("--min-minors", type=click.IntRange(0, 20), default=1, show_default=True)
@click.option("--isee-ceiling", default="", help="ISEE ceiling in euros; none by default.")
@click.option(
    "--central-token", default="", help="The comune's credential for card events (from the network)."
)
@json_option
@user_errors
def add_comune(
    instance: Path,
    istat: str,
    name: str,
    min_minors: int,
    isee_ceiling: str,
    central_token: str,
    as_json: bool,
) -> None:
    """Set up (or update) a comune served by this office, with its eligibility rules."""
    from cardsvc.platform.euros import parse_euros
    from issuer.setup import set_up_comune

    try:
        ceiling = parse_euros(isee_ceiling) if isee_ceiling else None
    except ValueError:
        raise CommandError(f"--isee-ceiling: {isee_ceiling!r} is not an amount in euros") from None
    row = set_up_comune(open_db(instance), istat, name, min_minors, ceiling, central_token)
    emit(as_json, row | {"central_token": bool(central_token)}, [f"Comune {name} ({istat}) set up"])


@issuer.command("add-operator")
@instance_option
@click.option("--username", required=True)
@click.option("--istat", required=True, help="The comune the operator works for (and sees only).")
@json_option
@user_errors
def add_operator(instance: Path, username: str, istat: str, as_json: bool) -> None:
    """Add an operator; the password comes from FAMILYCARD_USER_PASSWORD or a prompt."""
    from cardsvc.core import to_rfc3339
    from issuer.auth import add_operator as add

    password = os.environ.get("FAMILYCARD_USER_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise CommandError("no password: set FAMILYCARD_USER_PASSWORD or run on a terminal")
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    db = open_db(instance)
    add(db, username, password, istat_of(db, istat), to_rfc3339(now_seconds()))
    emit(as_json, {"username": username, "istat": istat}, [f"Operator {username} for comune {istat}"])


@issuer.command("new-key")
@instance_option
@click.option("--istat", required=True)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Public key PEM file."
)
@json_option
@user_errors
def new_key(instance: Path, istat: str, out: Path, as_json: bool) -> None:
    """Make a signing key (first or rotation) and export its public key for the network's trust list."""
    from issuer.signing_keys import generate_key

    db = open_db(instance)
    kid, pem = generate_key(db, instance, istat_of(db, istat), passphrase(confirm=True), now_seconds())
    out.write_bytes(pem)
    emit(
        as_json,
        {"kid": kid, "public_key_file": str(out)},
        [f"New key {kid}; on the network machine: familycard network add-comune (or rotate-key) "
         f"--istat {istat} --public-key {out}"],
    )  # fmt: skip


@issuer.command("import-trust-list")
@instance_option
@click.argument("token_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@json_option
@user_errors
def import_trust(instance: Path, token_file: Path, as_json: bool) -> None:
    """Take a trust list (JWS file) signed by the pinned root, newer than the one held."""
    from issuer.signing_keys import import_trust_list

    try:
        trust = import_trust_list(open_db(instance), token_file.read_text().strip())
    except ValueError as error:
        raise CommandError(str(error)) from None
    emit(as_json, {"version": trust.version}, [f"Trust list version {trust.version}"])


@issuer.command("push")
@instance_option
@json_option
@user_errors
def push(instance: Path, as_json: bool) -> None:
    """Fetch the trust list and send pending card events to the central service now."""
    from cardsvc.platform.json_client import CentralUnavailable, urllib_transport
    from issuer.background import sync_office

    try:
        outcome = sync_office(open_db(instance), urllib_transport(20), now_seconds())
    except CentralUnavailable as error:
        raise CommandError(f"the central service did not answer; events stay queued ({error})") from None
    emit(as_json, outcome, [f"{k}: {v}" for k, v in outcome.items()])


@issuer.command("import-csv")
@instance_option
@click.option("--istat", required=True)
@click.option("--operator", required=True, help="Who is recorded in the audit log.")
@click.option(
    "--file", "csv_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), required=True
)
@click.option("--sheets", type=click.Path(dir_okay=False, path_type=Path), help="A4 PDF of the new cards.")
@click.option(
    "--lang", type=click.Choice(["it", "en"]), default="it", show_default=True, help="Row errors and cards."
)
@json_option
@user_errors
def import_csv(
    instance: Path, istat: str, operator: str, csv_file: Path, sheets: Path | None, lang: str, as_json: bool
) -> None:
    """Register households from a CSV file and issue their cards; every row is checked first."""
    from cardsvc.network.keystore import instance_secret
    from cardsvc.platform.rome_calendar import rome_year
    from issuer import printing
    from issuer.batch import apply_batch, parse_batch
    from issuer.cards import Office
    from issuer.i18n import batch_error_text

    db = open_db(instance)
    comune = db["comuni"].get(istat_of(db, istat))
    rows, errors = parse_batch(csv_file.read_bytes(), rome_year(now_seconds()))
    if errors:
        lines = [f"line {e.line}, {e.column}: {batch_error_text(e, lang)}" for e in errors]
        raise CommandError(f"{len(errors)} errors, nothing stored: " + " | ".join(lines))
    office = Office(instance, passphrase(), instance_secret(instance / "pseudonym_key").encode())
    with click.progressbar(length=len(rows), label="Issuing", file=sys.stderr) as bar:
        result = apply_batch(
            db, office, operator, istat, rows, now_seconds, lambda done, _t: bar.update(done - bar.pos)
        )
    if sheets and result.cards:
        images = [
            printing.card_image(
                printing.PrintedCard(comune["name"], c["holder"], c["number"], c["expires_at"], c["qr"], lang)
            )
            for c in result.cards
        ]
        write_private_file(sheets, printing.pdf_bytes(printing.sheet_images(images)))
    summary: dict[str, Any] = {
        "households_new": result.households_new,
        "households_known": result.households_known,
        "cards": [c["number"] for c in result.cards],
        "skipped": [{"line": s.line, "holder": s.holder, "reason": s.code} for s in result.skipped],
    }
    lines = [
        f"{result.households_new} new households, {result.households_known} known, {len(result.cards)} cards"
    ]
    emit(
        as_json,
        summary,
        lines + [f"line {s['line']}: {s['holder']} not issued ({s['reason']})" for s in summary["skipped"]],
    )


@issuer.command("purge")
@instance_option
@click.option(
    "--household", "household_id", type=int, help="Erase this household only, on request (art. 17)."
)
@click.option("--apply", is_flag=True, help="Erase; without it, only list what would go.")
@click.option("--at", "at_text", help="As of this day (YYYY-MM-DD) or moment, instead of now.")
@click.option("--operator", default="retention", show_default=True, help="Who is recorded in the audit log.")
@json_option
@user_errors
def purge(
    instance: Path, household_id: int | None, apply: bool, at_text: str | None, operator: str, as_json: bool
) -> None:
    """Erase households whose last card ended HOUSEHOLD_RETENTION ago and old batch files (run daily)."""
    from issuer.retention import purge as purge_data
    from issuer.settings import load_settings, retention_periods

    from ..core import to_rfc3339

    households, files = retention_periods(load_settings({"INSTANCE": str(instance)}))
    at = parse_moment(at_text, "--at") if at_text else now_seconds()
    db = open_db(instance)
    try:
        plan = purge_data(db, instance, at, households, files, apply, household_id, operator)
    finally:
        db.close()
    verb = ("Erased" if apply else "Would erase", "Deleted" if apply else "Would delete")
    result: dict[str, Any] = {
        "applied": plan.applied,
        "households": [
            {"id": h.id, "istat": h.istat, "ended_at": to_rfc3339(h.ended_at), "cards": h.cards}
            for h in plan.households
        ],
        "files": [path.name for path in plan.files],
    }
    lines = [
        f"{verb[0]} household {h['id']} ({h['istat']}, {h['cards']} cards, ended {h['ended_at'][:10]})"
        for h in result["households"]
    ]
    lines += [f"{verb[1]} batches/{name}" for name in result["files"]]
    lines.append(
        f"{len(plan.households)} households and {len(plan.files)} files erased"
        if apply
        else "Dry run: nothing changed; run again with --apply to erase"
    )
    emit(as_json, result, lines)


@issuer.command("reminders")
@instance_option
@click.option("--istat", required=True)
@click.option("--unsent", is_flag=True, help="Only the cards whose reminder was not sent.")
@click.option(
    "--letters",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the letters of every card not yet reminded (A4 PDF) and mark them sent.",
)
@click.option("--operator", help="Who is recorded as having sent them (with --letters).")
@click.option("--at", "at_text", help="As of this day (YYYY-MM-DD) or moment, instead of now.")
@json_option
@user_errors
def reminders(
    instance: Path,
    istat: str,
    unsent: bool,
    letters: Path | None,
    operator: str | None,
    at_text: str | None,
    as_json: bool,
) -> None:
    """The comune's cards due for renewal (no names), or with --letters their reminder letters."""
    from issuer import reminders as due
    from issuer.households import rules_of
    from issuer.reminder_letters import letters_of, letters_pdf
    from issuer.settings import load_settings

    if letters and not operator:
        raise CommandError("--letters needs --operator (who sends them, for the audit log)")
    renew_days = int(load_settings({"INSTANCE": str(instance)})["RENEW_DAYS"])
    at = parse_moment(at_text, "--at") if at_text else now_seconds()
    window = due.Window(at, renew_days)
    db = open_db(instance)
    try:
        comune = db["comuni"].get(istat_of(db, istat))
        if letters and operator:
            chosen = [row["cti"] for row in due.due_cards(db, istat, window, "unsent")][: due.MAX_LETTERS]
            if not chosen:
                raise CommandError(f"no card due within {renew_days} days without a reminder: no letters")
            due.mark_sent(db, operator, istat, chosen, window)
            sent = due.sent_together(db, istat, operator, at)
            isee = rules_of(db, istat).isee_ceiling_cents is not None
            made = letters_of(sent, at, renew_days)
            write_private_file(letters, letters_pdf(made, comune["name"], isee, at))
        rows = due.due_cards(db, istat, window, "unsent" if unsent else "all")
    finally:
        db.close()
    result = {
        "cards": [
            {
                "number": r["number"],
                "household": r["household_id"],
                "last_valid_day": r["last_day"].isoformat(),
                "days_left": r["days_left"],
                "reminder_sent_at": r["sent_at"],
                "reminder_sent_by": r["sent_by"],
            }
            for r in rows
        ]
    }
    lines = [
        f"{c['number']}  household {c['household']}  until {c['last_valid_day']} ({c['days_left']} days)  "
        + (f"reminded by {c['reminder_sent_by']}" if c["reminder_sent_at"] else "not reminded")
        for c in result["cards"]
    ]
    if letters:
        lines.append(f"Letters written to {letters}; their reminders marked sent")
    emit(as_json, result, lines or [f"No card due within {renew_days} days"])


@issuer.command("serve")
@instance_option
@click.option("--bind", default="127.0.0.1:8720", show_default=True)
@user_errors
def serve(instance: Path, bind: str) -> None:
    """Serve the office application with gunicorn; events are sent in the background. Refused while
    other users can read its database."""
    from issuer.setup import office_database

    from ..platform.storage.engines import check_reachable

    database = office_database(instance)
    if is_file(database):
        refuse_exposed_database(instance / "issuer.db")
    else:
        check_reachable(database)  # one line when it cannot be used
    from issuer.settings import load_settings, retention_periods

    retention_periods(load_settings({"INSTANCE": str(instance)}))  # a bad setting: one line, here
    secret = passphrase()
    exec_gunicorn(
        "issuer.gunicorn_conf",
        {"FAMILYCARD_ISSUER_INSTANCE": str(instance), "FAMILYCARD_ISSUER_BIND": bind, PASSPHRASE_ENV: secret},
    )
