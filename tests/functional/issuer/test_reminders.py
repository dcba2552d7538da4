"""Renewal reminders at the comune office: the cards whose last valid day (in Rome) is within 60 days,
those left out (ended, renewed, replaced, a household with a newer card, another comune's), letters
printed and marked sent, the list after it, erasure of the reminder rows, and refusals that change
nothing."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from cardsvc.platform.i18n import format_day
from cardsvc.platform.rome_calendar import ROME, last_valid_day
from issuer.reminder_letters import Letter, letters_pdf
from issuer.retention import purge
from tests.functional.conftest import NOW
from tests.functional.issuer.conftest import Desk

pytestmark = pytest.mark.functional


DAY = 86_400


def at_rome(day: date, hour: int, minute: int = 0, second: int = 0) -> int:
    """A moment given as a Rome wall-clock time."""
    return int(datetime.combine(day, time(hour, minute, second), ROME).timestamp())


def move_to(office: Desk, moment: int) -> None:
    office.clock.now = moment
    assert office.login().status_code == 302  # a new session at the new time


def card_for(office: Desk, name: str, others: str = "", every: bool = False) -> tuple[int, list[str]]:
    """A household registered and a card issued for its reference person (or every guardian), now."""
    household = office.register(reference_person=name, other_guardians=others, address=f"Via {name} 1")
    guardians = office.guardians(household)
    return household, [office.issue(household, g) for g in (guardians if every else guardians[:1])]


def listed(office: Desk, query: str = "") -> list[str]:
    """The card numbers the reminders page lists, in its order."""
    page = office.client.get(f"/reminders{query}")
    assert page.status_code == 200, page.get_data(as_text=True)
    return re.findall(r'id="reminder-([0-9A-Z-]+)"', page.get_data(as_text=True))


def number(office: Desk, cti: str) -> str:
    return str(office.card_row(cti)["number"])


def reminder_rows(office: Desk) -> list[dict[str, Any]]:
    return [dict(row) for row in office.db()["reminders"].rows]


def print_letters(office: Desk, ctis: list[str], **extra: str) -> Any:
    return office.client.post("/reminders/print", data={"csrf_token": office.csrf, "card": ctis, **extra})


@pytest.fixture
def three_days(office: Desk) -> dict[str, Any]:
    """Three cards issued a day apart: their last valid days follow each other."""
    cards = {}
    for index, name in enumerate(("Anna Primo", "Bruno Secondo", "Carla Terza")):
        move_to(office, NOW + index * DAY)
        cards[name] = card_for(office, name)[1][0]
    last = {name: last_valid_day(office.card_row(cti)["expires_at"]) for name, cti in cards.items()}
    assert last["Bruno Secondo"] - last["Anna Primo"] == timedelta(days=1)
    return {"cards": cards, "last": last}


def test_the_window_ends_on_the_sixtieth_day_in_rome_time(office: Desk, three_days: dict[str, Any]) -> None:
    cards, last = three_days["cards"], three_days["last"]
    # 00:30 in Rome is 23:30 of the day before in UTC: Bruno's card ends in 60 Rome days (61 UTC days).
    move_to(office, at_rome(last["Bruno Secondo"] - timedelta(days=60), 0, 30))
    shown = listed(office)
    # Anna: 59 days, Bruno: 60 days, Carla: 61 days.
    assert shown == [number(office, cards["Anna Primo"]), number(office, cards["Bruno Secondo"])]
    page = office.client.get("/reminders").get_data(as_text=True)
    assert "tra 59 giorni" in page and "tra 60 giorni" in page and "tra 61 giorni" not in page
    assert format_day(last["Anna Primo"], "it", "long") in page  # the expiry in words
    assert "non inviato" in page and "Anna Primo" in page
    # One second before that Rome midnight, Bruno's card is 61 days away and Anna's 60.
    move_to(office, at_rome(last["Bruno Secondo"] - timedelta(days=61), 23, 59, 59))
    assert listed(office) == [number(office, cards["Anna Primo"])]


def test_cards_that_ended_were_renewed_or_replaced_are_left_out(office: Desk) -> None:
    _, [revoked] = card_for(office, "Rita Revocata")
    _, [renewed] = card_for(office, "Remo Rinnovato")
    _, [lost] = card_for(office, "Luisa Perduta")
    _, [kept] = card_for(office, "Carlo Valido")
    expires_at = office.card_row(kept)["expires_at"]
    move_to(office, expires_at - 30 * DAY)
    assert office.post(f"/cards/{revoked}/revoke", {"reason": "moved", "confirm": "yes"}).status_code == 303
    assert office.post(f"/cards/{renewed}/renew").status_code == 303
    replaced = office.post(f"/cards/{lost}/reissue", {"reason": "lost", "confirm": "yes"})
    replacement = replaced.headers["Location"].rsplit("/", 1)[1]
    shown = listed(office)
    # the replacement keeps the lost card's expiry: it is due; the ended ones and the renewal are not
    assert sorted(shown) == sorted([number(office, kept), number(office, replacement)])
    move_to(office, expires_at + 1)
    assert listed(office) == []  # expired: no longer a reminder to send


def test_a_household_with_a_newer_valid_card_is_left_out(office: Desk) -> None:
    household, [first] = card_for(office, "Paola Prima", others="Piero Dopo")
    _, [alone] = card_for(office, "Sola Senzaltra")
    move_to(office, NOW + 50 * DAY)
    second = office.issue(household, office.guardians(household)[0])  # the other guardian, later
    move_to(office, office.card_row(first)["expires_at"] - 20 * DAY)
    assert listed(office) == [number(office, alone)]
    assert number(office, first) not in listed(office) and number(office, second) not in listed(office)


def test_another_comunes_cards_are_invisible_and_refused(office: Desk) -> None:
    _, [seveso] = card_for(office, "Sara Seveso")
    move_to(office, office.card_row(seveso)["expires_at"] - 10 * DAY)
    assert listed(office) == [number(office, seveso)]
    office.login("brugherio-office")
    assert listed(office) == []
    page = office.client.get("/reminders").get_data(as_text=True)
    assert "Sara Seveso" not in page and "Nessuna carta scade" in page
    refused = print_letters(office, [seveso])
    assert refused.status_code == 422
    assert "non sono in scadenza in questo comune" in refused.get_data(as_text=True)
    assert reminder_rows(office) == []
    assert office.db().execute("select count(*) from audit where action = 'remind'").fetchone()[0] == 0
    office.login()  # Seveso prints its letters: Brugherio cannot download them
    assert print_letters(office, [seveso]).status_code == 303
    office.login("brugherio-office")
    assert office.client.get(f"/reminders/letters.pdf?at={office.clock.now}").status_code == 404
    page = office.client.get(f"/reminders?printed={office.clock.now}").get_data(as_text=True)
    assert "Sara Seveso" not in page and "reminders-printed" not in page


def test_printing_marks_sent_and_the_list_updates(office: Desk) -> None:
    _, [giulia, marco] = card_for(office, "Giulia Brambilla", others="Marco Colombo", every=True)
    _, [luca] = card_for(office, "Luca Rossi")
    _, [elena] = card_for(office, "Elena Villa")
    printed_at = office.card_row(giulia)["expires_at"] - 45 * DAY
    move_to(office, printed_at)
    assert len(listed(office)) == 4 and len(listed(office, "?show=unsent")) == 4
    response = print_letters(office, [giulia, marco, luca])
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/reminders?show=all&printed={printed_at}")
    rows = {row["cti"]: row for row in reminder_rows(office)}
    assert set(rows) == {giulia, marco, luca}
    assert all(r["sent_at"] == printed_at and r["operator"] == "seveso-office" for r in rows.values())
    audit = office.db().execute("select subject, operator, at from audit where action = 'remind'").fetchall()
    assert sorted(a[0] for a in audit) == sorted(number(office, c) for c in (giulia, marco, luca))
    assert {(a[1], a[2]) for a in audit} == {("seveso-office", printed_at)}

    page = office.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 lettere, 3 carte" in page and f"/reminders/letters.pdf?at={printed_at}" in page
    sent_on = format_day(printed_at, "it", "long")
    row = re.search(rf'id="reminder-{number(office, luca)}".*?</tr>', page, re.S)
    assert row and f"inviato il {sent_on} (seveso-office)" in row.group(0)
    assert "1 carta senza promemoria" in page
    assert listed(office, "?show=unsent") == [number(office, elena)]

    letters = office.client.get(f"/reminders/letters.pdf?at={printed_at}")
    assert letters.status_code == 200 and letters.mimetype == "application/pdf"
    assert "attachment" in letters.headers["Content-Disposition"]
    assert office.db().execute("select count(*) from audit where subject = 'reminders'").fetchone()[0] == 1
    assert office.client.get(f"/reminders/letters.pdf?at={printed_at + 1}").status_code == 404
    assert office.client.get("/reminders/letters.pdf?at=yesterday").status_code == 404

    later = printed_at + 2 * DAY  # the rest, with the button for all not yet sent
    move_to(office, later)
    every = office.client.post("/reminders/print", data={"csrf_token": office.csrf, "all_unsent": "1"})
    assert every.status_code == 303
    assert {r["cti"]: r["sent_at"] for r in reminder_rows(office)}[elena] == later
    assert listed(office, "?show=unsent") == []
    assert "Tutti i promemoria" in office.client.get("/reminders?show=unsent").get_data(as_text=True)


def pdf_text(tmp_path: Path, data: bytes) -> tuple[int, str]:
    path = tmp_path / "letters.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return pages, text


def test_the_letters_are_a_page_per_household_with_names_comune_and_expiry(
    office: Desk, tmp_path: Path
) -> None:
    _, [giulia, marco] = card_for(office, "Giulia Viganò", others="Marco Colombo", every=True)
    _, [luca] = card_for(office, "Luca Rossi")
    _, [unchosen] = card_for(office, "Elena Villa")
    expires_at = office.card_row(giulia)["expires_at"]
    move_to(office, expires_at - 20 * DAY)
    assert print_letters(office, [luca, giulia, marco]).status_code == 303
    pdf = office.client.get(f"/reminders/letters.pdf?at={office.clock.now}")
    pages, text = pdf_text(tmp_path, pdf.data)
    assert pages == 2  # two households chosen
    flat = " ".join(text.split())
    for name in ("Giulia Viganò", "Marco Colombo", "Luca Rossi"):
        assert name in flat
    assert "Elena Villa" not in flat and number(office, unchosen) not in flat
    assert "Comune di Seveso" in flat and "Via Luca Rossi 1" in flat
    assert format_day(last_valid_day(expires_at), "it", "long") in flat
    assert number(office, giulia) in flat and number(office, luca) in flat
    assert "documento d'identità" in flat and "Family Card attuale" in flat
    assert "ISEE" not in flat  # Seveso's rules ask for no ISEE
    first, second = text.split("\f")[:2]
    assert "Giulia Viganò" in first and "Luca Rossi" not in first and "Luca Rossi" in second


def test_the_letter_asks_for_the_isee_where_the_rules_do(tmp_path: Path) -> None:
    card = {"name": "Anna Bianchi", "number": "82E5-X0PQ-HHP9-XQ", "expires_at": NOW + 30 * DAY}
    data = letters_pdf([Letter("Via Manzoni 8", [card], NOW)], "Brugherio", True, NOW)
    pages, text = pdf_text(tmp_path, data)
    flat = " ".join(text.split())
    assert pages == 1 and "ISEE" in flat and "Comune di Brugherio" in flat and "Anna Bianchi" in flat


def test_bad_choices_are_refused_in_words_and_change_nothing(office: Desk) -> None:
    _, [due] = card_for(office, "Dario Dovuto")
    _, [other] = card_for(office, "Nora Pure")
    move_to(office, NOW + 70 * DAY)
    _, [later] = card_for(office, "Lino Tardi")  # issued later: it ends after the window
    move_to(office, office.card_row(due)["expires_at"] - 3 * DAY)
    assert number(office, later) not in listed(office)
    before = office.db().execute("select count(*) from audit").fetchone()[0]
    cases = [
        ([], "Nessuna carta scelta"),
        (["AAAAAAAAAAA"], "1 non sono in scadenza"),
        ([due, "nonsense"], "1 non sono in scadenza"),
        ([due, later], "1 non sono in scadenza"),
    ]
    for ctis, message in cases:
        refused = print_letters(office, ctis)
        assert refused.status_code == 422, ctis
        assert message in refused.get_data(as_text=True), ctis
    no_token = office.client.post("/reminders/print", data={"card": [due, other]})
    assert no_token.status_code == 400 and "modulo" in no_token.get_data(as_text=True).lower()
    assert reminder_rows(office) == []
    assert office.db().execute("select count(*) from audit").fetchone()[0] == before
    assert office.client.get("/reminders?page=7").status_code == 400


def test_erasing_a_household_erases_its_reminder_rows(office: Desk) -> None:
    household, [erased] = card_for(office, "Ugo Cancellato")
    _, [kept] = card_for(office, "Vera Restante")
    move_to(office, office.card_row(erased)["expires_at"] - 10 * DAY)
    assert print_letters(office, [erased, kept]).status_code == 303
    assert len(reminder_rows(office)) == 2
    office.post(f"/cards/{erased}/revoke", {"reason": "moved", "confirm": "yes"})
    assert office.post(f"/households/{household}/erase").status_code == 303
    assert [r["cti"] for r in reminder_rows(office)] == [kept]
    assert number(office, kept) in listed(office)


def test_purge_forgets_the_reminders_of_cards_no_longer_due(office: Desk) -> None:
    _, [expired] = card_for(office, "Olga Scaduta")
    expires_at = office.card_row(expired)["expires_at"]
    move_to(office, expires_at - 10 * DAY)
    assert print_letters(office, [expired]).status_code == 303
    purge(office.db(), office.instance, expires_at - DAY, apply=True)
    assert len(reminder_rows(office)) == 1  # still valid: the row stays
    purge(office.db(), office.instance, expires_at + DAY, apply=True)
    assert reminder_rows(office) == []


def test_the_command_lists_without_names_and_writes_the_letters(office: Desk, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cardsvc.cli import main
    from cardsvc.core.timestamps import to_rfc3339

    _, [due] = card_for(office, "Teresa Comando")
    at = to_rfc3339(office.card_row(due)["expires_at"] - 15 * DAY)
    base = ["issuer", "reminders", "--instance", str(office.instance), "--istat", "108040", "--at", at]
    listing = CliRunner().invoke(main, [*base, "--json"])
    assert listing.exit_code == 0, listing.output
    [card] = json.loads(listing.output)["cards"]
    assert card["number"] == number(office, due) and card["days_left"] == 14  # its end less 15 days
    assert card["reminder_sent_at"] is None and "Teresa" not in listing.output
    refused = CliRunner().invoke(main, [*base, "--letters", str(tmp_path / "l.pdf")])
    assert refused.exit_code == 2 and "--operator" in refused.output and reminder_rows(office) == []
    printed = CliRunner().invoke(main, [*base, "--letters", str(tmp_path / "l.pdf"), "--operator", "anna"])
    assert printed.exit_code == 0, printed.output
    assert "reminded by anna" in printed.output
    pages, text = pdf_text(tmp_path, (tmp_path / "l.pdf").read_bytes())
    assert pages == 1 and "Teresa Comando" in text
    assert [r["operator"] for r in reminder_rows(office)] == ["anna"]
    again = CliRunner().invoke(main, [*base, "--letters", str(tmp_path / "l.pdf"), "--operator", "anna"])
    assert again.exit_code == 2 and "no letters" in again.output
