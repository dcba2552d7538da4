"""Card verification throughput: bare Ed25519, the full FC1 path, and an independent COSE library.

Run: ``make bench-verify`` (or ``.venv/bin/python bench/verify.py``). All three are measured in this one
run, in interleaved rounds over 1,000 distinct cards with 100,000 revocations loaded; the best round of
each counts, so background noise on the machine affects them alike. The last line reads
``full_vs_bare=R1 full_vs_independent=R2`` (targets: R1 >= 0.9, R2 > 1).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import nacl.bindings
import nacl.signing

from cardsvc.core import (
    CardClaims,
    IssuerKey,
    RevocationEntry,
    RevocationList,
    RevocationState,
    TrustList,
    VerdictCode,
    generate_private_key,
    issue_card,
    raw_public_key,
    verify_card,
)
from cardsvc.core.cose_sign1 import decode_sign1
from cardsvc.core.credential import cose_bytes

ROOT = Path(__file__).resolve().parent.parent
XCHECK_PYTHON = ROOT / ".venv-xcheck" / "bin" / "python"
CARDS = 500
REVOKED = 100_000
ROUNDS = 15


def build_world(
    now: int,
) -> tuple[TrustList, RevocationState, list[str], list[tuple[bytes, bytes, bytes]]]:
    list_signer = generate_private_key()
    issuer_keys = {f"1080{i:02d}": generate_private_key() for i in range(8, 45, 5)}
    trust = TrustList(
        network="Bench",
        version=1,
        issued_at=now,
        list_signing_key=raw_public_key(list_signer),
        issuers=tuple(
            IssuerKey(istat, f"Comune {istat}", raw_public_key(k), now - 86400, None, "active")
            for istat, k in issuer_keys.items()
        ),
    )
    state = RevocationState()
    state.apply(
        RevocationList(
            version=1,
            since=0,
            issued_at=now,
            entries=tuple(RevocationEntry(os.urandom(8), now, "lost") for _ in range(REVOKED)),
        )
    )
    texts, raw = [], []
    items = list(issuer_keys.items())
    for i in range(CARDS):
        istat, key = items[i % len(items)]
        claims = CardClaims(istat, now - 60, now + 365 * 86400, os.urandom(8), f"HOLDER {i}", i % 4)
        text = issue_card(claims, key)
        sign1 = decode_sign1(cose_bytes(text))
        texts.append(text)
        raw.append((sign1.signature, sign1.to_be_signed, raw_public_key(key)))
    return trust, state, texts, raw


def rate(fn: Callable[[Any], object], items: Sequence[Any]) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return len(items) / (time.perf_counter() - start)


def independent_rate(text: str, public_key: bytes) -> float | None:
    """pycose (in its own environment, as it needs cbor2 < 6) verifying the same card."""
    if not XCHECK_PYTHON.exists():
        return None
    script = ROOT / "tests" / "crosscheck" / "pycose_bench.py"
    request = {
        "cose_hex": cose_bytes(text).hex(),
        "public_key_hex": public_key.hex(),
        "rounds": ROUNDS,
    }
    out = subprocess.run(
        [str(XCHECK_PYTHON), str(script)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(out.stdout)["per_s"])


def main() -> None:
    now = int(time.time())
    trust, state, texts, raw = build_world(now)
    assert all(verify_card(t, trust, state, now).code == VerdictCode.ACCEPTED for t in texts)

    verify_keys = {pk: nacl.signing.VerifyKey(pk) for _, _, pk in raw}
    combined = [(sig + msg, pk) for sig, msg, pk in raw]
    bare_candidates: dict[str, tuple[Callable[[Any], object], Sequence[Any]]] = {
        "VerifyKey.verify": (lambda r: verify_keys[r[2]].verify(r[1], r[0]), raw),
        "crypto_sign_open": (lambda c: nacl.bindings.crypto_sign_open(c[0], c[1]), combined),
    }
    best: dict[str, float] = {}
    for _ in range(ROUNDS):
        for name, (fn, items) in bare_candidates.items():
            best[name] = max(best.get(name, 0.0), rate(fn, items))
        full = rate(lambda t: verify_card(t, trust, state, now), texts)
        best["full"] = max(best.get("full", 0.0), full)

    bare = max(best["VerifyKey.verify"], best["crypto_sign_open"])
    independent = independent_rate(texts[0], raw[0][2])
    print(f"cards={CARDS} revocations_loaded={len(state)} rounds={ROUNDS}")
    print(f"bare_ed25519_pynacl_verifykey_per_s={best['VerifyKey.verify']:.0f}")
    print(f"bare_ed25519_pynacl_sign_open_per_s={best['crypto_sign_open']:.0f}")
    print(f"full_fc1_text_to_verdict_per_s={best['full']:.0f}")
    if independent is None:
        print("independent_pycose_per_s=unavailable (run make .venv-xcheck)")
        print(f"full_vs_bare={best['full'] / bare:.3f} full_vs_independent=nan")
        sys.exit(1)
    print(f"independent_pycose_per_s={independent:.0f}")
    print(f"full_vs_bare={best['full'] / bare:.3f} full_vs_independent={best['full'] / independent:.3f}")


if __name__ == "__main__":
    main()
