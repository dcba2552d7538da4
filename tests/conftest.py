"""Shared fixtures: a small signed network built from real keys, and a helper that issues cards."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cardsvc.core import (
    CardClaims,
    IssuerKey,
    RevocationEntry,
    RevocationList,
    RevocationState,
    TrustList,
    generate_private_key,
    issue_card,
    raw_public_key,
)
from cardsvc.platform.storage.engines import dispose_all
from tests.postgres_cluster import PostgresCluster

ROOT = Path(__file__).resolve().parent.parent
E2E = ROOT / "tests" / "e2e"
# Passwords are hashed and checked with scrypt at cost 10 (N = 2**10, about a millisecond) here and in
# every server and command the tests start, not at the production cost of 15 (0.1 s): the suite logs in
# thousands of times. The tests of the cost itself and of what it protects set it back
# (``tests/security/test_logins.py``).
os.environ.setdefault("FAMILYCARD_SCRYPT_COST", "10")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under ``pytest -n`` (``make test``), the tests that start real servers and browsers run one after
    another on one worker, while the other workers share the rest: two such tests at once would only
    fight over the machine's cores."""
    for item in items:
        if item.path.is_relative_to(E2E):
            item.add_marker(pytest.mark.xdist_group("real-servers"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """This worker's throwaway PostgreSQL server (see ``tests.postgres_cluster``)."""
    cluster = PostgresCluster()
    try:
        yield cluster
    finally:
        dispose_all()
        cluster.stop()


@pytest.fixture(scope="session")
def central_template(postgres: PostgresCluster) -> str:
    """A database the central migrations made once, copied for each test that needs one."""
    return _migrated_template(postgres, "central_template", "cardsvc.central.schema")


@pytest.fixture(scope="session")
def office_template(postgres: PostgresCluster) -> str:
    return _migrated_template(postgres, "office_template", "issuer.schema")


def _migrated_template(postgres: PostgresCluster, name: str, schema: str) -> str:
    import importlib

    url = postgres.database(prefix=name)
    importlib.import_module(schema).open_database(url).close()
    dispose_all()  # a template must have no connection when it is copied
    return url.rsplit("/", 1)[1]


def database_url(request: pytest.FixtureRequest, engine: str, template: str) -> str | None:
    """A fresh PostgreSQL database for this test when ``engine`` is ``postgresql``, else None (SQLite)."""
    if engine != "postgresql":
        return None
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.database(template=request.getfixturevalue(template))


ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def on_both_engines(metafunc: pytest.Metafunc, fixture: str) -> None:
    """Run each test of a folder that uses ``fixture`` on SQLite and on PostgreSQL (unless the test
    chose its engine itself)."""
    chosen = any(fixture in str(mark.args[0]) for mark in metafunc.definition.iter_markers("parametrize"))
    if fixture in metafunc.fixturenames and not chosen:
        metafunc.parametrize(fixture, ENGINES, indirect=True)


NOW = 1_795_000_000  # 2026-11-17T...Z, a fixed "now" for pure tests
DAY = 86_400


@dataclass
class Network:
    """A network in memory: root, list-signing and issuer keys, the signed lists, and a verifier's state."""

    root: Ed25519PrivateKey = field(default_factory=generate_private_key)
    list_signer: Ed25519PrivateKey = field(default_factory=generate_private_key)
    issuers: dict[str, Ed25519PrivateKey] = field(default_factory=dict)
    statuses: dict[str, tuple[str, int, int | None]] = field(default_factory=dict)
    revoked: list[RevocationEntry] = field(default_factory=list)

    def add_issuer(
        self, istat: str, status: str = "active", valid_from: int = NOW - 365 * DAY, until: int | None = None
    ) -> Ed25519PrivateKey:
        key = generate_private_key()
        self.issuers[istat] = key
        self.statuses[istat] = (status, valid_from, until)
        return key

    def trust_list(self, version: int = 1) -> TrustList:
        return TrustList(
            network="Rete di prova",
            version=version,
            issued_at=NOW - DAY,
            list_signing_key=raw_public_key(self.list_signer),
            issuers=tuple(
                IssuerKey(istat, f"Comune {istat}", raw_public_key(key), *self._validity(istat))
                for istat, key in self.issuers.items()
            ),
        )

    def _validity(self, istat: str) -> tuple[int, int | None, str]:
        status, valid_from, until = self.statuses[istat]
        return valid_from, until, status

    def revocations(self, issued_at: int = NOW - 3600, version: int = 1) -> RevocationState:
        state = RevocationState()
        state.apply(RevocationList(version, 0, issued_at, tuple(self.revoked)))
        return state

    def card(self, istat: str = "108040", key_of: str | None = None, **changes: object) -> str:
        values: dict[str, object] = {
            "issuer": istat,
            "issued_at": NOW - DAY,
            "expires_at": NOW + 300 * DAY,
            "cti": os.urandom(8),
            "holder": "GIULIA BRAMBILLA",
            "minors": 2,
        }
        values.update(changes)
        return issue_card(CardClaims(**values), self.issuers[key_of or istat])  # type: ignore[arg-type]


@pytest.fixture
def network() -> Network:
    net = Network()
    net.add_issuer("108040")
    net.add_issuer("108012")
    return net
