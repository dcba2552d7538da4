"""The list-signing key, loaded once per process from its encrypted file."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app

from cardsvc.core.errors import Unavailable
from cardsvc.network.keystore import PASSPHRASE_ENV, KeyFileError, read_private_key

_cache: dict[str, Ed25519PrivateKey] = {}
_lock = threading.Lock()


def list_signer() -> Ed25519PrivateKey:
    path = str(current_app.config["LIST_SIGNING_KEY"])
    with _lock:
        key = _cache.get(path)
        if key is None:
            passphrase = os.environ.get(PASSPHRASE_ENV, "")
            try:
                key = read_private_key(Path(path), passphrase)
            except KeyFileError as exc:
                raise Unavailable(str(exc), code="list_signing_key_unavailable") from None
            _cache[path] = key
    return key
