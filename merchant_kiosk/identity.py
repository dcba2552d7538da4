"""The kiosk's identity in its instance folder, and enrolment.

``credential.json`` (mode 0600) holds the central URL, the kiosk id and its bearer token;
``device.pem`` (mode 0600, encrypted with ``FAMILYCARD_PASSPHRASE``) the device key that signs uploads;
``kiosk.db`` the ledger, the lists and the offers. Enrolment pins the root public key the central service
sends: from then on only lists signed under that root are taken.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cardsvc.core import from_rfc3339, generate_private_key, raw_public_key
from cardsvc.core.errors import Unavailable
from cardsvc.core.keys import b64url
from cardsvc.network.keystore import KeyFileError, read_private_key, write_file_atomically, write_private_key
from cardsvc.platform.private_files import make_private, private_folder

from . import store
from .central_client import CentralClient, Transport
from .lists import apply_lists
from .schema import open_database


class NotEnrolled(Unavailable):
    """The instance folder has no kiosk credential yet."""

    code = "not_enrolled"


@dataclass(frozen=True)
class Identity:
    central_url: str
    kiosk_id: str
    token: str
    device_key: Ed25519PrivateKey


def database_path(instance: Path) -> str:
    return str(instance / "kiosk.db")


def load_identity(instance: Path, passphrase: str) -> Identity:
    credential = instance / "credential.json"
    if not credential.exists():
        raise NotEnrolled(f"{instance} holds no enrolled kiosk (run: familycard kiosk enroll)")
    data = json.loads(credential.read_text())
    return Identity(
        data["central_url"],
        data["kiosk_id"],
        data["token"],
        read_private_key(instance / "device.pem", passphrase),
    )


def enroll(
    instance: Path, central_url: str, code: str, passphrase: str, transport: Transport
) -> dict[str, Any]:
    """Exchange a one-time code for this kiosk's identity, lists and offers."""
    if (instance / "credential.json").exists():
        raise KeyFileError(f"{instance} already holds an enrolled kiosk")
    private_folder(instance)
    device = generate_private_key()
    answer = CentralClient(central_url, transport).enrol(code, b64url(raw_public_key(device)))
    write_private_key(instance / "device.pem", device, passphrase)
    try:
        db = open_database(database_path(instance))
        with db.atomic():
            pinned = {"root_public_key": answer["root_public_key"], "kiosk_id": answer["kiosk_id"]}
            store.put_many(db, pinned | {"last_sync_at": from_rfc3339(answer["server_time"]), "online": True})
        apply_bundle(db, answer, from_rfc3339(answer["server_time"]))
        credential = {"central_url": central_url, "kiosk_id": answer["kiosk_id"], "token": answer["token"]}
        write_file_atomically(
            instance / "credential.json", json.dumps(credential).encode(), mode=0o600, overwrite=False
        )
    except BaseException:
        (instance / "device.pem").unlink(missing_ok=True)
        Path(database_path(instance)).unlink(missing_ok=True)
        raise
    make_private(instance)
    return {"kiosk_id": answer["kiosk_id"], "merchant": answer["merchant"], "offers": len(answer["offers"])}


def apply_bundle(
    db: Any, bundle: dict[str, Any], server_time: int, etag: str | None = None
) -> dict[str, int]:
    """Store what enrolment or a sync brings: lists, offers, merchant, the central service's position
    in this till's chain, the server's time (the clock floor) and the answer's ETag, which the next sync
    sends to be told when nothing has changed."""
    summary = apply_lists(db, bundle.get("trust_list"), bundle["revocation_list"])
    with db.atomic():
        db.execute("delete from offers")
        db.conn.executemany(
            "insert into offers (id, json) values (?, ?)",
            [(o["id"], json.dumps(o)) for o in bundle["offers"]],
        )
        held = {"merchant": bundle["merchant"], "central_seq": bundle.get("last_seq"), "sync_etag": etag}
        store.put_many(db, held)
        raise_clock_floor(db, server_time)
    return summary


def raise_clock_floor(db: Any, server_time: int) -> None:
    """The server's time seen at a sync: the till's clock may not lag it (``CLOCK_TOLERANCE``)."""
    floor = max(int(store.get(db, "last_server_time", 0)), server_time)
    store.put(db, "last_server_time", floor)
