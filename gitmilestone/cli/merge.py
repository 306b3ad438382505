"""`merge-file` (the merge driver git runs; hidden) and `carry` (facts of landed branches)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from gitmilestone.git.landing import Landing


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
    from gitmilestone.commands.mergedriver import merge_file

    ctx.exit(merge_file(base, ours, theirs, shown or str(ours)))


@click.command("carry")
@click.option(
    "--from",
    "sources",
    multiple=True,
    metavar="BRANCH_OR_RANGE",
    help="The landed branch (origin/feature), a commit or a range; repeatable. "
    "Default: every local and remote-tracking branch not merged into --onto.",
)
@click.option(
    "--onto", default="HEAD", show_default=True, metavar="REV", help="The branch it landed on."
)
@click.option("--json", "as_json", is_flag=True, help="Print the landings found as JSON.")
def carry_cmd(sources: tuple[str, ...], onto: str, as_json: bool) -> None:
    """Carry the facts of branches that landed by squash or rebase (on a forge, or with
    `git merge --squash`) to the commits that stand for them on --onto, so their task
    completions, approvals and time count there. A landing is recognised by its patch
    (`git patch-id`), or by a squash message listing the branch's commits. Events keep their
    ids: running it again, or in another clone, adds nothing twice. `sync` does this too;
    push the result with `git milestone sync`.

    \b
    Examples:
      git milestone carry
      git milestone carry --from origin/login-form --onto origin/main
      git milestone carry --from v1.2..feature --json
    \b
    As a CI step after each push to main (with the branches and notes fetched):
      git milestone carry --onto origin/main && git milestone sync
    """
    from gitmilestone.cli import emit_json, emit_lines
    from gitmilestone.git.landing import carry_landed, check_rev
    from gitmilestone.git.repo import discover

    paths = discover()
    check_rev(paths.root, onto)
    landings = carry_landed(paths.root, onto, list(sources) or None)
    if as_json:
        emit_json([dataclasses.asdict(x) for x in landings])
        return
    if not landings:
        click.echo(f"No squashed or rebased landings with milestone facts on {onto}.")
    emit_lines([landing_line(x) for x in landings])


def landing_line(x: Landing) -> str:
    count = f"{len(x.sources)} commit{'s' if len(x.sources) != 1 else ''}"
    carried = f"carried {x.carried} events" if x.carried else "nothing new to carry"
    return f"{x.how:<7} {x.commit[:10]} <- {count} ({x.sources[0][:10]}...): {carried}"
