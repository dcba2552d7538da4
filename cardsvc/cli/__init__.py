"""The ``familycard`` command: one click group for every part of the system."""

import click

from .card_cmd import card
from .demo_cmd import demo
from .network_cmd import network


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Family Card: network, cards, central service, issuer and kiosk."""


main.add_command(network)
main.add_command(card)
main.add_command(demo)
