"""A comune office's first set-up and its comuni, callable by the command line, the demo and tests alike.

``init_office`` creates the database (0600 in a 0700 folder), pins the network's root key and remembers
the central service; ``set_up_comune`` adds or updates a comune the office serves, with its eligibility
rules and its credential for card events.
"""

from __future__ import annotations

from pathlib import Path

from cardsvc.core.errors import InvalidInput
from cardsvc.core.keys import Verifier, b64url_decode
from cardsvc.platform.private_files import make_private, private_folder
from cardsvc.platform.storage.database import Database

from .schema import open_database
from .signing_keys import pin_root, put_setting

DATABASE_FILE = "issuer.db"


def open_office(instance: Path) -> Database:
    """The office's database (``issuer.db`` in ``instance``, or the ``DATABASE_URL`` of its settings),
    created and migrated if needed."""
    return open_database(office_database(instance))


def office_database(instance: Path) -> str:
    """Where the office in ``instance`` keeps its data: ``DATABASE_URL`` when set, else its file."""
    from .settings import load_settings

    return str(load_settings().get("DATABASE_URL") or private_folder(instance) / DATABASE_FILE)


def init_office(instance: Path, root_public_key: str, central_url: str = "") -> Database:
    """Create the office in ``instance``, pin the root key; refuses a URL that is not http(s)."""
    if central_url and not central_url.startswith(("http://", "https://")):
        raise InvalidInput(f"--central: {central_url!r} is not an http(s) URL", code="central_url")
    try:
        Verifier(b64url_decode(root_public_key))  # checked before anything is created
    except ValueError as error:
        raise InvalidInput(f"--root-public-key: {error}", code="root_public_key") from None
    db = open_office(instance)
    try:
        pin_root(db, root_public_key)
    except ValueError as error:
        db.close()
        raise InvalidInput(f"--root-public-key: {error}", code="root_public_key") from None
    if central_url:
        put_setting(db, "central_url", central_url.rstrip("/"))
    make_private(instance)
    return db


def set_up_comune(
    db: Database,
    istat: str,
    name: str,
    min_minors: int = 1,
    isee_ceiling_cents: int | None = None,
    central_token: str = "",
) -> dict[str, object]:
    """Add or update a comune served by the office; returns the row as stored (token included)."""
    if not (len(istat) == 6 and istat.isdigit()):
        raise InvalidInput(f"--istat: {istat!r} is not a six-digit ISTAT code", code="istat")
    if not name.strip():
        raise InvalidInput("--name: the comune needs a name", code="comune_name")
    row: dict[str, object] = {
        "istat": istat,
        "name": name.strip(),
        "min_minors": min_minors,
        "isee_ceiling_cents": isee_ceiling_cents,
    }
    if central_token:
        row["central_token"] = central_token
    db.table("comuni").upsert(row)
    return row
