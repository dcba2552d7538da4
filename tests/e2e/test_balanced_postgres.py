"""Two central instances under gunicorn on one PostgreSQL database, behind Debian's haproxy on loopback:
eight tills sync and upload their signed batches through the balancer at once, one instance is killed
mid-upload (SIGKILL of its whole process group), the tills send the same signed batches again until
every record is answered, and the totals are exact: nothing lost, nothing counted twice. The survivor
keeps serving."""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cardsvc.core import CardClaims, generate_private_key, issue_card, to_rfc3339
from cardsvc.core.ledger_chain import chain_records, sign_batch
from cardsvc.network.home import NetworkHome
from cardsvc.network.keystore import read_private_key
from tests.e2e.balancer import SERVED_BY, Balancer, haproxy
from tests.e2e.network_setup import AdminClient, make_central_instance, make_network
from tests.e2e.servers import Server, familycard_process
from tests.postgres_cluster import PostgresCluster

pytestmark = [pytest.mark.e2e, pytest.mark.postgresql]
PASS = "e2e-passphrase-123"
USER_PASSWORD = "e2e-user-password"
COMUNI = {"108040": "Seveso", "108012": "Cesano Maderno"}
VATS = ["01234567897", "12345678903", "11111111115", "22222222220",
        "33333333335", "44444444440", "55555555550", "66666666665"]  # fmt: skip
TILLS = 8
RECORDS = 120  # per till
BATCH = 10  # records per signed batch
KILL_AFTER = 24  # batches answered (of TILLS * RECORDS / BATCH) when one instance is killed
PATIENCE = 60.0  # seconds a till keeps sending before it gives up
MAX_SENDS = 200  # and sends of one request
RETRYABLE = {502, 503, 504}  # the balancer's answers while an instance dies: send the same batch again


@dataclass
class Answer:
    """The central service's answer to one signed batch, after ``attempts`` sends of it."""

    attempts: int
    results: list[dict[str, Any]]
    last_seq: int
    served_by: str


@dataclass
class Till:
    """One shop's till: its credential, its hash chain as signed batches, and what it was answered."""

    kiosk_id: str
    token: str
    records: list[dict[str, Any]]
    batches: list[bytes]
    answers: list[Answer] = field(default_factory=list)
    synced_seq: list[int] = field(default_factory=list)  # last_seq of each sync answer

    def ids(self, batch: int) -> list[str]:
        return [r["id"] for r in self.records[batch * BATCH : (batch + 1) * BATCH]]


class Progress:
    """Batches answered by all tills together; ``kill_now`` is set at the KILL_AFTER-th, and the
    instances that answered up to it are kept."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answered = 0
        self.served_before_kill: set[str] = set()
        self.kill_now = threading.Event()

    def one_more(self, served_by: str) -> None:
        with self.lock:
            self.answered += 1
            if self.answered <= KILL_AFTER:
                self.served_before_kill.add(served_by)
            if self.answered >= KILL_AFTER:
                self.kill_now.set()


@contextmanager
def admin_client(base: str) -> Iterator[AdminClient]:
    """The network administrator's client, its connection closed afterwards."""
    admin = AdminClient(base, "admin", USER_PASSWORD)
    try:
        yield admin
    finally:
        admin.connection.close()


def make_cards(home: NetworkHome, count: int, now: int) -> list[str]:
    """``count`` cards issued by the network's comuni in turn, valid from a minute ago."""
    keys = {r["istat"]: read_private_key(home.path / r["key_file"], PASS) for r in home.state["issuer_keys"]}
    comuni = sorted(keys)
    cards = []
    for i in range(count):
        istat = comuni[i % len(comuni)]
        claims = CardClaims(istat, now - 60, now + 300 * 86400, os.urandom(8), f"FAMIGLIA {i}", 1 + i % 3)
        cards.append(issue_card(claims, keys[istat]))
    return cards


def set_up_till(admin: AdminClient, number: int, cards: list[str]) -> Till:
    """A shop with a published offer and an enrolled till that recorded one redemption per card."""
    istat = sorted(COMUNI)[number % len(COMUNI)]
    merchant = admin.merchant(f"Negozio {number}", VATS[number], istat)
    offer = admin.published_offer(merchant)
    device = generate_private_key()
    enrolled = admin.enrol(merchant, device)
    at = to_rfc3339(int(time.time()))
    records = chain_records(
        [
            {"id": f"t{number}-r{i:04d}", "type": "redemption", "card": card, "offer_id": offer,
             "amount_cents": 1000 + 7 * i + number, "discount_cents": 100 + i % 50, "at": at}
            for i, card in enumerate(cards)
        ]
    )  # fmt: skip
    batches = [
        json.dumps(sign_batch(enrolled["kiosk_id"], records[i : i + BATCH], device, at)).encode()
        for i in range(0, len(records), BATCH)
    ]
    return Till(enrolled["kiosk_id"], enrolled["token"], records, batches)


def send(base: str, till: Till, method: str, path: str, body: bytes | None) -> tuple[int, str, bytes]:
    """One request on a new connection: the status, the instance that served it, the body."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Authorization": "Bearer " + till.token, "Content-Type": "application/json"}
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader(SERVED_BY) or "", response.read()
    finally:
        connection.close()


def until_answered(
    base: str, till: Till, method: str, path: str, body: bytes | None, deadline: float
) -> tuple[int, str, dict[str, Any]]:
    """Send the same request until the central service answers it, as the till does; the number of
    sends, the instance that answered, and its JSON."""
    attempts = 0
    while True:
        attempts += 1
        try:
            status, served_by, raw = send(base, till, method, path, body)
        except (OSError, http.client.HTTPException) as error:
            status, served_by, raw = 0, "", repr(error).encode()
        if status == 200:
            return attempts, served_by, json.loads(raw)
        if status not in (0, *RETRYABLE):
            raise AssertionError(f"{method} {path} for {till.kiosk_id}: {status} {raw[:300]!r}")
        if time.monotonic() > deadline or attempts >= MAX_SENDS:
            raise TimeoutError(f"{method} {path} for {till.kiosk_id}: unanswered after {attempts} sends")
        time.sleep(0.05)


def sync(base: str, till: Till, deadline: float) -> str:
    """The till's pull (lists, offers, its chain position); the instance that answered it."""
    _, served_by, bundle = until_answered(base, till, "GET", "/api/v1/kiosk/sync", None, deadline)
    till.synced_seq.append(bundle["last_seq"])
    return served_by


def run_till(base: str, till: Till, progress: Progress, deadline: float) -> None:
    """Sync, then upload every batch in chain order, each sent again until it is answered."""
    sync(base, till, deadline)
    for body in till.batches:
        attempts, served_by, answer = until_answered(
            base, till, "POST", "/api/v1/redemptions", body, deadline
        )
        till.answers.append(Answer(attempts, answer["results"], answer["last_seq"], served_by))
        progress.one_more(served_by)


def start_tills(
    base: str, tills: list[Till], progress: Progress, errors: list[str]
) -> list[threading.Thread]:
    deadline = time.monotonic() + PATIENCE

    def run(till: Till) -> None:
        try:
            run_till(base, till, progress, deadline)
        except Exception as error:  # reported by the test, with the till it happened to
            errors.append(f"{till.kiosk_id}: {error!r}")

    threads = [threading.Thread(target=run, args=[till], daemon=True) for till in tills]
    for thread in threads:
        thread.start()
    return threads


def live_group_members(group: int) -> list[int]:
    """The processes of process group ``group`` that are still running (zombies are dead)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended while we looked
        if int(fields[2]) == group and fields[0] not in "ZX":
            members.append(int(stat.parent.name))
    return members


def refuses_connections(base: str) -> bool:
    host, port = base.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def check_answers(till: Till) -> None:
    """Every batch answered in full and in order; a batch answered at its first send was new (all
    accepted); one sent again after a lost answer was stored whole or not at all (all accepted, or all
    duplicate); the last answer's chain position is the chain's length."""
    assert len(till.answers) == len(till.batches)
    for number, answer in enumerate(till.answers):
        assert [r["id"] for r in answer.results] == till.ids(number)
        statuses = {r["status"] for r in answer.results}
        expected = [{"accepted"}] if answer.attempts == 1 else [{"accepted"}, {"duplicate"}]
        assert statuses in expected, (till.kiosk_id, number, answer)
    assert till.answers[-1].last_seq == len(till.records)


def test_two_instances_behind_haproxy_one_killed_mid_upload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres: PostgresCluster
) -> None:
    database_url = postgres.database(prefix="balanced")
    monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
    monkeypatch.setenv("FAMILYCARD_CENTRAL_DATABASE_URL", database_url)
    now = int(time.time())
    home = make_network(tmp_path / "network", COMUNI, PASS, now - 3600)
    instance = make_central_instance(tmp_path / "central", home, PASS, USER_PASSWORD)
    serve = ["central", "serve", "--instance", str(instance), "--workers", "2"]
    env = {"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_CENTRAL_DATABASE_URL": database_url}
    with (
        familycard_process(serve, env, "/health", tmp_path / "central-a.log") as victim,
        familycard_process(serve, env, "/health", tmp_path / "central-b.log") as survivor,
        haproxy(tmp_path, {"a": victim.base, "b": survivor.base}) as balancer,
        admin_client(balancer.base) as admin,
    ):
        cards = make_cards(home, TILLS * RECORDS, now)
        tills = [set_up_till(admin, n, cards[n * RECORDS : (n + 1) * RECORDS]) for n in range(TILLS)]
        progress = upload_and_kill(balancer, victim, tills)
        assert progress.served_before_kill == {"a", "b"}  # both instances took uploads before the kill

        for till in tills:
            check_answers(till)
        assert admin.ok("GET", "/api/v1/admin/totals") == {
            "redemptions": TILLS * RECORDS,
            "spend_cents": sum(r["amount_cents"] for till in tills for r in till.records),
            "discount_cents": sum(r["discount_cents"] for till in tills for r in till.records),
        }
        resent = sum(a.attempts - 1 for till in tills for a in till.answers)
        assert resent > 0  # the kill cut uploads in flight, and the tills sent them again
        check_survivor(balancer, victim, survivor, tills)


def upload_and_kill(balancer: Balancer, victim: Server, tills: list[Till]) -> Progress:
    """The tills upload at once; after the KILL_AFTER-th answered batch, as soon as haproxy has sent the
    victim an upload, its process group is killed; returns the progress once every till has finished."""
    progress = Progress()
    errors: list[str] = []
    threads = start_tills(balancer.base, tills, progress, errors)
    assert progress.kill_now.wait(PATIENCE), errors
    balancer.wait_until_busy("a")  # an upload is in flight at the victim
    victim.kill()
    assert progress.answered < TILLS * RECORDS // BATCH  # the others were still uploading
    for thread in threads:
        thread.join(PATIENCE)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    return progress


def check_survivor(balancer: Balancer, victim: Server, survivor: Server, tills: list[Till]) -> None:
    """The victim is dead (no process of its group runs, its port refuses), haproxy took it out, and the
    survivor answers ``/health`` and every till's new sync through the balancer."""
    assert victim.process.poll() is not None
    assert live_group_members(victim.process.pid) == []
    assert refuses_connections(victim.base)
    balancer.wait_for_states({"a": "DOWN", "b": "UP"})
    assert send(survivor.base, tills[0], "GET", "/health", None)[0] == 200
    deadline = time.monotonic() + 10
    for till in tills:
        status, served_by, _ = send(balancer.base, till, "GET", "/health", None)
        assert (status, served_by) == (200, "b")
        assert sync(balancer.base, till, deadline) == "b"
        assert till.synced_seq == [0, len(till.records)]
