"""``familycard report``: a month's report for the Tavolo as JSON, CSV, a standalone HTML page or PDF."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cardsvc.platform.i18n import DEFAULT_LANGUAGE, LANGUAGES, in_language

from .central_cmd import instance_option, instance_settings, open_db
from .common import CommandError, now_seconds


@click.command()
@instance_option
@click.option("--month", required=True, help="YYYY-MM, in Rome time.")
@click.option("--comune", help="ISTAT code: that comune's view only.")
@click.option("--format", "kind", type=click.Choice(["json", "csv", "html", "pdf"]), required=True)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="File (or folder, for CSV).")
@click.option(
    "--decimals", type=click.Choice(["it", "en"]), default="it", show_default=True, help="CSV numbers."
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="HTML and PDF words.",
)
def report(
    instance: Path, month: str, comune: str | None, kind: str, out: Path, decimals: str, lang: str
) -> None:
    """Write the month's report; every figure of fewer than five families shows as "< 5"."""
    from ..central.reports import charts
    from ..central.reports.csv_export import TABLES, table_csv
    from ..central.reports.figures import comuni
    from ..central.reports.report import build_report
    from ..central.setup import instance_database
    from ..platform.storage.engines import is_file

    if is_file(instance_database(instance)) and not (instance / "central.db").exists():
        raise CommandError(f"{instance} holds no central service (run: familycard central init)")
    steps = {"json": 2, "csv": 2, "html": 5, "pdf": 3}[kind]
    with click.progressbar(length=steps, label=f"Report {month}", file=sys.stderr) as bar:
        try:
            published = build_report(open_db(instance), month, now_seconds(), comune)
        except ValueError as error:
            raise CommandError(str(error)) from None
        bar.update(1)
        if kind == "json":
            out.write_text(json.dumps(published, indent=2, ensure_ascii=False))
        elif kind == "csv":
            out.mkdir(parents=True, exist_ok=True)
            for table in TABLES:
                (out / f"{month}-{table}.csv").write_text(table_csv(published, table, decimals == "it"))
        elif kind == "pdf":
            from ..central.reports.pdf_report import render_pdf

            bar.update(1)
            out.write_bytes(render_pdf(published, lang))
        else:
            svgs = {}
            for name, draw in charts.CHARTS.items():
                svgs[name] = draw(published, "svg", lang).decode()
                bar.update(1)
            from ..central import create_app

            app = create_app(instance_settings(instance))
            with app.app_context(), in_language(lang):
                template = app.jinja_env.get_template("report_standalone.html")
                names = comuni(open_db(instance))
                out.write_text(template.render(report=published, charts=svgs, columns=TABLES, names=names))
        bar.update(steps)
    click.echo(f"Wrote {out}")
