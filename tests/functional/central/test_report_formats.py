"""The report's formats and who may read them: the PDF rendered to pages and its text read back, CSV,
charts, JSON, the command, and the roles (a comune officer sees their comune only)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cardsvc.cli import main
from tests.functional.central.test_reports import Seeded, network, rome  # noqa: F401 - the fixture
from tests.functional.conftest import PASS, USER_PASSWORD, Central, basic, run_cli

pytestmark = pytest.mark.functional


@pytest.fixture
def seeded(network: Central) -> Central:  # noqa: F811 - the fixture imported above
    seed = Seeded(network)
    for istat, count in (("108040", 8), ("108012", 6), ("108034", 5)):
        cards = seed.families(istat, count, rome("2026-09-01 10:00"))
        for day, card in enumerate(cards, start=1):
            seed.redeem(istat, card, rome(f"2026-10-{day:02d} 11:00"), 4_000 + day, 400)
        seed.upload(istat)
    run_cli(
        "central",
        "add-user",
        "--instance",
        str(network.instance),
        "--username",
        "seveso",
        "--role",
        "comune_officer",
        "--istat",
        "108040",
    )
    return network


def login(central: Central, username: str) -> None:
    page = central.client.get("/admin/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = central.client.post(
        "/admin/login", data={"csrf_token": token, "username": username, "password": USER_PASSWORD}
    )
    assert response.status_code == 302


def test_pdf_pages_text_and_page_numbers(seeded: Central, tmp_path: Path) -> None:
    login(seeded, "admin")
    pdf = seeded.client.get("/admin/reports/2026-10.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.data)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 3 + 3  # summary, tables, flows; then a section per comune
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Family Card — rapporto mensile ottobre 2026" in text and "01/10/2026 – 31/10/2026" in text
    assert "Comune di Seveso" in text and "Comune di Muggiò" in text and "Pagina 6" in text
    assert "dati fino a 01/11/2026 01:00" in text or "dati fino a 01/11/2026 00:00" in text  # Rome time
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", text) and "2026-10" not in text  # in words
    assert "Rete" in text and "19" in text  # 8 + 6 + 5 operations


def test_page_csv_chart_and_json_for_the_network(seeded: Central) -> None:
    login(seeded, "admin")
    page = seeded.client.get("/admin/reports?month=2026-10").get_data(as_text=True)
    assert 'id="network-redemptions">19<' in page and "Muggiò" in page
    for name in ("comuni", "flussi", "andamento"):
        chart = seeded.client.get(f"/admin/reports/2026-10/{name}.svg")
        assert chart.status_code == 200 and chart.data.lstrip().startswith(b"<?xml") and b"<svg" in chart.data
    csv = seeded.client.get("/admin/reports/2026-10/by_shop_comune.csv?decimali=en").get_data(as_text=True)
    assert csv.splitlines()[0].startswith("\ufeffistat,comune,")
    assert seeded.client.get("/admin/reports/2026-10/nothing.csv").status_code == 404
    data = seeded.client.get("/admin/reports/2026-10.json").json
    assert {r["istat"] for r in data["by_family_comune"]} == {"108040", "108012", "108034"}
    assert seeded.client.get("/admin/reports/2026-13.json").status_code == 400


def test_a_comune_officer_sees_their_comune_only(seeded: Central) -> None:
    login(seeded, "seveso")
    data = seeded.client.get("/admin/reports/2026-10.json?comune=108012").json
    assert [r["istat"] for r in data["by_family_comune"]] == ["108040"]
    assert all("108040" in (r["from"], r["to"]) for r in data["flow"])
    assert seeded.client.get("/admin/statement?merchant=1").status_code == 403


def test_merchant_statement(seeded: Central) -> None:
    run_cli(
        "central",
        "add-user",
        "--instance",
        str(seeded.instance),
        "--username",
        "negozio",
        "--role",
        "merchant_manager",
        "--merchant-id",
        "1",
    )
    login(seeded, "negozio")
    page = seeded.client.get("/admin/statement?month=2026-10").get_data(as_text=True)
    assert "Negozio 108040" in page and "<dd>8</dd>" in page and "<dd>32,00 €</dd>" in page
    assert seeded.client.get("/admin/reports").status_code == 403
    api = seeded.client.get("/admin/reports/2026-10.json", headers=basic("negozio"))
    assert api.status_code in (302, 403)


def test_report_command(seeded: Central, tmp_path: Path) -> None:
    base = ["report", "--instance", str(seeded.instance), "--month", "2026-10"]
    env = {"FAMILYCARD_PASSPHRASE": PASS}
    for kind, out in (
        ("json", tmp_path / "r.json"),
        ("html", tmp_path / "r.html"),
        ("pdf", tmp_path / "r.pdf"),
        ("csv", tmp_path / "csv"),
    ):
        result = CliRunner().invoke(main, [*base, "--format", kind, "--out", str(out)], env=env)
        assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "r.json").read_text())["network"]["redemptions"] == 19
    assert (tmp_path / "r.html").read_text().count("<svg") == 3
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert (
        len(list((tmp_path / "csv").glob("2026-10-*.csv"))) == 6
    )  # the network, by family and shop comune, by category, flow, trend
    bad = CliRunner().invoke(
        main, [*base[:-1], "2026-1", "--format", "json", "--out", str(tmp_path / "x")], env=env
    )
    assert bad.exit_code == 2 and "not a month" in bad.output


def test_refresh_reports_command(seeded: Central) -> None:
    first = CliRunner().invoke(
        main, ["central", "refresh-reports", "--instance", str(seeded.instance), "--json"]
    )
    assert first.exit_code == 0, first.output
    assert "2026-10" in json.loads(first.output[first.output.index("{") :])["refreshed"]
    again = CliRunner().invoke(
        main, ["central", "refresh-reports", "--instance", str(seeded.instance), "--json"]
    )
    assert json.loads(again.output[again.output.index("{") :])["refreshed"] == []
