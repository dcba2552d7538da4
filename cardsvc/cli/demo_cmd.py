"""``familycard demo``: a working network on this machine, for a first look."""

from __future__ import annotations

from pathlib import Path

import click

from ..founding_comuni import FOUNDING_COMUNI, NETWORK_NAME
from ..network_home import STATE_FILE, NetworkHome
from .common import now_seconds, passphrase, user_errors

SAMPLE_HOLDERS = [
    ("108040", "GIULIA BRAMBILLA", 2),
    ("108012", "MARCO COLOMBO", 1),
    ("108034", "FRANCESCA MAGNÀGHI", 3),
]


@click.command()
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("var/demo"),
    show_default=True,
    help="Where the demo network lives; reused when it exists.",
)
@user_errors
def demo(home: Path) -> None:
    """Set up the seven founding comuni, issue sample cards and verify them."""
    secret = passphrase()
    now = now_seconds()
    network_dir = home / "network"
    if (network_dir / STATE_FILE).exists():
        network_home = NetworkHome(network_dir)
        click.echo(f"Reusing the demo network in {network_dir}")
    else:
        network_home = NetworkHome.init(network_dir, NETWORK_NAME, secret, now)
        click.echo(f"Created the network {NETWORK_NAME!r} in {network_dir}")
    for istat, name in FOUNDING_COMUNI.items():
        if istat not in network_home.state["comuni"]:
            key = network_home.add_comune(istat, name, secret, now)
            click.echo(f"  added {name} ({istat}) with issuer key {key.to_json()['kid']}")
    shown = network_home.show()
    click.echo(
        f"Trust list v{shown['trust_list_version']} signed by root key {shown['root_kid']}: "
        f"{network_dir / 'trust-list.jws'}"
    )
    click.echo("Sample cards:")
    for istat, holder, minors in SAMPLE_HOLDERS:
        png = home / "cards" / f"{istat}-{holder.split()[0].lower()}.png"
        issued = network_home.issue_card(istat, holder, minors, secret, now, png=png)
        verdict = network_home.verify(issued.text, now_seconds())
        click.echo(
            f"  {issued.card_number}  {holder:<20} {FOUNDING_COMUNI[istat]:<18} "
            f"QR v{issued.qr_version}  {verdict.code.value}  {png}"
        )
    click.echo("Verify one yourself:")
    click.echo(f"  .venv/bin/familycard card verify --home {network_dir} --image {png}")
