"""Kiosk sync throughput of the central service on SQLite and on PostgreSQL, under gunicorn (2 workers)
on loopback.

Run: ``make bench-sync``, or ``.venv/bin/python bench/sync.py --tills 3000 --revocations 10000 --syncs
2000`` for a quick run. ``--database`` picks the engines: ``both`` (the default) runs the round on a
SQLite instance, then the same round on an instance whose database is a fresh PostgreSQL database (a
throwaway server with ``fsync`` on). Sets up a central instance with ``--tills`` enrolled tills (a shop and a
published offer each, written into the database in bulk) and ``--revocations`` revoked cards, and serves
it. The ``--syncs`` tills of the round (drawn from all of them) first take an answer, as after their
enrolment: most of them once all the revocations are in, a share (``--behind``) before the last few, in
five steps. Then every one of them syncs once, in random order, from ``--clients`` concurrent clients,
sending the ETag of the answer it holds: the tills that hold the current lists are answered 304 without
a body, the others get the delta they lack. It prints the round's syncs per second and its latency
percentiles (each sync timed from connecting to the last byte), with the machine's load average, since
other work on the machine slows the server down, and the CPU time the server spent per sync (its master
and workers, and on PostgreSQL its server's processes, from ``/proc``), which does not depend on that.
Last line: ``sqlite_syncs_per_s=N postgres_syncs_per_s=M p99_ms=P``, P the worse of the two p99s (each
engine's printed before it); with one engine only its own rate.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
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

from bench_postgres import ENGINES, central_database_url, durable_postgres, move_sequences_on  # noqa: E402

from cardsvc.central.credentials import secret_hash  # noqa: E402
from cardsvc.central.schema import open_database  # noqa: E402
from cardsvc.core import to_rfc3339  # noqa: E402
from cardsvc.core.keys import b64url  # noqa: E402
from tests.e2e.network_setup import make_central_instance, make_network  # noqa: E402
from tests.e2e.servers import familycard_process  # noqa: E402
from tests.postgres_cluster import PostgresCluster  # noqa: E402

PASS = "bench-passphrase-123"
PASSWORD = "bench-user-password"
COMUNI = {"108008": "Besana in Brianza", "108012": "Brugherio", "108018": "Carate Brianza",
          "108024": "Giussano", "108027": "Limbiate", "108034": "Muggiò", "108040": "Seveso"}  # fmt: skip
STEPS = 5  # the tills behind hold one of five older revocation versions
STEP_REVOCATIONS = 10  # revocations added between two of those versions


@dataclass
class HeldTill:
    """What a till holds: its credential, the versions of its lists and the ETag of its last answer."""

    token: str
    since: int = 0
    trust_version: int = 0
    etag: str = ""


def populate(address: str, tills: int, revocations: int, now: int) -> list[HeldTill]:
    """Shops with a published offer and an enrolled till each, and ``revocations`` revoked cards, written
    in bulk into the central database at ``address`` (its schema migrated by ``central init``); on
    PostgreSQL the sequences of the ids written move on past them."""
    db = open_database(address)
    stamp, comuni = to_rfc3339(now), list(COMUNI)
    held = [HeldTill(f"bench-till-token-{n:06d}-{os.urandom(12).hex()}") for n in range(tills)]
    with db.atomic():
        db.executemany(
            "insert into merchants (id, name, vat, address, istat, category, created_at) "
            "values (?, ?, ?, 'Via Roma 1', ?, 'alimentari', ?)",
            [(n + 1, f"Negozio {n}", f"{n:011d}", comuni[n % len(comuni)], stamp) for n in range(tills)],
        )
        db.executemany(
            "insert into offers (id, merchant_id, title, kind, percent, status, created_at, updated_at) "
            "values (?, ?, '10%', 'percent', 10, 'published', ?, ?)",
            [(n + 1, n + 1, stamp, stamp) for n in range(tills)],
        )
        db.executemany(
            "insert into kiosks (id, merchant_id, name, status, token_hash, device_public_key, created_at, "
            "enrolled_at, last_seq, epoch) values (?, ?, 'Cassa 1', 'active', ?, ?, ?, ?, 0, 0)",
            [
                (f"k_bench{n:06d}", n + 1, secret_hash(till.token), b64url(os.urandom(32)), stamp, stamp)
                for n, till in enumerate(held)
            ],
        )
        move_sequences_on(db, ["merchants", "offers"])
    if db.postgres:
        db.execute("analyze")
    db.close()
    revoke(address, revocations, now)
    return held


def revoke(address: str, count: int, now: int) -> int:
    """Add ``count`` revoked cards; the revocation version then held."""
    db = open_database(address)
    comuni = list(COMUNI)
    rows = [(b64url(os.urandom(8)), comuni[n % len(comuni)], now - 86400, "lost") for n in range(count)]
    with db.atomic():
        db.executemany("insert into revocations (cti, istat, revoked_at, reason) values (?, ?, ?, ?)", rows)
    version = int(db.execute("select coalesce(max(version), 0) from revocations").fetchone()[0])
    db.close()
    return version


def exchange(port: int, till: HeldTill) -> tuple[int, str, bytes]:
    """One sync as a till makes it, on a new connection (gunicorn's workers close each one): the status,
    the ETag and the body."""
    request = (
        f"GET /api/v1/kiosk/sync?since={till.since}&trust_version={till.trust_version} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {till.token}\r\nAccept: application/json\r\n"
        + (f"If-None-Match: {till.etag}\r\n" if till.etag else "")
        + "Connection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = (line.partition(":") for line in lines[1:])
    headers = {name.strip().lower(): value.strip() for name, _, value in fields}
    return int(lines[0].split()[1]), headers.get("etag", ""), body


def server_cpu_seconds(*masters: int) -> float:
    """CPU time (user and system) spent so far by the processes ``masters`` (a gunicorn master, a
    PostgreSQL postmaster) and their children (its workers, its backends)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(stat.parent.name) in masters or int(fields[1]) in masters:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


@dataclass
class Outcome:
    latencies: list[float]
    statuses: dict[int, int]
    body_bytes: int
    elapsed: float


def drive(port: int, tills: list[HeldTill], clients: int, take: bool) -> Outcome:
    """Every till in ``tills`` syncs once, from ``clients`` concurrent clients; with ``take``, each keeps
    the versions and the ETag of its answer (a till taking its first answer)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    body_bytes = 0
    lock = threading.Lock()
    queue = iter(tills)

    def client() -> None:
        nonlocal body_bytes
        while True:
            with lock:
                till = next(queue, None)
            if till is None:
                return
            start = time.perf_counter()
            status, etag, body = exchange(port, till)
            latency = time.perf_counter() - start
            if take and status == 200:
                till.etag, till.trust_version = etag, int(json.loads(body)["trust_list_version"])
            with lock:
                latencies.append(latency)
                statuses[status] = statuses.get(status, 0) + 1
                body_bytes += len(body)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Outcome(latencies, statuses, body_bytes, time.perf_counter() - start)


def percentile_ms(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


@dataclass
class Round:
    """One engine's sync round, and what the machine and the server did meanwhile."""

    engine: str
    outcome: Outcome
    version: int
    behind: int
    load_before: float
    load_after: float
    cpu: float
    database_cpu: float


def postmaster_pid(url: str | None, cluster: PostgresCluster | None) -> int | None:
    """The PostgreSQL server's main process (its backends are its children), when one serves."""
    if url is None or cluster is None:
        return None
    return int((cluster.data / "postmaster.pid").read_text().split()[0])


def take_first_answers(
    port: int,
    address: str,
    behind: list[HeldTill],
    current: list[HeldTill],
    version: int,
    args: Any,
    now: int,
) -> int:
    """The round's tills take their first answer (as after enrolment): those ``behind`` at one of the
    older revocation versions, the others at the last; the revocation version reached."""
    taken = []
    for step in range(STEPS):
        group = behind[step::STEPS]
        for till in group:
            till.since = version
        taken.append(drive(port, group, args.clients, take=True))
        version = revoke(address, STEP_REVOCATIONS, now)
    for till in current:
        till.since = version
    taken.append(drive(port, current, args.clients, take=True))
    first = sum(len(o.latencies) for o in taken), sum(o.elapsed for o in taken)
    print(f"first answers (as after enrolment): {first[0]} in {first[1]:.1f} s "
          f"({first[0] / first[1]:.0f}/s)", file=sys.stderr)  # fmt: skip
    return version


def run_round(engine: str, tmp: Path, args: Any, cluster: PostgresCluster | None) -> Round:
    """Set up an instance in ``tmp`` on ``engine`` (PostgreSQL: a fresh database of ``cluster``), serve
    it and time its sync round."""
    late = STEPS * STEP_REVOCATIONS
    rnd = random.Random(2026)  # the same tills and order on both engines
    url = cluster.database(prefix="sync") if cluster else None
    with central_database_url(url):
        now = int(time.time())
        home = make_network(tmp / "network", COMUNI, PASS, now - 40 * 86400)
        instance = make_central_instance(tmp / "central", home, PASS, PASSWORD)
        address = url or str(instance / "central.db")
        started = time.perf_counter()
        tills = populate(address, args.tills, args.revocations - late, now)
        print(f"{engine}: {args.tills} tills and {args.revocations - late} revocations written in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)  # fmt: skip
        syncing = rnd.sample(tills, args.syncs)
        cut = int(args.syncs * args.behind)
        behind, current = syncing[:cut], syncing[cut:]
        # signed as of the day, so that the round never straddles a new signing period (as it does once an
        # hour with the default LIST_REISSUE_INTERVAL, sending every till one full answer)
        env = {"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_CENTRAL_LIST_REISSUE_INTERVAL": "86400"}
        serve = ["central", "serve", "--instance", str(instance), "--workers", "2"]
        with familycard_process(serve, env, "/api/v1/lists/trust", tmp / "central.log") as server:
            port = int(server.base.rsplit(":", 1)[1])
            version = take_first_answers(port, address, behind, current, args.revocations - late, args, now)
            postmaster = postmaster_pid(url, cluster)
            masters = (server.process.pid,)
            load_before, cpu_before = os.getloadavg()[0], server_cpu_seconds(*masters)
            db_before = server_cpu_seconds(postmaster) if postmaster else 0.0
            rnd.shuffle(syncing)
            outcome = drive(port, syncing, args.clients, take=False)
            load_after, cpu = os.getloadavg()[0], server_cpu_seconds(*masters) - cpu_before
            db_cpu = server_cpu_seconds(postmaster) - db_before if postmaster else 0.0
    return Round(engine, outcome, version, len(behind), load_before, load_after, cpu, db_cpu)


def report(done: Round, args: Any) -> float:
    """Print one engine's round; its p99 in milliseconds."""
    round_, syncs = done.outcome, len(done.outcome.latencies)
    p50, p90, p99 = (percentile_ms(round_.latencies, share) for share in (0.5, 0.9, 0.99))
    name = "PostgreSQL" if done.engine == "postgresql" else "SQLite"
    print(f"central on {name}: {args.tills} tills, {done.version} revocations, "
          f"2 gunicorn workers, {args.clients} concurrent clients; load average {done.load_before:.1f} "
          f"before the round, {done.load_after:.1f} after")  # fmt: skip
    answers = ", ".join(f"{count} x {status}" for status, count in sorted(round_.statuses.items()))
    megabytes = round_.body_bytes / 1e6
    late = STEPS * STEP_REVOCATIONS
    print(f"  round: {syncs} syncs in {round_.elapsed:.1f} s: {answers}; {done.behind} tills behind by "
          f"{STEP_REVOCATIONS} to {late} revocations; {megabytes:.1f} MB of answers")  # fmt: skip
    slowest = max(round_.latencies) * 1000
    print(f"  latency p50={p50:.1f} ms p90={p90:.1f} ms p99={p99:.1f} ms max={slowest:.1f} ms")
    cores, cpu = os.cpu_count() or 1, done.cpu + done.database_cpu
    database = (
        f" (PostgreSQL's processes {done.database_cpu / syncs * 1000:.2f} ms)" if done.database_cpu else ""
    )
    print(f"  server CPU per sync {cpu / syncs * 1000:.2f} ms{database}: {cores} idle cores would serve "
          f"about {syncs * cores / cpu:.0f} syncs/s")  # fmt: skip
    unexpected = sum(count for status, count in round_.statuses.items() if status not in (200, 304))
    if unexpected:
        print(f"  unexpected answers: {unexpected}")
    print(f"  {done.engine}_p99_ms={p99:.1f}")
    return p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--tills", type=int, default=30_000)
    parser.add_argument("--revocations", type=int, default=100_000)
    parser.add_argument("--syncs", type=int, default=10_000, help="tills syncing in the round (each once)")
    parser.add_argument(
        "--behind", type=float, default=0.1, help="share of tills lacking the last revocations"
    )
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    late = STEPS * STEP_REVOCATIONS
    if not 1 <= args.syncs <= args.tills or args.revocations < late or not 0 <= args.behind <= 1:
        parser.error(f"needs 1 <= --syncs <= --tills, --revocations >= {late}, --behind from 0 to 1")
    if args.clients < 1:
        parser.error("needs at least one client")

    os.environ["FAMILYCARD_PASSPHRASE"] = PASS
    engines = list(ENGINES) if args.database == "both" else [args.database]
    rounds = []
    for engine in engines:
        with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
            cluster = stack.enter_context(durable_postgres()) if engine == "postgresql" else None
            rounds.append(run_round(engine, Path(folder), args, cluster))
    worst = max(report(done, args) for done in rounds)
    rates = " ".join(
        f"{'postgres' if done.engine == 'postgresql' else 'sqlite'}_syncs_per_s="
        f"{len(done.outcome.latencies) / done.outcome.elapsed:.0f}"
        for done in rounds
    )
    print(f"{rates} p99_ms={worst:.1f}")


if __name__ == "__main__":
    main()
