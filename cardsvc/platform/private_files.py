"""Instance folders hold personal data and secrets: the folder is 0700 and its files 0600.

A database file is made 0600 before SQLite first opens it, so that its ``-wal`` and ``-shm`` files,
which SQLite creates with the database's own permissions, are 0600 too. ``serve`` commands call
:func:`refuse_exposed_database` and will not start on a database other users can read.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from cardsvc.core.errors import Forbidden

FOLDER_MODE = 0o700
FILE_MODE = 0o600
_OTHERS = stat.S_IRWXG | stat.S_IRWXO


class ExposedFile(Forbidden, OSError):
    """A file with personal data or secrets that other users can read; the message says how to fix it."""

    code = "exposed_file"


def private_folder(folder: Path) -> Path:
    """Make ``folder`` (and its parents) if missing; a folder made here is 0700."""
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
        os.chmod(folder, FOLDER_MODE)
    return folder


def make_private(folder: Path) -> None:
    """Restrict ``folder`` to 0700 and every file in it to 0600 (``init`` commands, on what they made)."""
    private_folder(folder)
    os.chmod(folder, FOLDER_MODE)
    for path in folder.rglob("*"):
        if path.is_dir():
            os.chmod(path, FOLDER_MODE)
        elif path.is_file() and not path.name.endswith(".pub.pem"):
            os.chmod(path, FILE_MODE)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (in a 0700 folder made if missing)."""
    if path.exists():
        return
    private_folder(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))


def write_private_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` with mode 0600 (replacing what was there)."""
    private_folder(path.parent)
    descriptor = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, FILE_MODE)
    with os.fdopen(descriptor, "wb") as handle:
        os.fchmod(handle.fileno(), FILE_MODE)
        handle.write(data)


def exposed(path: Path) -> bool:
    """True when group or other users have any access to ``path``."""
    return bool(path.stat().st_mode & _OTHERS)


def refuse_exposed_database(database: Path) -> None:
    """Raise :class:`ExposedFile` when the database, its -wal or -shm can be read by other users."""
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        if path.exists() and exposed(path):
            mode = stat.S_IMODE(path.stat().st_mode)
            raise ExposedFile(
                f"{path} holds personal data and other users can access it (mode {mode:o}); "
                f"restrict it with: chmod 600 {path}"
            )
