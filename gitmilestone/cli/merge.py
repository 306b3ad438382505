"""`merge-file` (the merge driver git runs; hidden) and `carry` (facts of landed branches)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("merge-file", hidden=True)
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("ours", type=click.Path(path_type=Path))
@click.argument("theirs", type=click.Path(path_type=Path))
@click.argument("shown", required=False, default="")
@click.pass_context
def merge_file_cmd(ctx: click.Context, base: Path, ours: Path, theirs: Path, shown: str) -> None:
    """Merge a milestone file three ways into OURS, as git's `merge=milestone` driver
    (`git milestone merge-file %O %A %B %P`). Exits 1 when conflicts remain.

    \b
    Example (.git/config, written by git milestone install):
      [merge "milestone"]
        driver = git milestone merge-file %O %A %B %P
    """
    from gitmilestone.mergedriver import merge_file

    ctx.exit(merge_file(base, ours, theirs, shown or str(ours)))
