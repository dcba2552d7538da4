import hashlib
import os
import stat
from pathlib import Path

import pytest

from cardsvc.core import generate_private_key, kid_for, raw_public_key
from cardsvc.core.keys import KeyFormatError, public_key_from_pem, public_key_to_pem
from cardsvc.network.keystore import KeyFileError, read_private_key, write_private_key

pytestmark = pytest.mark.unit
PASS = "correct horse battery"


def test_kid_is_the_first_8_bytes_of_sha256_of_the_raw_key() -> None:
    public = raw_public_key(generate_private_key())
    assert kid_for(public) == hashlib.sha256(public).digest()[:8]
    with pytest.raises(KeyFormatError):
        kid_for(public[:31])


def test_private_key_is_encrypted_with_mode_0600(tmp_path: Path) -> None:
    key = generate_private_key()
    path = tmp_path / "k.pem"
    write_private_key(path, key, PASS)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in path.read_bytes()
    assert raw_public_key(read_private_key(path, PASS)) == raw_public_key(key)


def test_wrong_passphrase_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    write_private_key(path, generate_private_key(), PASS)
    with pytest.raises(KeyFileError, match="passphrase"):
        read_private_key(path, "not the passphrase")


@pytest.mark.parametrize("mode", [0o644, 0o604, 0o640])
def test_key_readable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "k.pem"
    write_private_key(path, generate_private_key(), PASS)
    os.chmod(path, mode)
    with pytest.raises(KeyFileError, match="chmod 600"):
        read_private_key(path, PASS)


def test_key_files_are_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    write_private_key(path, generate_private_key(), PASS)
    before = path.read_bytes()
    with pytest.raises(KeyFileError, match="overwrite"):
        write_private_key(path, generate_private_key(), PASS)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["k.pem"]


def test_short_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="at least"):
        write_private_key(tmp_path / "k.pem", generate_private_key(), "short")
    assert not (tmp_path / "k.pem").exists()


def test_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="not found"):
        read_private_key(tmp_path / "absent.pem", PASS)


def test_public_key_pem_round_trip_and_refusals() -> None:
    public = raw_public_key(generate_private_key())
    assert public_key_from_pem(public_key_to_pem(public)) == public
    with pytest.raises(KeyFormatError):
        public_key_from_pem(b"-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    pem = other.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(KeyFormatError, match="Ed25519"):
        public_key_from_pem(pem)
