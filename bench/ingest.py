"""Redemption ingest throughput of the central service under gunicorn on loopback.

Run: ``make bench-ingest`` (SQLite), ``make bench-ingest-postgres`` (``--database postgresql``). Sets up
a network and a central instance in a temporary folder, enrols several kiosks, pre-builds their signed
batches (so the client's own work is not timed), uploads 100,000 redemptions (``BENCH_REDEMPTIONS``)
concurrently, re-sends a share of the batches, and checks the totals: nothing lost, nothing counted
twice. From the same run it prints the bare Ed25519 verify rate times the cores, the limit, since every
record's card is re-verified.

On SQLite one instance serves (``--workers`` gunicorn workers). On PostgreSQL (a throwaway server with
``fsync`` on) the instance's database is a fresh PostgreSQL database and TWO gunicorn instances serve
it (same instance folder, same ``DATABASE_URL``, different ports): each kiosk uploads to one of them,
alternately, and re-sends its batches to the other, so a duplicate is caught across instances. Last
line: ``backend=sqlite redemptions_per_s=N verify_limit_per_s=M lost=L duplicated=D``, or
``backend=postgresql redemptions_per_s=N lost=L duplicated=D``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nacl.bindings  # noqa: E402
from bench_postgres import central_database_url, durable_postgres  # noqa: E402

from cardsvc.central.schema import open_database  # noqa: E402
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


def backdate_offers(address: str, seconds: int) -> None:
    """The shops' offers were published before the records' month: as if published ``seconds`` earlier
    (``address``: the instance's database file or ``DATABASE_URL``)."""
    db = open_database(address)
    with db.atomic():
        db.execute("update offer_status_history set at = at - ?", [seconds])
    db.close()


@dataclass
class Plan:
    """One kiosk's signed batches, the instance it uploads them to and the one it re-sends them to."""

    enrolled: dict[str, Any]
    bodies: list[bytes]
    base: str
    resend_base: str


def issue_cards(keys: dict[str, Any], comuni: list[str], now: int) -> list[str]:
    """``CARDS`` cards, spread over the comuni."""
    print(f"issuing {CARDS} cards…", file=sys.stderr)
    return [
        issue_card(
            CardClaims(
                comuni[i % 3], now - 35 * 86400, now + 300 * 86400, os.urandom(8), f"F {i}", 1 + i % 3
            ),
            keys[comuni[i % 3]],
        )
        for i in range(CARDS)
    ]


def enrol_kiosks(admin: AdminClient, comuni: list[str]) -> list[tuple[dict[str, Any], Any, int]]:
    """``KIOSKS`` shops with a published offer and an enrolled kiosk each: (enrolment, device key, offer)."""
    kiosks = []
    vats = ["01234567897", "12345678903", "11111111115", "22222222220",
            "33333333335", "44444444440", "55555555550", "66666666665"]  # fmt: skip
    for k in range(KIOSKS):
        merchant = admin.merchant(f"Negozio {k}", vats[k], comuni[k % 3])
        offer_id = admin.published_offer(merchant, percent=5)
        device = generate_private_key()
        kiosks.append((admin.enrol(merchant, device), device, offer_id))
    return kiosks


def build_plans(
    kiosks: list[tuple[dict[str, Any], Any, int]], cards: list[str], bases: list[str], now: int
) -> tuple[list[Plan], int]:
    """Each kiosk's chained and signed batches, its instance (alternating over ``bases``) and the one it
    re-sends to (the next); with the spend they add up to."""
    print("building signed batches…", file=sys.stderr)
    per_kiosk = TOTAL // KIOSKS
    plans: list[Plan] = []
    expected_spend = 0
    counter = 0
    for k, (enrolled, device, offer_id) in enumerate(kiosks):
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
        plans.append(Plan(enrolled, bodies, bases[k % len(bases)], bases[(k + 1) % len(bases)]))
    return plans, expected_spend


def upload_all(jobs: list[tuple[str, dict[str, Any], list[bytes]]], failures: list[str]) -> float:
    """Every job (instance, kiosk, batches) uploaded from its own thread; the seconds it took."""

    def upload(base: str, enrolled: dict[str, Any], bodies: list[bytes]) -> None:
        kiosk_client = HttpClient(base, {"Authorization": "Bearer " + enrolled["token"]})
        for body in bodies:
            status, answer = kiosk_client.call("POST", "/api/v1/redemptions", body)
            if status != 200 or any(r["status"] == "rejected" for r in answer["results"]):
                failures.append(f"{status} {str(answer)[:200]}")

    threads = [threading.Thread(target=upload, args=job) for job in jobs]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def run(tmp: Path, url: str | None, workers: int) -> None:
    """The bench against a central instance in ``tmp``: on its SQLite file (``url`` None, one gunicorn
    instance) or on the PostgreSQL database ``url`` (two instances)."""
    backend = "postgresql" if url else "sqlite"
    now = int(time.time())
    comuni = ["108040", "108012", "108034"]
    home = make_network(
        tmp / "network", {istat: f"Comune {istat}" for istat in comuni}, PASS, now - 40 * 86400
    )
    instance = make_central_instance(tmp / "central", home, PASS, PASSWORD)
    # the records span the last 30 days: their months stay open for the bench
    env = {"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_CENTRAL_CLOSING_DAYS": "40"}
    keys = {r["istat"]: read_private_key(home.path / r["key_file"], PASS) for r in home.state["issuer_keys"]}
    cards = issue_cards(keys, comuni, now)
    serve = ["central", "serve", "--instance", str(instance), "--workers", str(workers)]
    with ExitStack() as servers:
        bases = [
            servers.enter_context(
                familycard_server(serve, env, "/api/v1/lists/trust", tmp / f"central-{n}.log")
            )
            for n in range(2 if url else 1)
        ]
        admin = AdminClient(bases[0], "admin", PASSWORD)
        kiosks = enrol_kiosks(admin, comuni)
        backdate_offers(url or str(instance / "central.db"), 40 * 86400)
        plans, expected_spend = build_plans(kiosks, cards, bases, now)
        failures: list[str] = []
        elapsed = upload_all([(plan.base, plan.enrolled, plan.bodies) for plan in plans], failures)
        resend = [
            (plan.resend_base, plan.enrolled, plan.bodies[: max(1, int(len(plan.bodies) * RESEND_SHARE))])
            for plan in plans
        ]
        upload_all(resend, failures)
        totals = admin.ok("GET", "/api/v1/admin/totals")

    expected = TOTAL // KIOSKS * KIOSKS
    counted = totals["redemptions"]
    lost = max(0, expected - counted)
    duplicated = max(0, counted - expected)
    verify_limit = bare_verify_rate(cards[0], raw_public_key(keys[comuni[0]])) * (os.cpu_count() or 1)
    shape = f"{len(bases)} gunicorn instance(s) of {workers} workers each"
    print(f"uploaded={expected} in {elapsed:.1f} s by {KIOSKS} kiosks to {shape}", end=" ")
    print(f"in batches of {BATCH}; then re-sent {RESEND_SHARE:.0%} of the batches")
    print(f"counted={counted} spend_ok={totals['spend_cents'] == expected_spend} failures={len(failures)}")
    for failure in failures[:3]:
        print("  failure:", failure)
    rate = expected / elapsed
    if url:
        print(f"verify_limit_per_s={verify_limit:.0f} ({os.cpu_count()} cores)")
        print(f"backend={backend} redemptions_per_s={rate:.0f} lost={lost} duplicated={duplicated}")
    else:
        print(
            f"backend={backend} redemptions_per_s={rate:.0f} verify_limit_per_s={verify_limit:.0f} "
            f"lost={lost} duplicated={duplicated}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    args = parser.parse_args()
    os.environ["FAMILYCARD_PASSPHRASE"] = PASS
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        url = None
        if args.database == "postgresql":
            url = stack.enter_context(durable_postgres()).database(prefix="ingest")
        with central_database_url(url):
            run(Path(folder), url, args.workers)


if __name__ == "__main__":
    main()
