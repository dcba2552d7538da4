"""``familycard demo``: the whole network on this machine, for a first look."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .common import now_seconds, passphrase, user_errors


@click.command()
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("var/demo"),
    show_default=True,
    help="Where the demo network lives; reused when it exists.",
)
@click.option(
    "--serve/--no-serve", default=True, show_default=True, help="Start the servers and wait for Ctrl-C."
)
@user_errors
def demo(home: Path, serve: bool) -> None:
    """The seven founding comuni with shops, families, cards, tills and months of use; then serve them."""
    from ..demo.build import SUMMARY, Layout, bring_up_to_date, build
    from ..demo.serve import PARTS, stop, wait_for_interrupt
    from ..demo.serve import serve as start

    secret = passphrase()
    layout = Layout(home)
    if (home / SUMMARY).exists():
        summary = json.loads((home / SUMMARY).read_text())
        click.echo(f"Reusing the demo network in {home}")
        bring_up_to_date(layout, now_seconds())
    else:
        click.echo(f"Building the demo network in {home} (about a minute)…")
        summary = build(home, secret, now_seconds(), click.echo)
    password = summary["password"]
    click.echo("")
    click.echo("Sample cards (scan one at the till, or type its QR text into the scanner field):")
    for label, path in summary["cards"].items():
        click.echo(f"  {label:<38} {path}")
    click.echo(f"  verify one: .venv/bin/familycard card verify --home {layout.network} --image <card.png>")
    click.echo("")
    urls = [
        ("Till (cassa)", f"http://127.0.0.1:{PARTS['kiosk']}/", f"shop: {summary['served_shop']}, no login"),
        (
            "Comune office",
            f"http://127.0.0.1:{PARTS['issuer']}/",
            f"ufficio-seveso / {password} (one per comune)",
        ),
        ("Central service", f"http://127.0.0.1:{PARTS['central']}/admin/", f"admin / {password}"),
        ("A shop's pages", f"http://127.0.0.1:{PARTS['central']}/admin/shop", f"esercente / {password}"),
        ("Join as a shop", f"http://127.0.0.1:{PARTS['central']}/aderisci", "public"),
        ("Shop directory", f"http://127.0.0.1:{PARTS['central']}/directory", "public"),
        ("Open data", f"http://127.0.0.1:{PARTS['central']}/opendata", "public, closed months"),
    ]
    for name, url, login in urls:
        click.echo(f"  {name:<16} {url:<34} {login}")
    if not serve:
        return
    try:
        started = start(layout, home / "logs")
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"\nAll running (logs in {home / 'logs'}). Press Ctrl-C to stop.")
    exited = wait_for_interrupt(started)
    stop(started)
    if exited:
        raise click.ClickException(f"the {exited} server stopped by itself; see {home / 'logs' / exited}.log")
    click.echo("Stopped.")
