"""``familycard network``: the network's root of trust, kept on an offline machine."""

from __future__ import annotations

from pathlib import Path

import click

from cardsvc.network.home import NetworkHome
from cardsvc.network.keystore import write_file_atomically

from ..core.keys import b64url, public_key_from_pem
from .common import (
    CommandError,
    emit,
    home_option,
    json_option,
    now_seconds,
    passphrase,
    user_errors,
)


@click.group()
def network() -> None:
    """Create and change the network: root key, comuni, issuer keys, trust list."""


@network.command("init")
@home_option
@click.option("--name", required=True, help="The network's name, as the trust list carries it.")
@json_option
@user_errors
def init(home: Path, name: str, as_json: bool) -> None:
    """Create a network: root key, list-signing key, empty signed lists."""
    created = NetworkHome.init(home, name, passphrase(confirm=True), now_seconds())
    shown = created.show()
    emit(
        as_json,
        {key: shown[key] for key in ("name", "root_public_key", "root_kid", "list_signing_kid")},
        [f"Network {name!r} created in {home}", f"root key id: {shown['root_kid']}"],
    )


@network.command("add-comune")
@home_option
@click.option("--istat", required=True, help="The comune's six-digit ISTAT code.")
@click.option("--name", required=True, help="The comune's name.")
@click.option(
    "--public-key",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="PEM public key made by the comune's office; without it a key is generated here.",
)
@json_option
@user_errors
def add_comune(home: Path, istat: str, name: str, public_key: Path | None, as_json: bool) -> None:
    """Add a comune and its issuer key; the trust list is re-signed."""
    network_home = NetworkHome(home)
    raw = public_key_from_pem(public_key.read_bytes()) if public_key else None
    key = network_home.add_comune(istat, name, passphrase(), now_seconds(), raw)
    version = network_home.state["trust_list_version"]
    emit(
        as_json,
        {**key.to_json(), "trust_list_version": version},
        [f"Added {name} ({istat}), issuer key {b64url(key.kid)}; trust list version {version}"],
    )


@network.command("show")
@home_option
@json_option
@user_errors
def show(home: Path, as_json: bool) -> None:
    """The network's keys, issuers and current signed lists."""
    shown = NetworkHome(home).show()
    lines = [
        f"{shown['name']}: trust list v{shown['trust_list_version']}, "
        f"revocation list v{shown['revocation_list_version']} ({shown['revoked_cards']} cards)",
        f"root key {shown['root_kid']}, list-signing key {shown['list_signing_kid']}",
    ]
    lines += [f"  {i['istat']} {i['comune']}: {i['kid']} {i['status']}" for i in shown["issuers"]]
    emit(as_json, shown, lines)


@network.command("rotate-key")
@home_option
@click.option("--istat", required=True, help="The comune whose key is replaced.")
@click.option(
    "--public-key",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="PEM public key of the comune office's new key; without it a key is generated here.",
)
@json_option
@user_errors
def rotate_key(home: Path, istat: str, public_key: Path | None, as_json: bool) -> None:
    """Retire the comune's active key (its cards stay valid) and make or import a new one."""
    raw = public_key_from_pem(public_key.read_bytes()) if public_key else None
    key = NetworkHome(home).rotate_key(istat, passphrase(), now_seconds(), raw)
    emit(as_json, key.to_json(), [f"Comune {istat}: new active key {b64url(key.kid)}"])


@network.command("revoke-key")
@home_option
@click.option("--kid", required=True, help="The compromised key's id (base64url).")
@json_option
@user_errors
def revoke_key(home: Path, kid: str, as_json: bool) -> None:
    """Revoke a compromised issuer key: every card it signed is refused."""
    key = NetworkHome(home).revoke_key(kid, passphrase(), now_seconds())
    if key.status != "revoked":
        raise CommandError("the key was not revoked")
    emit(as_json, key.to_json(), [f"Key {kid} of {key.comune} revoked"])


@network.command("sign-trust-list")
@home_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the signed list here.")
@json_option
@user_errors
def sign_trust_list(home: Path, out: Path | None, as_json: bool) -> None:
    """Sign the trust list anew (higher version) for the central service to import."""
    network_home = NetworkHome(home)
    token = network_home.sign_trust_list(passphrase(), now_seconds())
    target = out or home / "trust-list.jws"
    if out is not None:
        write_file_atomically(out, token.encode())
    version = network_home.state["trust_list_version"]
    emit(
        as_json,
        {"trust_list_version": version, "file": str(target), "trust_list": token},
        [
            f"Trust list v{version} signed: {target}",
            "Import it with: familycard central import-trust-list FILE",
        ],
    )
