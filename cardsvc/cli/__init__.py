"""The ``familycard`` command: one click group for every part of the system."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

from .card_cmd import card
from .central_cmd import central
from .demo_cmd import demo
from .issuer_cmd import issuer
from .kiosk_cmd import kiosk
from .network_cmd import network
from .report_cmd import report


class FamilycardGroup(click.Group):
    """A group whose every error, usage errors included, is one line on standard error."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            hint = " (see --help)" if isinstance(exc, click.UsageError) else ""
            click.echo(f"Error: {' '.join(exc.format_message().split())}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=FamilycardGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Family Card: network, cards, central service, issuer and kiosk."""


main.add_command(network)
main.add_command(card)
main.add_command(demo)
main.add_command(central)
main.add_command(kiosk)
main.add_command(issuer)
main.add_command(report)
