"""`git milestone diff`: the plan-level review of a branch or a pull request."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from gitmilestone.cli import emit_json, emit_lines, workspace

if TYPE_CHECKING:
    from gitmilestone.workspace import Workspace

FORMATS = ["text", "markdown", "json"]


@click.command("diff")
@click.argument("revs", nargs=-1, metavar="[REV [REV2] | A..B | A...B]")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text (coloured on a terminal), markdown (a PR comment) or json.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when the plan changed, like git diff.")
@click.option("--color/--no-color", "colour", default=None, help="Colour the text output.")
@click.pass_context
def diff_cmd(
    ctx: click.Context,
    revs: tuple[str, ...],
    fmt: str,
    as_json: bool,
    exit_code: bool,
    colour: bool | None,
) -> None:
    """What changed in the plan between two revisions: milestones and tasks added, removed,
    completed, reopened and re-estimated; progress before -> after (with the facts that
    commit trailers and notes on the range contributed); dates, buffers and dependencies;
    risks; phases and the gates now waiting; the critical path, the projected end and the
    P85 forecast before -> after. Read from the blobs and the history of each revision,
    nothing checked out, so it also runs in a bare repository (name both revisions there)
    and on a shallow CI clone that holds them.

    Without a revision, compares the merge base with the default branch (origin/HEAD, else
    main or master) with the work tree. REV: REV -> the work tree. A B or A..B: A -> B.
    A...B: merge-base(A, B) -> B, as in a pull request.

    \b
    Examples:
      git milestone diff
      git milestone diff main...my-branch
      git milestone diff origin/main...HEAD --format markdown > comment.md
      git milestone diff v1.0 v1.1 --json
      git milestone diff main...HEAD --exit-code
    """
    from gitmilestone.commands.diff import diff
    from gitmilestone.core.model import today
    from gitmilestone.git.objects import Objects

    ws = _workspace()
    data = diff(ws, Objects(ws.root), revs, today())
    fmt = "json" if as_json else fmt
    if fmt == "json":
        emit_json(data)
    elif fmt == "markdown":
        from gitmilestone.render.diff_markdown import markdown_lines

        emit_lines(markdown_lines(data))
    else:
        from gitmilestone.render.diff import text_lines

        colour = sys.stdout.isatty() if colour is None else colour
        click.echo("\n".join(text_lines(data, colour)), color=colour)
    if exit_code and data["changed"]:
        ctx.exit(1)


def _workspace() -> Workspace:
    """This work tree's workspace; in a bare repository, one over the git directory."""
    from gitmilestone.cli import _skipped
    from gitmilestone.errors import NotFoundError
    from gitmilestone.git.repo import bare
    from gitmilestone.workspace import Workspace

    try:
        return workspace()
    except NotFoundError:
        paths = bare()
        if paths is None:
            raise
        return Workspace(paths, report=_skipped)
