"""The report's figures read back from its CSV, HTML and PDF, into the JSON's shape (cents, integers,
``None`` with ``suppressed`` for "< 5"), so the auditor and the comparisons can run on each format."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from cardsvc.central.reports.columns import TABLES, Column

HIDDEN = "< 5"
VALUE = r"(?:< 5|-?[\d.]+,\d\d €|-?[\d.]+)"
MONTHS = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
          "ottobre", "novembre", "dicembre")  # fmt: skip
MONTH = re.compile(rf"({'|'.join(MONTHS)}) (\d{{4}})")
HEADINGS = {  # the PDF's headings, and the table that follows each
    "Rete": "network",
    "Per comune della famiglia": "family",
    "Per comune del negozio": "shop",
    "Andamento degli ultimi 12 mesi": "trend",
    "Negozi per categoria": "category",
    "Dove spendono le famiglie (i 10 comuni principali)": "flow",
}


def _figure(text: str, column: Column) -> Any:
    text = text.strip()
    if not column.figure:
        return text
    if text == HIDDEN or text == "":
        return None
    if column.money:
        return round(float(text.replace("€", "").strip().replace(".", "").replace(",", ".")) * 100)
    return int(text.replace(".", ""))


def _row(cells: dict[str, str], columns: tuple[Column, ...]) -> dict[str, Any]:
    row = {c.key: _figure(cells[c.key], c) for c in columns if c.key in cells}
    if HIDDEN in cells.values():
        row["suppressed"] = True
    return row


def _report(tables: dict[str, list[dict[str, Any]]], month: str) -> dict[str, Any]:
    report: dict[str, Any] = {"month": month, **tables}
    report["network"] = tables["network"][0]
    return report


def read_csv(texts: dict[str, str], month: str) -> dict[str, Any]:
    """The report from its CSV tables (Italian conventions), by table name."""
    tables = {}
    for table, text in texts.items():
        columns = TABLES[table]
        by_header = {c.csv: c for c in columns}
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
        rows = []
        for raw in reader:
            rows.append(_row({by_header[h].key: v for h, v in raw.items()}, columns))
        tables[table] = rows
    return _report(tables, month)


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[dict[str, str]]] = {}
        self.table: str | None = None
        self.row: dict[str, str] | None = None
        self.key: str | None = None
        self.month: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("data-table"):
            self.table = found["data-table"]
            self.tables[str(self.table)] = []
        elif tag == "tr" and self.table:
            self.row = {"istat": str(found["data-istat"])} if found.get("data-istat") else {}
            self.month = found.get("data-month")  # the trend's month, shown in words
        elif tag == "td" and self.row is not None:
            self.key = found.get("data-key")
            self.row[str(self.key)] = ""
            if found.get("data-value"):  # a comune shown by its name: its code
                self.row[str(self.key)] = str(found["data-value"])
                self.key = None

    def handle_data(self, data: str) -> None:
        if self.row is not None and self.key:
            self.row[self.key] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.key = None
        elif tag == "tr" and self.table and self.row:
            if self.month:
                self.row["month"] = self.month
            self.tables[self.table].append(self.row)
            self.row = None
        elif tag == "table":
            self.table = None


def read_html(text: str, month: str) -> dict[str, Any]:
    """The report from the web page or the standalone HTML."""
    parser = _Tables()
    parser.feed(text)
    tables = {t: [_row(cells, TABLES[t]) for cells in rows] for t, rows in parser.tables.items()}
    return _report(tables, month)


def pdf_text(path: Path) -> str:
    """The PDF's text in drawing order (a table's header cells one after another)."""
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _values(line: str, count: int) -> tuple[str, list[str]] | None:
    """A table line: its name (maybe empty) and its ``count`` values, read from the right."""
    found = re.fullmatch(rf"(?:(.*?) )?({VALUE}(?: {VALUE}){{{count - 1}}})", line.strip())
    if not found:
        return None
    return found.group(1) or "", re.findall(VALUE, found.group(2))


def read_pdf(path: Path, names: dict[str, str], month: str) -> dict[str, Any]:
    """The figures the PDF shows: the network, the comuni, the trend, and each comune's section (its
    categories and the comuni its families spend most in). ``names``: ISTAT code by comune name."""
    lines = pdf_text(path).splitlines()
    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    family = [c for c in TABLES["by_family_comune"] if c.figure]
    shop = [c for c in TABLES["by_shop_comune"] if c.figure]
    trend = [c for c in TABLES["trend"] if c.figure]
    category = [c for c in TABLES["by_category"] if c.figure]
    flow = [c for c in TABLES["flow"] if c.figure]
    section, part = "start", ""
    for line in lines:
        if line.startswith("Family Card — rapporto"):
            continue
        heading = HEADINGS.get(line.strip())
        if heading:
            section = heading
            continue
        if line.startswith("Comune di "):
            section, part = "comune", names[line[len("Comune di ") :].strip()]
            continue
        wanted = {"network": family, "family": family, "shop": shop, "trend": trend, "category": category,
                  "flow": flow}.get(section)  # fmt: skip
        if wanted is None or (parsed := _values(line, len(wanted))) is None:
            continue
        name, values = parsed
        cells = {c.key: v for c, v in zip(wanted, values, strict=True)}
        if section == "network" and not name:
            tables["network"].append(_row(cells, TABLES["network"]))
        elif section == "family" and name in names:
            tables["by_family_comune"].append(
                _row({**cells, "istat": names[name]}, TABLES["by_family_comune"])
            )
        elif section == "shop" and name in names:
            tables["by_shop_comune"].append(_row({**cells, "istat": names[name]}, TABLES["by_shop_comune"]))
        elif section == "trend" and (month := MONTH.fullmatch(name)):
            number = f"{month.group(2)}-{MONTHS.index(month.group(1)) + 1:02d}"
            tables["trend"].append(_row({**cells, "month": number}, TABLES["trend"]))
        elif section == "category" and name:
            tables["by_category"].append(
                _row({**cells, "istat": part, "category": name}, TABLES["by_category"])
            )
        elif section == "flow" and name in names:
            tables["flow"].append(_row({**cells, "from": part, "to": names[name]}, TABLES["flow"]))
    return _report(tables, month)


def read_open_data(texts: dict[str, str], month: str) -> dict[str, Any]:
    """The month's figures from its open data files (``cardsvc.central.opendata``), by dataset name, in
    the report's shape; every row must be of the month."""
    from cardsvc.central.opendata import DATASETS

    tables: dict[str, list[dict[str, Any]]] = {}
    for name, text in texts.items():
        dataset = DATASETS[name]
        by_header = {c.csv: c for c in dataset.columns}
        assert text.startswith("\ufeff"), name
        reader = csv.DictReader(io.StringIO(text[1:]), delimiter=";")
        assert reader.fieldnames == [c.csv for c in dataset.columns], name
        rows = []
        for raw in reader:
            assert raw.pop("mese") == month, name
            rows.append(_row({by_header[h].key: v for h, v in raw.items()}, dataset.columns))
        tables[dataset.table] = rows
    return _report(tables, month)
