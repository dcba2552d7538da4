"""Printable cards per second at the comune office, against the QR rendering alone.

Run: ``make bench-issue``. Sets up an office in a temporary folder (its own signing key published in
a trust list), then issues 5,000 cards through the office's batch path (households registered and cards
signed and stored, one transaction a household, with the card events queued) and renders each card's
300 dpi PNG and the A4 PDF sheets on as many processes as there are cores, each chunk of cards while
the next is being signed. From the same run it prints the
rate of rendering the QR codes alone (the core's zxing-cpp encoder) on one core. Target: at least 100
printable cards per second on 2 cores. Last line: ``cards_per_s=N qr_only_per_s=M``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cardsvc.core import render_qr  # noqa: E402
from cardsvc.core.keys import public_key_from_pem  # noqa: E402
from cardsvc.network.home import NetworkHome  # noqa: E402
from issuer.batch import apply_batch, parse_batch  # noqa: E402
from issuer.cards import Office  # noqa: E402
from issuer.printing import PrintedCard, card_image, pdf_bytes, png_bytes, sheet_images  # noqa: E402
from issuer.schema import open_database  # noqa: E402
from issuer.signing_keys import generate_key, import_trust_list, pin_root  # noqa: E402

CARDS = int(os.environ.get("BENCH_CARDS", "5000"))
PASS = "bench-passphrase-123"
CHUNK = 250  # cards per rendering task: 25 A4 sheets


def render_chunk(task: tuple[list[PrintedCard], str, int]) -> int:
    """Write each card's PNG and the chunk's A4 sheets; returns the cards rendered."""
    cards, folder, index = task
    images = []
    for card in cards:
        image = card_image(card)
        Path(folder, f"{card.number}.png").write_bytes(png_bytes(image))
        images.append(image)
    Path(folder, f"sheets-{index:04d}.pdf").write_bytes(pdf_bytes(sheet_images(images)))
    return len(cards)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        now = int(time.time())
        home = NetworkHome.init(tmp / "network", "Rete di prova", PASS, now - 86400)
        home.add_comune("108040", "Seveso", PASS, now - 86400)
        instance = tmp / "office"
        instance.mkdir()
        db = open_database(str(instance / "issuer.db"))
        pin_root(db, home.state["root_public_key"])
        db.table("comuni").insert({"istat": "108040", "name": "Seveso", "min_minors": 1})
        _kid, pem = generate_key(db, instance, "108040", PASS, now - 3600)
        home.rotate_key("108040", PASS, now - 3600, public_key_from_pem(pem))
        import_trust_list(db, home.sign_trust_list(PASS, now - 3600))
        lines = ["riferimento;referente;anni_nascita_figli;indirizzo;residente"]
        lines += [f"R-{i};Famiglia Numero {i};2016/2019;Via Roma {i};si" for i in range(CARDS)]
        rows, errors = parse_batch("\n".join(lines).encode(), 2026)
        assert not errors, errors[:3]
        office = Office(instance, PASS, b"k" * 32)
        output = tmp / "print"
        output.mkdir()

        start = time.perf_counter()
        printed: list[PrintedCard] = []
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            futures = []
            for first in range(0, len(rows), CHUNK):  # each chunk renders while the next one is signed
                result = apply_batch(
                    db, office, "bench", "108040", rows[first : first + CHUNK], lambda: int(time.time())
                )
                chunk = [
                    PrintedCard("Seveso", c["holder"], c["number"], c["expires_at"], c["qr"])
                    for c in result.cards
                ]
                printed += chunk
                futures.append(pool.submit(render_chunk, (chunk, str(output), first)))
            signed = time.perf_counter()
            rendered = sum(future.result() for future in futures)
        elapsed = time.perf_counter() - start
        pngs = len(list(output.glob("*.png")))
        sheets = len(list(output.glob("*.pdf")))

        qr_start = time.perf_counter()
        for card in printed[:1000]:
            render_qr(card.qr, module_px=7)
        qr_rate = 1000 / (time.perf_counter() - qr_start)
    assert rendered == pngs == len(printed) == CARDS, (rendered, pngs, len(printed))
    print(f"cards={CARDS} signed and stored in {signed - start:.1f} s", end=" ")
    print(f"while rendered on {os.cpu_count()} processes;")
    print(f"{pngs} PNG files, {sheets} PDF files of A4 sheets, {elapsed:.1f} s in all; target >= 100 cards/s")
    print(f"cards_per_s={CARDS / elapsed:.0f} qr_only_per_s={qr_rate:.0f}")


if __name__ == "__main__":
    main()
