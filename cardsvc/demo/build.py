"""Build the demo network in a folder, with the services operators' commands call, in this order:

1. the network folder (root and list-signing keys) and one comune office shared by the seven comuni,
   whose own signing keys the network publishes in its trust list;
2. the central service (``central init``, logins), its shops of a dozen categories with published
   offers, and an issuer credential per comune;
3. families registered and their cards issued through the office's CSV batch path, card events sent;
4. a till for every shop, enrolled with a one-time code, with three months of redemptions recorded in
   its ledger and synced, so that statements and reports have content; a few cards revoked.

Setup runs in-process (the central service answers through its test client); the folder is built
aside and moved into place only when complete, so a second run finds it whole or not at all.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from cardsvc.network.founding_comuni import FOUNDING_COMUNI, NETWORK_NAME
from cardsvc.network.home import NetworkHome
from cardsvc.platform.clock import ManualClock, system_time
from cardsvc.platform.json_client import Transport
from cardsvc.platform.private_files import make_private, private_folder
from cardsvc.platform.rome_calendar import rome_year

from ..central import create_app as create_central
from ..central.setup import init_central, instance_settings, open_instance_database
from ..central.users import create_user
from ..core import to_rfc3339
from ..core.keys import public_key_from_pem
from .data import households_csv, shops_for, vat_number

DEMO_PASSWORD = "demo-password-2026"
CENTRAL_URL = "http://127.0.0.1:8700"
DAY = 86_400
FAMILIES_PER_COMUNE = 30
HISTORY_DAYS = 92
SUMMARY = "demo.json"


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def network(self) -> Path:
        return self.root / "network"

    @property
    def central(self) -> Path:
        return self.root / "central"

    @property
    def issuer(self) -> Path:
        return self.root / "issuer"

    @property
    def kiosk(self) -> Path:
        return self.root / "kiosk"

    @property
    def cards(self) -> Path:
        return self.root / "cards"

    def till(self, merchant_id: int) -> Path:
        return self.root / "tills" / f"shop-{merchant_id}"

    def till_folders(self) -> list[Path]:
        folder = self.root / "tills"
        return [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []


def in_process(client: Any) -> Transport:
    """The central service's calls answered by its test client: setup needs no server running yet."""

    def send(method: str, url: str, headers: dict[str, str], body: bytes | None) -> tuple[int, bytes]:
        response = client.open(url.removeprefix(CENTRAL_URL), method=method, headers=headers, data=body)
        return int(response.status_code), bytes(response.data)

    return send


def build(target: Path, secret: str, now: int, say: Callable[[str], None]) -> dict[str, Any]:
    """Build the demo in ``target`` (aside first, then moved into place); returns its summary."""
    aside = target.with_name(target.name + ".building")
    shutil.rmtree(aside, ignore_errors=True)
    layout = Layout(aside)
    summary = _build(layout, secret, now, say)
    if target.exists():
        shutil.rmtree(target)  # an older demo without its summary: replaced whole
    aside.rename(target)
    final = Layout(target)
    summary["cards"] = {k: str(final.root / Path(v).relative_to(aside)) for k, v in summary["cards"].items()}
    (final.root / SUMMARY).write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    return summary


def bring_up_to_date(layout: Layout, now: int) -> None:
    """A demo built by an earlier version, reused: its instance folders made private and its tills'
    answered records rid of their card texts, as a current build leaves them."""
    from merchant_kiosk.erasure import erase_after_answers
    from merchant_kiosk.identity import database_path
    from merchant_kiosk.schema import open_database

    tills = [layout.kiosk, *sorted(layout.till_folders())]
    for folder in (layout.central, layout.issuer, *tills):
        if folder.is_dir():
            make_private(folder)
    for folder in tills:
        if Path(database_path(folder)).exists():
            db = open_database(database_path(folder))
            try:
                erase_after_answers(db, now)
            finally:
                db.close()


def _build(layout: Layout, secret: str, now: int, say: Callable[[str], None]) -> dict[str, Any]:
    from issuer.schema import open_database as open_office
    from issuer.signing_keys import generate_key, import_trust_list, pin_root, put_setting

    start = now - (HISTORY_DAYS + 60) * DAY
    home = NetworkHome.init(layout.network, NETWORK_NAME, secret, start)
    office = open_office(str(private_folder(layout.issuer) / "issuer.db"))
    pin_root(office, home.state["root_public_key"])
    put_setting(office, "central_url", CENTRAL_URL)
    for istat, name in FOUNDING_COMUNI.items():
        office.table("comuni").insert({"istat": istat, "name": name, "min_minors": 1})
        _kid, pem = generate_key(office, layout.issuer, istat, secret, start)
        home.add_comune(istat, name, secret, start, public_key_from_pem(pem))
    import_trust_list(office, home.state["trust_list"])
    say(f"Network {NETWORK_NAME!r}: 7 comuni, their keys made in the comune office and published")

    done = init_central(layout.central, layout.network, now)
    say(f"Central service in {done.instance}: trust list v{done.trust_list_version}, {done.comuni} comuni")
    users = open_instance_database(layout.central)
    try:
        create_user(users, "admin", DEMO_PASSWORD, "network_admin", now)
        say("User admin (network_admin) created")
        create_user(users, "tavolo-seveso", DEMO_PASSWORD, "comune_officer", now, istat="108040")
        say("User tavolo-seveso (comune_officer) created")
    finally:
        users.close()
    central = create_central(instance_settings(layout.central))
    client = central.test_client()
    admin = _admin(client)
    central.config["CLOCK"] = ManualClock(start)  # the central service's clock follows the story being built
    shops = _shops(admin)
    central.config["CLOCK"].now = now
    say(f"Central service: {len(shops)} shops with published offers in {len(FOUNDING_COMUNI)} comuni")

    cards = _families(layout, office, client, secret, start, now, say)
    say(f"Comune office: {len(cards)} cards for {FAMILIES_PER_COMUNE * 7} families, card events sent")

    served = _tills(layout, shops, cards, central, secret, now)
    central.config["CLOCK"] = system_time
    say(f"Tills: {len(shops)} enrolled, {served} redemptions over {HISTORY_DAYS} days, synced")
    samples = _samples(layout, office)
    return {"password": DEMO_PASSWORD, "served_shop": shops[0]["name"], "cards": samples}


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _admin(client: Any) -> Callable[[str, str, Any], Any]:
    import base64

    auth = {"Authorization": "Basic " + base64.b64encode(f"admin:{DEMO_PASSWORD}".encode()).decode()}

    def call(method: str, path: str, data: Any = None) -> Any:
        response = client.open(path, method=method, json=data, headers=auth)
        if response.status_code >= 300:
            raise click.ClickException(f"demo setup: {method} {path}: {response.status_code} {response.json}")
        return response.json

    return call


def _shops(admin: Callable[[str, str, Any], Any]) -> list[dict[str, Any]]:
    shops = []
    for index, (istat, town) in enumerate(FOUNDING_COMUNI.items()):
        for number, (name, category, offer) in enumerate(shops_for(index, town)):
            address = f"Via Roma {number * 7 + 3}, {town}"
            data = {"name": name, "vat": vat_number(index * 10 + number), "istat": istat}
            data |= {"category": category, "address": address}
            merchant = admin("POST", "/api/v1/admin/merchants", data)
            created = admin("POST", f"/api/v1/admin/merchants/{merchant['id']}/offers", offer)
            for status in ("pending", "published"):
                admin("POST", f"/api/v1/admin/offers/{created['id']}/status", {"status": status})
            shops.append({**merchant, "istat": istat, "offer": {**offer, "id": created["id"]}})
    return shops


def _families(
    layout: Layout, office: Any, client: Any, secret: str, start: int, now: int, say: Callable[[str], None]
) -> list[dict[str, Any]]:
    """Families of every comune registered from a CSV file and their cards issued; events sent."""
    from cardsvc.network.keystore import instance_secret
    from issuer.auth import add_operator
    from issuer.background import sync_office
    from issuer.batch import apply_batch, parse_batch
    from issuer.cards import Office, revoke

    admin, transport = _admin(client), in_process(client)
    signer = Office(layout.issuer, secret, instance_secret(layout.issuer / "pseudonym_key").encode())
    issued_at = start + 30 * DAY
    cards: list[dict[str, Any]] = []
    for seed, istat in enumerate(FOUNDING_COMUNI):
        token = admin("POST", "/api/v1/admin/issuer-credentials", {"istat": istat})["token"]
        office["comuni"].update(istat, {"central_token": token})
        name = FOUNDING_COMUNI[istat].split()[0].lower().replace("ò", "o")
        add_operator(office, f"ufficio-{name}", DEMO_PASSWORD, istat, to_rfc3339(now))
        say(f"Operator ufficio-{name} for comune {istat}")
        rows, errors = parse_batch(
            households_csv(istat, FAMILIES_PER_COMUNE, rome_year(now), seed), rome_year(now)
        )
        assert not errors, errors
        cards += apply_batch(office, signer, f"ufficio-{name}", istat, rows, lambda: issued_at).cards
    moved = random.Random(7).sample(cards, 3)
    for card in moved:
        revoke(office, "ufficio-demo", card["istat"], card["cti"], "moved", now - 10 * DAY)
    sync_office(office, transport, now)
    revoked = {card["cti"] for card in moved}
    return [c for c in cards if c["cti"] not in revoked]


def _tills(
    layout: Layout,
    shops: list[dict[str, Any]],
    cards: list[dict[str, Any]],
    central: Any,
    secret: str,
    now: int,
) -> int:
    """A till per shop (the first one the demo serves), each with its months of redemptions, synced every
    week as they happen."""
    from merchant_kiosk import ledger
    from merchant_kiosk.central_client import CentralClient
    from merchant_kiosk.identity import database_path, enroll, load_identity
    from merchant_kiosk.offer_rules import Offer, OfferRefused, discount_cents
    from merchant_kiosk.schema import open_database
    from merchant_kiosk.sync import sync_once

    client = central.test_client()
    admin = _admin(client)
    transport = in_process(client)
    rnd = random.Random(2026)
    by_comune: dict[str, list[dict[str, Any]]] = {}
    for card in cards:
        by_comune.setdefault(card["istat"], []).append(card)
    total = 0
    for index, shop in enumerate(shops):
        folder = layout.kiosk if index == 0 else layout.till(shop["id"])
        moments = sorted(
            now - rnd.randrange(2 * 3600, HISTORY_DAYS * DAY) for _ in range(rnd.randint(60, 140))
        )
        central.config["CLOCK"].now = moments[0] - DAY  # the till joins the day before its first sale
        code = admin("POST", "/api/v1/admin/kiosks", {"merchant_id": shop["id"], "name": "Cassa 1"})["code"]
        enroll(folder, CENTRAL_URL, code, secret, transport)
        db = open_database(database_path(folder))
        identity = load_identity(folder, secret)
        offer = Offer.from_json(shop["offer"])
        local = by_comune[shop["istat"]]
        others = [c for c in cards if c["istat"] != shop["istat"]]
        for number, at in enumerate(moments):
            card = rnd.choice(local if rnd.random() < 0.75 else others)
            amount = rnd.randrange(800, 12_000)
            try:
                discount = discount_cents(offer, amount, card["minors"], 0)
                ledger.record_redemption(
                    db,
                    ledger.new_id(),
                    card["qr"],
                    card["cti"],
                    offer.id,
                    amount,
                    at,
                    _fixed_discount(discount),
                )
                total += 1
            except OfferRefused:
                pass
            last = number + 1 == len(moments)
            if last or moments[number + 1] // (7 * DAY) != at // (7 * DAY):  # the week's sync
                synced_at = min(at + 3600, now)
                central.config["CLOCK"].now = synced_at
                client_for_till = CentralClient(CENTRAL_URL, transport, identity.token)
                sync_once(db, identity, client_for_till, _clock_at(synced_at), 500)
        db.close()
    return total


def _fixed_discount(discount: int) -> Callable[[int], int]:
    """The discount a till records, already worked out."""
    return lambda _used: discount


def _clock_at(moment: int) -> Callable[[], int]:
    """A clock stopped at ``moment``."""
    return lambda: moment


def _samples(layout: Layout, office: Any) -> dict[str, str]:
    """Every active card's printable PNG (``cards/<comune>/``), each comune's A4 sheets, a phone picture;
    returns a few of them to show."""
    from issuer import printing

    def printed(row: dict[str, Any]) -> printing.PrintedCard:
        comune = FOUNDING_COMUNI[row["istat"]]
        return printing.PrintedCard(comune, row["holder"], row["number"], row["expires_at"], row["qr"])

    rows = list(office["cards"].rows_where("status = 'active'", order_by="istat, number"))
    paths: dict[str, Path] = {}
    for istat, comune in FOUNDING_COMUNI.items():
        folder = _mkdir(layout.cards / comune.split()[0].lower().replace("ò", "o"))
        images = []
        for row in (r for r in rows if r["istat"] == istat):
            image = printing.card_image(printed(row))
            paths[row["cti"]] = folder / f"{row['number']}.png"
            paths[row["cti"]].write_bytes(printing.png_bytes(image))
            images.append(image)
        (folder / "fogli-A4.pdf").write_bytes(printing.pdf_bytes(printing.sheet_images(images)))
    samples = {
        f"{r['holder']} ({FOUNDING_COMUNI[r['istat']]})": str(paths[r["cti"]]) for r in (rows[0], rows[-1])
    }
    phone = layout.cards / f"{rows[0]['number']}-telefono.png"
    phone.write_bytes(printing.png_bytes(printing.phone_image(printed(rows[0]))))
    samples["phone"] = str(phone)
    samples["sheets"] = str(layout.cards / "seveso" / "fogli-A4.pdf")
    samples["all cards"] = str(layout.cards)
    return samples
