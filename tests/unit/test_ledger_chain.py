import pytest

from cardsvc.core import generate_private_key, raw_public_key
from cardsvc.core.ledger_chain import (
    GENESIS,
    ChainError,
    batch_signature_valid,
    chain_records,
    check_link,
    record_hash,
    sign_batch,
)

pytestmark = pytest.mark.unit


def records(n: int) -> list[dict]:
    return chain_records([{"id": f"r{i}", "type": "redemption", "amount_cents": 1000 + i} for i in range(n)])


def walk(chain: list[dict]) -> None:
    last_seq, last_hash = 0, GENESIS
    for record in chain:
        last_hash = check_link(record, last_seq, last_hash)
        last_seq = record["seq"]


def test_a_chain_links_from_genesis() -> None:
    chain = records(5)
    assert [r["seq"] for r in chain] == [1, 2, 3, 4, 5]
    assert chain[0]["prev"] == GENESIS and chain[1]["prev"] == record_hash(chain[0])
    walk(chain)


def test_continuing_a_chain_after_an_upload() -> None:
    first = records(3)
    more = chain_records([{"id": "r9"}], last_seq=3, last_hash=record_hash(first[-1]))
    walk(first + more)


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        (lambda c: c.pop(2), "gap"),  # deleted
        (lambda c: c[1].update(amount_cents=1), "fork"),  # altered: the next record no longer links
        (lambda c: c.insert(1, c.pop(3)), "gap"),  # re-ordered
        (lambda c: c[2].pop("seq"), "malformed"),
    ],
)
def test_tampering_breaks_the_chain(tamper, code: str) -> None:
    chain = records(5)
    tamper(chain)
    with pytest.raises(ChainError) as broken:
        walk(chain)
    assert broken.value.code == code


def test_batch_signature() -> None:
    device = generate_private_key()
    batch = sign_batch("k1", records(2), device, "2026-11-24T10:00:00Z")
    assert batch_signature_valid(batch, raw_public_key(device))
    assert not batch_signature_valid(batch, raw_public_key(generate_private_key()))
    assert not batch_signature_valid({**batch, "kiosk_id": "k2"}, raw_public_key(device))
    assert not batch_signature_valid({**batch, "sent_at": "2026-11-24T10:00:01Z"}, raw_public_key(device))
    from cardsvc.core.jws import canonical_json

    encodings = [canonical_json(r) for r in batch["records"]]
    assert batch_signature_valid(batch, raw_public_key(device), encodings)
    assert not batch_signature_valid(batch, raw_public_key(device), encodings[:1])
    batch["records"][0]["amount_cents"] = 1
    assert not batch_signature_valid(batch, raw_public_key(device))
    assert not batch_signature_valid({"records": []}, raw_public_key(device))
