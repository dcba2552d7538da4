"""Private keys on disk: PEM (PKCS#8) encrypted with a passphrase, mode 0600, written atomically.

A key file that other users can read is refused on load: a private key that has been exposed must be
treated as compromised, not quietly used.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cardsvc.core.errors import InvalidInput
from cardsvc.platform.private_files import private_folder

PASSPHRASE_ENV = "FAMILYCARD_PASSPHRASE"
MIN_PASSPHRASE_LENGTH = 8


class KeyFileError(InvalidInput, ValueError):
    """A key file is missing, unreadable, exposed, or the passphrase is wrong."""

    code = "key_file"


def write_private_key(path: Path, key: Ed25519PrivateKey, passphrase: str) -> None:
    """Write ``key`` encrypted with ``passphrase`` to ``path`` (mode 0600); never overwrite."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise KeyFileError(f"the passphrase must have at least {MIN_PASSPHRASE_LENGTH} characters")
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )
    write_file_atomically(path, pem, mode=0o600, overwrite=False)


def read_private_key(path: Path, passphrase: str) -> Ed25519PrivateKey:
    """Load an encrypted Ed25519 private key, refusing files readable by group or others."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise KeyFileError(f"private key file not found: {path}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"private key {path} is readable by other users (mode {stat.S_IMODE(mode):o}); "
            "treat it as exposed, or restrict it with: chmod 600"
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise KeyFileError(f"cannot decrypt {path}: wrong passphrase or not a key file") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} does not hold an Ed25519 private key")
    return key


def write_file_atomically(path: Path, data: bytes, mode: int = 0o644, overwrite: bool = True) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename it into place."""
    private_folder(path.parent)  # a folder made here holds keys or secrets: 0700
    if not overwrite and path.exists():
        raise KeyFileError(f"refusing to overwrite {path}")
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp_name, path)
        else:
            os.link(tmp_name, path)  # fails if the path appeared meanwhile
            os.unlink(tmp_name)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def instance_secret(path: Path) -> str:
    """A random secret kept in ``path`` (mode 0600), made on first use: session signing, pseudonyms."""
    if not path.exists():
        with contextlib.suppress(FileExistsError, KeyFileError):  # another worker made it first: use it
            write_file_atomically(path, secrets.token_hex(32).encode(), mode=0o600, overwrite=False)
    return path.read_text().strip()
