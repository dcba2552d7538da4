"""A central service's instance folder: where its files live, and its first set-up from the network folder
(root key pinned, trust list and revocations imported, list-signing key installed)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cardsvc.core.errors import Conflict
from cardsvc.network.home import NetworkHome
from cardsvc.network.keystore import write_file_atomically
from cardsvc.platform.private_files import make_private, private_folder
from cardsvc.platform.storage.database import Database

from ..core import from_rfc3339
from ..core.keys import b64url_decode
from . import list_service
from .schema import open_database

INSTANCE_FILES = {
    "DATABASE": "central.db",
    "LIST_SIGNING_KEY": "keys/list-signing.pem",
    "SECRET_KEY_FILE": "secret_key",
}


class SetupRefused(Conflict, ValueError):
    """The instance cannot be set up from this network folder; the message says why."""

    code = "setup_refused"


@dataclass(frozen=True)
class SetupResult:
    instance: Path
    trust_list_version: int
    comuni: int


def instance_settings(instance: Path) -> dict[str, str]:
    """The app's settings for the files of ``instance``."""
    return {name: str(instance / file) for name, file in INSTANCE_FILES.items()}


def open_instance_database(instance: Path) -> Database:
    """The instance's database (its file, or the ``DATABASE_URL`` of its settings), its folder made
    private first."""
    private_folder(instance)
    return open_database(instance_database(instance))


def instance_database(instance: Path) -> str:
    """Where the instance keeps its data: ``DATABASE_URL`` when set, else its file."""
    from .settings import load_settings

    return str(load_settings().get("DATABASE_URL") or instance / INSTANCE_FILES["DATABASE"])


def init_central(instance: Path, network_home: Path, now: int) -> SetupResult:
    """Pin the root key, install the list-signing key, import the trust list and revocations.

    Running it again on the same network is harmless; another network's folder raises
    :class:`SetupRefused`, a trust list the pinned root did not sign raises ``InvalidInput``.
    """
    home = NetworkHome(network_home)
    db = open_instance_database(instance)
    try:
        trust_list_version, comuni = _install(db, instance, home, now)
    finally:
        db.close()
    make_private(instance)
    return SetupResult(instance, trust_list_version, comuni)


def _install(db: Database, instance: Path, home: NetworkHome, now: int) -> tuple[int, int]:
    """The set-up's writes; returns the trust list's version and its number of comuni."""
    pinned = list_service.network_value(db, "root_public_key")
    if pinned is not None and pinned != home.state["root_public_key"]:
        raise SetupRefused("this central service is pinned to another network's root key")
    key_target = instance / INSTANCE_FILES["LIST_SIGNING_KEY"]
    if not key_target.exists():
        key_target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(key_target.parent, 0o700)
        write_file_atomically(
            key_target, (home.path / "keys" / "list-signing.pem").read_bytes(), mode=0o600, overwrite=False
        )
    with db.atomic():
        list_service.set_network_value(db, "root_public_key", home.state["root_public_key"])
        list_service.set_network_value(db, "list_signing_public_key", home.state["list_signing_public_key"])
    trust = list_service.import_trust_list(db, home.state["trust_list"], now)
    with db.atomic():
        for entry in home.state["revocations"]:
            revoked_at = from_rfc3339(entry["revoked_at"])
            list_service.revoke_card(db, entry["cti"], "", revoked_at, entry["reason"])
    b64url_decode(home.state["root_public_key"])
    return trust.version, len({i.istat for i in trust.issuers})
