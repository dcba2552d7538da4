"""Latency at the till: scan-to-verdict and redemption commit, against a running kiosk under gunicorn.

Run: ``make bench-kiosk``. Sets up a network, a central service and an enrolled kiosk in a temporary
folder, starts both under gunicorn on loopback, then for 1,000 different cards times the HTTP request
with the QR text until the rendered verdict page is back, and the POST that records the discount until
the till answers "recorded" (the ledger transaction committed with ``synchronous=FULL``). From the same
run it prints the bare libsodium verify time of one card. Targets: verdict p99 ≤ 10 ms, commit p99 ≤
25 ms. Last line: ``verdict_p50_ms=A verdict_p99_ms=B commit_p50_ms=C commit_p99_ms=D bare_verify_ms=E``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nacl.bindings  # noqa: E402

from cardsvc.core import CardClaims, issue_card, raw_public_key  # noqa: E402
from cardsvc.core.cose_sign1 import decode_sign1  # noqa: E402
from cardsvc.core.credential import cose_bytes  # noqa: E402
from cardsvc.network.keystore import read_private_key  # noqa: E402
from tests.e2e.network_setup import AdminClient, enrol_till, make_central_instance, make_network  # noqa: E402
from tests.e2e.servers import familycard_process  # noqa: E402
from tests.e2e.till_client import TillClient  # noqa: E402

SCANS = int(os.environ.get("BENCH_SCANS", "1000"))
WARMUP = 50
PASS = "bench-passphrase-123"
PASSWORD = "bench-user-password"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bare_verify_ms(card: str, public_key: bytes) -> float:
    """Median time of libsodium verifying this card's signature, in milliseconds."""
    signed = decode_sign1(cose_bytes(card)).signed_message
    rounds = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(1000):
            nacl.bindings.crypto_sign_open(signed, public_key)
        rounds.append((time.perf_counter() - start) / 1000 * 1000)
    return statistics.median(rounds)


def main() -> None:
    os.environ["FAMILYCARD_PASSPHRASE"] = PASS
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        now = int(time.time())
        home = make_network(tmp / "network", {"108040": "Seveso"}, PASS, now - 86400)
        instance = make_central_instance(tmp / "central", home, PASS, PASSWORD)
        record = home.state["issuer_keys"][0]
        key = read_private_key(home.path / record["key_file"], PASS)
        cards = [
            issue_card(CardClaims("108040", now - 3600, now + 300 * 86400, os.urandom(8), f"F {i}", 2), key)
            for i in range(SCANS + WARMUP)
        ]
        env = {"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_KIOSK_SYNC_INTERVAL": "3600"}
        serve = ["central", "serve", "--instance", str(instance), "--workers", "1"]
        with familycard_process(serve, env, "/api/v1/lists/trust", tmp / "central.log") as central:
            admin = AdminClient(central.base, "admin", PASSWORD)
            merchant = admin.merchant("Farmacia Centrale", "01234567897", "108040", "farmacia")
            admin.published_offer(merchant, percent=10, cap_cents=1500)
            enrol_till(tmp / "till", central.base, admin.enrolment_code(merchant), PASS)
            till = ["kiosk", "serve", "--instance", str(tmp / "till")]
            with (
                familycard_process(till, env, "/health", tmp / "till.log") as server,
                TillClient(server.base) as client,
            ):
                client.open()
                verdicts: list[float] = []
                commits: list[float] = []
                for number, card in enumerate(cards):
                    start = time.perf_counter()
                    scanned = client.scan(card)
                    scanned_at = time.perf_counter()
                    assert scanned.verdict == "ACCEPTED", scanned.verdict
                    client.redeem(scanned, f"{10 + number % 90},50")
                    committed_at = time.perf_counter()
                    if number >= WARMUP:
                        verdicts.append((scanned_at - start) * 1000)
                        commits.append((committed_at - scanned_at) * 1000)
    bare = bare_verify_ms(cards[0], raw_public_key(key))
    figures = {
        "verdict_p50_ms": statistics.median(verdicts),
        "verdict_p99_ms": percentile(verdicts, 0.99),
        "commit_p50_ms": statistics.median(commits),
        "commit_p99_ms": percentile(commits, 0.99),
        "bare_verify_ms": bare,
    }
    print(f"scans={len(verdicts)} (after {WARMUP} warm-up) against gunicorn on loopback")
    ratio = figures["verdict_p99_ms"] / bare
    print(f"verdict p99 is {ratio:.0f}x the bare verify; targets: verdict p99 <= 10 ms, commit p99 <= 25 ms")
    print(" ".join(f"{name}={value:.3f}" for name, value in figures.items()))


if __name__ == "__main__":
    main()
