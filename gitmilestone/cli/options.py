"""Options the display commands (`status`, `dashboard`) share."""

from __future__ import annotations

import click

LEVEL_CHOICES = ["auto", "simple", "rich", "dashboard"]
level_option = click.option(
    "--level",
    type=click.Choice(LEVEL_CHOICES),
    help="Display level for this call (default: `level` in ui-config.yaml).",
)
color_option = click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    help="Colours of the rich level (default: `color` in ui-config.yaml; NO_COLOR is honoured).",
)
width_option = click.option(
    "--width", type=click.IntRange(40, 400), help="Columns to draw in (default: the terminal's)."
)
