"""Redemption ingest throughput of the central service under gunicorn (2 workers) on loopback.

Run: ``make bench-ingest``. Sets up a network and a central instance in a temporary folder, enrols
several kiosks, pre-builds their signed batches (so the client's own work is not timed), uploads
100,000 redemptions concurrently, re-sends a share of the batches, and checks the totals: nothing lost,
nothing counted twice. From the same run it prints the bare Ed25519 verify rate times the cores, the
limit, since every record's card is re-verified. Last line:
``redemptions_per_s=N verify_limit_per_s=M lost=L duplicated=D``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nacl.bindings  # noqa: E402

from cardsvc.core import CardClaims, generate_private_key, issue_card, raw_public_key, to_rfc3339  # noqa: E402
from cardsvc.core.cose_sign1 import decode_sign1  # noqa: E402
from cardsvc.core.credential import cose_bytes  # noqa: E402
from cardsvc.core.ledger_chain import chain_records, sign_batch  # noqa: E402
from cardsvc.network.keystore import read_private_key  # noqa: E402
from tests.e2e.network_setup import AdminClient, HttpClient, make_central_instance, make_network  # noqa: E402
from tests.e2e.servers import familycard_server  # noqa: E402

TOTAL = int(os.environ.get("BENCH_REDEMPTIONS", "100000"))
KIOSKS = 8
BATCH = 500
CARDS = 10_000
RESEND_SHARE = 0.1
PASS = "bench-passphrase-123"
PASSWORD = "bench-user-password"


def bare_verify_rate(card: str, public_key: bytes) -> float:
    """Single-core rate of libsodium verifying this card's signature (best of five rounds)."""
    signed = decode_sign1(cose_bytes(card)).signed_message
    nacl.bindings.crypto_sign_open(signed, public_key)  # raises if the key is not the card's
    best = 0.0
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(2000):
            nacl.bindings.crypto_sign_open(signed, public_key)
        best = max(best, 2000 / (time.perf_counter() - start))
    return best


def backdate_offers(instance: Path, seconds: int) -> None:
    """The shops' offers were published before the records' month: as if published ``seconds`` earlier."""
    import sqlite3

    with sqlite3.connect(instance / "central.db") as db:
        db.execute("update offer_status_history set at = at - ?", [seconds])


def main() -> None:
    os.environ["FAMILYCARD_PASSPHRASE"] = PASS
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        now = int(time.time())
        comuni = ["108040", "108012", "108034"]
        home = make_network(
            tmp / "network", {istat: f"Comune {istat}" for istat in comuni}, PASS, now - 40 * 86400
        )
        instance = make_central_instance(tmp / "central", home, PASS, PASSWORD)
        # the records span the last 30 days: their months stay open for the bench
        env = {"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_CENTRAL_CLOSING_DAYS": "40"}

        keys = {
            r["istat"]: read_private_key(home.path / r["key_file"], PASS) for r in home.state["issuer_keys"]
        }
        print(f"issuing {CARDS} cards…", file=sys.stderr)
        cards = [
            issue_card(
                CardClaims(
                    comuni[i % 3], now - 35 * 86400, now + 300 * 86400, os.urandom(8), f"F {i}", 1 + i % 3
                ),
                keys[comuni[i % 3]],
            )
            for i in range(CARDS)
        ]
        with familycard_server(
            ["central", "serve", "--instance", str(instance), "--workers", "2"],
            env,
            "/api/v1/lists/trust",
            tmp / "central.log",
        ) as base:
            admin = AdminClient(base, "admin", PASSWORD)
            kiosks = []
            vats = ["01234567897", "12345678903", "11111111115", "22222222220",
                    "33333333335", "44444444440", "55555555550", "66666666665"]  # fmt: skip
            for k in range(KIOSKS):
                merchant = admin.merchant(f"Negozio {k}", vats[k], comuni[k % 3])
                offer_id = admin.published_offer(merchant, percent=5)
                device = generate_private_key()
                kiosks.append((admin.enrol(merchant, device), device, offer_id))

            backdate_offers(instance, 40 * 86400)
            print("building signed batches…", file=sys.stderr)
            per_kiosk = TOTAL // KIOSKS
            plans: list[tuple[dict[str, Any], list[bytes]]] = []
            expected_spend = 0
            counter = 0
            for enrolled, device, offer_id in kiosks:
                records = []
                for n in range(per_kiosk):
                    amount = 1000 + counter % 5000
                    expected_spend += amount
                    card = cards[counter % CARDS]
                    day = (counter // CARDS) % 30  # each card at most once a day
                    records.append(
                        {
                            "id": f"{enrolled['kiosk_id']}-{n}",
                            "type": "redemption",
                            "card": card,
                            "offer_id": offer_id,
                            "amount_cents": amount,
                            "discount_cents": amount // 20,
                            "at": to_rfc3339(now - day * 86400 - 3600),
                        }
                    )
                    counter += 1
                chained = chain_records(records)
                bodies = [
                    json.dumps(
                        sign_batch(enrolled["kiosk_id"], chained[i : i + BATCH], device, to_rfc3339(now))
                    ).encode()
                    for i in range(0, len(chained), BATCH)
                ]
                plans.append((enrolled, bodies))

            failures: list[str] = []

            def upload(enrolled: dict[str, Any], bodies: list[bytes]) -> None:
                kiosk_client = HttpClient(base, {"Authorization": "Bearer " + enrolled["token"]})
                for body in bodies:
                    status, answer = kiosk_client.call("POST", "/api/v1/redemptions", body)
                    if status != 200 or any(r["status"] == "rejected" for r in answer["results"]):
                        failures.append(f"{status} {str(answer)[:200]}")

            threads = [threading.Thread(target=upload, args=plan) for plan in plans]
            start = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - start

            resend = [
                (enrolled, bodies[: max(1, int(len(bodies) * RESEND_SHARE))]) for enrolled, bodies in plans
            ]
            threads = [threading.Thread(target=upload, args=plan) for plan in resend]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            totals = admin.ok("GET", "/api/v1/admin/totals")

    expected = per_kiosk * KIOSKS
    counted = totals["redemptions"]
    lost = max(0, expected - counted)
    duplicated = max(0, counted - expected)
    verify_limit = bare_verify_rate(cards[0], raw_public_key(keys[comuni[0]])) * (os.cpu_count() or 1)
    print(f"uploaded={expected} in {elapsed:.1f} s by {KIOSKS} kiosks", end=" ")
    print(f"in batches of {BATCH}; then re-sent {RESEND_SHARE:.0%} of the batches")
    print(f"counted={counted} spend_ok={totals['spend_cents'] == expected_spend} failures={len(failures)}")
    for failure in failures[:3]:
        print("  failure:", failure)
    rate, limit = expected / elapsed, verify_limit
    print(f"redemptions_per_s={rate:.0f} verify_limit_per_s={limit:.0f} lost={lost} duplicated={duplicated}")


if __name__ == "__main__":
    main()
