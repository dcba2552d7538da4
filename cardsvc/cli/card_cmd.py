"""``familycard card``: issue, revoke and verify cards against a network folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import click

from cardsvc.network.home import NetworkHome
from cardsvc.platform.json_client import Transport

from ..core import REASONS, parse_card_number, read_card_qr
from ..core.card_number import CardNumberError
from ..core.keys import b64url_decode
from .common import (
    CommandError,
    emit,
    home_option,
    json_option,
    now_seconds,
    parse_moment,
    passphrase,
    user_errors,
)

ISSUER_TOKEN_ENV = "FAMILYCARD_ISSUER_TOKEN"


@click.group()
def card() -> None:
    """Issue, revoke and verify cards."""


@card.command("issue")
@home_option
@click.option("--istat", required=True, help="ISTAT code of the issuing comune.")
@click.option("--holder", required=True, help="Holder name as printed (at most 24 UTF-8 bytes).")
@click.option("--minors", required=True, type=click.IntRange(0, 255), help="Minor children.")
@click.option("--valid-until", help="Last day of validity (YYYY-MM-DD); default 12 months.")
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path), help="QR image to write.")
@click.option(
    "--central",
    help=f"Register the card with this central service (the comune's credential in {ISSUER_TOKEN_ENV}).",
)
@json_option
@user_errors
def issue(
    home: Path,
    istat: str,
    holder: str,
    minors: int,
    valid_until: str | None,
    png: Path | None,
    central: str | None,
    as_json: bool,
) -> None:
    """Sign a card with the comune's active key and write its QR as PNG; with --central, send its
    ``issued`` event (the signed card, so the central service can check it) as an office does."""
    token = os.environ.get(ISSUER_TOKEN_ENV, "")
    if central and not token:
        raise CommandError(f"--central needs the comune's issuer credential in {ISSUER_TOKEN_ENV}")
    now = now_seconds()
    expires_at = parse_moment(valid_until, "--valid-until") if valid_until else None
    if expires_at is not None and expires_at <= now:
        raise CommandError("--valid-until is in the past")
    issued = NetworkHome(home).issue_card(
        istat, holder, minors, passphrase(), now, expires_at=expires_at, png=png
    )
    lines = [
        f"Card {issued.card_number} for {holder} ({istat}), valid until {issued.to_json()['expires_at']}",
        f"QR version {issued.qr_version}, image {issued.png}",
    ]
    registered = None
    if central:
        registered = register_card(central, token, istat, issued.text)
        lines.append(f"Central service: {registered}")
    emit(as_json, {**issued.to_json(), "registered": registered}, lines)


def register_card(central: str, token: str, istat: str, text: str, transport: Transport | None = None) -> str:
    """Send the card's ``issued`` event; its household pseudonym is the card's own (no household here)."""
    from cardsvc.platform.json_client import CentralRefused, CentralUnavailable, JsonClient, urllib_transport

    from ..core import parse_credential

    cti = parse_credential(text).claims.cti
    event = {"type": "issued", "istat": istat, "card": text, "household": hashlib.sha256(cti).hexdigest()}
    client = JsonClient(central, transport or urllib_transport(20), token)
    try:
        answer = client.call("POST", "/api/v1/card-events", {"events": [event]})
    except (CentralRefused, CentralUnavailable) as error:
        raise CommandError(f"the card was issued but not registered: {error}") from None
    result = answer["results"][0]
    if result["status"] == "rejected":
        raise CommandError(f"the card was issued but the central service refused it: {result['reason']}")
    return str(result["status"])


def card_identifier(value: str) -> bytes:
    """The cti from a printed card number, or from the cti itself in base64url."""
    try:
        return parse_card_number(value)
    except CardNumberError as number_error:
        try:
            cti = b64url_decode(value.strip())
        except ValueError:
            raise CommandError(f"--card: {number_error}") from None
        if len(cti) != 8:
            raise CommandError("--card: a cti is 8 bytes") from None
        return cti


@card.command("revoke")
@home_option
@click.option("--card", "card_ref", required=True, help="Printed card number or cti (base64url).")
@click.option("--reason", required=True, type=click.Choice(REASONS), help="Why it is revoked.")
@json_option
@user_errors
def revoke(home: Path, card_ref: str, reason: str, as_json: bool) -> None:
    """Add a card to the revocation list."""
    network_home = NetworkHome(home)
    entry = network_home.revoke_card(card_identifier(card_ref), reason, passphrase(), now_seconds())
    version = network_home.state["revocation_version"]
    emit(
        as_json,
        {**entry.to_json(), "revocation_list_version": version},
        [f"Card revoked ({reason}); revocation list version {version}"],
    )


@card.command("verify")
@home_option
@click.argument("text", required=False)
@click.option("--image", type=click.Path(dir_okay=False, path_type=Path), help="Photo or PNG.")
@click.option("--at", "at", help="Verify as of this time (RFC 3339 or YYYY-MM-DD).")
@click.option(
    "--lang",
    type=click.Choice(["it", "en"]),
    default="it",
    show_default=True,
    help="Language of the verdict.",
)
@json_option
@user_errors
def verify(
    home: Path, text: str | None, image: Path | None, at: str | None, lang: str, as_json: bool
) -> None:
    """Verify a card offline. Exit status 0 only when it is ACCEPTED, 1 when it is refused."""
    from cardsvc.platform.i18n import in_language
    from merchant_kiosk.i18n import t, verdict_message

    if (text is None) == (image is None):
        raise CommandError("give the card's text or --image, one of the two")
    if image is not None:
        text = read_card_qr(image.read_bytes())
    now = parse_moment(at, "--at") if at else now_seconds()
    verdict = NetworkHome(home).verify(text or "", now)
    result = verdict.to_json()
    with in_language(lang):
        lines = [f"{verdict.code.value}: {verdict_message(verdict.code.value)}"]
        if result["claims"]:
            c = result["claims"]
            lines.append(
                f"{c['holder']} · {c['comune'] or c['iss']} · {t('minors')} {c['minors']} · "
                f"{t('expires')} {c['expires_at']} · {c['card_number']}"
            )
        lines += [f"{w['code']}: {verdict_message(w['code'])}" for w in result["warnings"]]
    emit(as_json, result, lines)
    if not verdict.accepted:
        raise SystemExit(1)
