"""Demo content: shops of a dozen categories in every comune, their offers, and families' names."""

from __future__ import annotations

import random

from ..central.vat import vat_check_digit

SHOPS: list[tuple[str, str, dict[str, object]]] = [
    (
        "Alimentari {town}",
        "alimentari",
        {"title": "5% sulla spesa per la famiglia", "kind": "percent", "percent": 5},
    ),
    (
        "Farmacia Comunale {town}",
        "farmacia",
        {"title": "10% sui prodotti per l'infanzia", "kind": "percent", "percent": 10, "cap_cents": 1500},
    ),
    (
        "Bimbi & Co. {town}",
        "abbigliamento bambini",
        {"title": "5 € ogni 40 € di spesa", "kind": "fixed", "amount_cents": 500, "min_spend_cents": 4000},
    ),
    (
        "Libreria del Borgo {town}",
        "libreria",
        {"title": "15% sui libri per ragazzi", "kind": "percent", "percent": 15},
    ),
    (
        "Sport Brianza {town}",
        "sport",
        {"title": "10% con due o più figli", "kind": "percent", "percent": 10, "min_minors": 2},
    ),
    (
        "Ottica Centrale {town}",
        "ottica",
        {
            "title": "20 € su occhiali da vista per ragazzi",
            "kind": "fixed",
            "amount_cents": 2000,
            "min_spend_cents": 10000,
            "daily_limit": 1,
        },
    ),
    (
        "Cartoleria Scuola {town}",
        "cartoleria",
        {"title": "10% sul materiale scolastico", "kind": "percent", "percent": 10},
    ),
    (
        "Giochi e Giocattoli {town}",
        "giocattoli",
        {"title": "8% sui giochi educativi", "kind": "percent", "percent": 8},
    ),
    (
        "Pizzeria In Famiglia {town}",
        "ristorazione",
        {
            "title": "menù bambini scontato di 3 €",
            "kind": "fixed",
            "amount_cents": 300,
            "min_spend_cents": 1500,
        },
    ),
    (
        "Cinema Teatro {town}",
        "cultura e tempo libero",
        {"title": "2 € sui biglietti", "kind": "fixed", "amount_cents": 200, "daily_limit": 4},
    ),
    (
        "Centro Benessere {town}",
        "salute e benessere",
        {"title": "10% sui corsi per ragazzi", "kind": "percent", "percent": 10, "cap_cents": 3000},
    ),
    (
        "Ferramenta {town}",
        "servizi per la casa",
        {"title": "5% per le famiglie", "kind": "percent", "percent": 5},
    ),
]
SHOPS_PER_COMUNE = 4
FIRST_NAMES = [
    "Giulia",
    "Marco",
    "Francesca",
    "Luca",
    "Chiara",
    "Davide",
    "Sara",
    "Paolo",
    "Elena",
    "Andrea",
    "Martina",
    "Matteo",
    "Anna",
    "Stefano",
    "Laura",
    "Simone",
    "Valentina",
    "Alessandro",
    "Federica",
    "Roberto",
    "Silvia",
    "Niccolò",
    "Alessia",
    "Lorenzo",
]
SURNAMES = [
    "Brambilla",
    "Colombo",
    "Ferrari",
    "Rossi",
    "Bianchi",
    "Romano",
    "Galli",
    "Fumagalli",
    "Cattaneo",
    "Mariani",
    "Villa",
    "Sala",
    "Riva",
    "Pozzi",
    "Magnaghi",
    "Longoni",
    "Redaelli",
    "Meroni",
    "Viganò",
    "Monti",
    "Mauri",
    "Arosio",
    "Corbetta",
    "Pirovano",
]
STREETS = [
    "Via Roma", "Via Manzoni", "Via Garibaldi", "Corso Italia", "Via Mazzini", "Via Cavour", "Via Verdi",
    "Via Dante", "Piazza della Libertà", "Via Borgonuovo",
]  # fmt: skip


def vat_number(seed: int) -> str:
    first_ten = f"{9_000_000_000 + seed * 7919:010d}"[-10:]
    return first_ten + str(vat_check_digit(first_ten))


def shops_for(index: int, town: str) -> list[tuple[str, str, dict[str, object]]]:
    """Four shops for the comune at ``index``, the categories turning so that all twelve appear."""
    chosen = [SHOPS[(index * SHOPS_PER_COMUNE + k) % len(SHOPS)] for k in range(SHOPS_PER_COMUNE)]
    return [(name.format(town=town), category, offer) for name, category, offer in chosen]


def households_csv(istat: str, count: int, year: int, seed: int, prefix: str = "DEMO") -> bytes:
    """A CSV of ``count`` families for the office's batch import (the same columns an office uses); their
    references begin with ``prefix``."""
    rnd = random.Random(seed)
    lines = ["riferimento;referente;altri_genitori;anni_nascita_figli;indirizzo;residente;isee;carte"]
    for n in range(count):
        surname = rnd.choice(SURNAMES)
        parent = f"{rnd.choice(FIRST_NAMES)} {surname}"
        other = f"{rnd.choice(FIRST_NAMES)} {rnd.choice(SURNAMES)}" if rnd.random() < 0.6 else ""
        children = "/".join(str(year - rnd.randint(1, 16)) for _ in range(rnd.choice([1, 1, 2, 2, 3, 4])))
        cards = "tutti" if other and rnd.random() < 0.5 else "referente"
        address = f"{rnd.choice(STREETS)} {rnd.randint(1, 120)}"
        lines.append(f"{prefix}-{istat}-{n:04d};{parent};{other};{children};{address};si;;{cards}")
    return "\n".join(lines).encode()
