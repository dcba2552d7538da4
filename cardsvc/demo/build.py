"""Build the demo network in a folder, with the services operators' commands call, in this order:

1. the network folder (root and list-signing keys) and one comune office shared by the seven comuni,
   whose own signing keys the network publishes in its trust list;
2. the central service (``central init``, logins), its shops of a dozen categories with published
   offers, and an issuer credential per comune;
3. families registered and their cards issued through the office's CSV batch path, and in every comune
   a few families whose cards, issued for six months early in the story, are due for renewal (the
   office's *Rinnovi* page has letters to print); card events sent;
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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cardsvc.network.founding_comuni import FOUNDING_COMUNI, NETWORK_NAME
from cardsvc.network.home import NetworkHome
from cardsvc.platform.clock import ManualClock, system_time
from cardsvc.platform.private_files import make_private
from cardsvc.platform.rome_calendar import rome_year

from ..central import create_app as create_central
from ..central.setup import init_central, instance_settings, open_instance_database
from ..central.users import create_user
from ..core import to_rfc3339
from ..core.keys import public_key_from_pem
from .central_calls import CENTRAL_URL, DAY, DEMO_PASSWORD, HISTORY_DAYS, central_admin, in_process
from .data import households_csv, shops_for, vat_number
from .tills import run_tills

FAMILIES_PER_COMUNE = 30
SHOP_MANAGER = "esercente"
PENDING_APPLICATION = {
    "name": "Cartolibreria Il Quaderno",
    "vat": "02468135799",
    "istat": "108040",
    "category": "cartoleria",
    "address": "Via Manzoni 12, Seveso",
    "contact_name": "Paola Sironi",
    "email": "paola@ilquaderno.example",
    "offer_title": "10% su zaini e cartoleria per la scuola",
    "offer_kind": "percent",
    "offer_percent": "10",
}
DUE_PER_COMUNE = 2  # families whose cards end within the renewal window
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
    from issuer.setup import init_office, set_up_comune
    from issuer.signing_keys import generate_key, import_trust_list

    start = now - (HISTORY_DAYS + 60) * DAY
    home = NetworkHome.init(layout.network, NETWORK_NAME, secret, start)
    office = init_office(layout.issuer, home.state["root_public_key"], CENTRAL_URL)
    for istat, name in FOUNDING_COMUNI.items():
        set_up_comune(office, istat, name)
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
    admin = central_admin(client)
    central.config["CLOCK"] = ManualClock(start)  # the central service's clock follows the story being built
    shops = _shops(admin)
    central.config["CLOCK"].now = now
    say(f"Central service: {len(shops)} shops with published offers in {len(FOUNDING_COMUNI)} comuni")
    _shop_side(layout, shops[0], now)
    say(f"User {SHOP_MANAGER} (merchant_manager of {shops[0]['name']}) created; one application waiting")

    cards = _families(layout, office, client, secret, start, now, say)
    say(f"Comune office: {len(cards)} cards for {FAMILIES_PER_COMUNE * 7} families, card events sent")

    served = run_tills(layout, shops, cards, central, secret, now)
    central.config["CLOCK"] = system_time
    say(f"Tills: {len(shops)} enrolled, {served} redemptions over {HISTORY_DAYS} days, synced")
    samples = _samples(layout, office)
    return {"password": DEMO_PASSWORD, "served_shop": shops[0]["name"], "cards": samples}


def _shop_side(layout: Layout, shop: dict[str, Any], now: int) -> None:
    """A login for the first shop's manager, and a shop's application waiting for the network."""
    from ..central.shop_applications import Limits, submit
    from ..platform.storage.transactions import write_transaction

    db = open_instance_database(layout.central)
    try:
        create_user(db, SHOP_MANAGER, DEMO_PASSWORD, "merchant_manager", now, merchant_id=shop["id"])
        with write_transaction(db):
            submit(db, PENDING_APPLICATION, "demo", now - DAY, Limits(1, 1))
    finally:
        db.close()


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


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

    admin, transport = central_admin(client), in_process(client)
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
    due = _due_for_renewal(office, replace(signer, validity_months=6), start, now)
    say(f"Comune office: {due} cards due for renewal within 60 days, reminders to print")
    sync_office(office, transport, now)
    revoked = {card["cti"] for card in moved}
    return [c for c in cards if c["cti"] not in revoked]


def _due_for_renewal(office: Any, signer: Any, start: int, now: int) -> int:
    """In every comune, families whose six-month cards were issued early in the story: they end within
    the renewal window, so each comune's *Rinnovi* page lists them (kept out of the tills' history)."""
    from issuer.batch import apply_batch, parse_batch

    issued = 0
    for seed, istat in enumerate(FOUNDING_COMUNI):
        name = FOUNDING_COMUNI[istat].split()[0].lower().replace("ò", "o")
        data = households_csv(istat, DUE_PER_COMUNE, rome_year(now), 100 + seed, prefix="RINNOVO")
        rows, errors = parse_batch(data, rome_year(now))
        assert not errors, errors
        for offset, row in enumerate(rows):  # a few days apart: the letters' dates differ
            at = start + (5 + 9 * offset + seed) * DAY
            done = apply_batch(office, signer, f"ufficio-{name}", istat, [row], ManualClock(at))
            issued += len(done.cards)
    return issued


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
