"""The ``familycard`` command."""

import click


@click.group()
def main() -> None:
    """Family Card: network, cards, central service, issuer and kiosk."""
