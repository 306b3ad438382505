"""`sync`: exchange milestone notes with a remote so every clone has the same event log."""

from __future__ import annotations

import dataclasses

import click

from gitmilestone.cli import emit_json, emit_lines


@click.command("sync")
@click.argument("remote", required=False)
@click.option("--no-push", is_flag=True, help="Only fetch and merge; send nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def sync_cmd(remote: str | None, no_push: bool, as_json: bool) -> None:
    """Fetch the remote's milestone notes, merge them with yours (every event of both sides,
    each once) and push the result, without force. Work-in-progress snapshots of paused
    sessions travel along. REMOTE defaults to the current branch's upstream, else origin.

    Notes land in refs/notes/remotes/REMOTE/milestones first; sync never force-fetches notes
    and never changes remote.*.push. If it stops half way, nothing is lost: run it again.

    Before pushing, the facts of branches that landed on REMOTE's main branch by squash or
    rebase are carried to the commits there (see `git milestone carry`).

    \b
    Examples:
      git milestone sync
      git milestone sync upstream --no-push
    """
    from gitmilestone.commands.sync import sync_notes
    from gitmilestone.git.repo import discover

    result = sync_notes(discover(), remote, push=not no_push, fill_index=True)
    if as_json:
        emit_json(dataclasses.asdict(result))
        return
    sent = f"sent {result.sent}" if result.pushed else "sent nothing new"
    lines = [f"{result.remote}: received {result.received} new events, {sent}"]
    if result.carried:
        lines.append(f"  carried {result.carried} events of squashed or rebased branches to main")
    lines += [f"  {line}" for line in result.snapshots]
    emit_lines(lines)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
