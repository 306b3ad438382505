"""`doctor`: invalid events, left-over locks and temporary files, missing hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from gitmilestone.cli import emit_json, emit_lines

if TYPE_CHECKING:
    from gitmilestone.commands import doctor

LABELS = {
    "invalid_event": "invalid event (skipped by every command)",
    "bad_pending": "unreadable line in the events waiting to be written",
    "stale_lock": "stale lock",
    "temp_file": "left-over temporary file",
    "temp_ref": "left-over temporary notes ref",
    "missing_hook": "hook missing",
}


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--fix", is_flag=True, help="Fix what is safe to fix (nothing is lost).")
@click.option("--hooks", is_flag=True, help="With --fix: also install missing hooks.")
def doctor_cmd(as_json: bool, fix: bool, hooks: bool) -> None:
    """Check this clone: events in notes, trailers or the pending file that every command
    skips (history is append-only, so they are only listed), locks and temporary files a
    killed process left, temporary notes refs, and git-milestone hooks missing here.

    --fix removes stale locks, temporary files and refs, and moves unreadable lines of the
    pending-events file aside (its valid events stay queued); with --hooks it also installs
    missing hooks.

    \b
    Examples:
      git milestone doctor
      git milestone doctor --fix
      git milestone doctor --fix --hooks --json
    """
    from gitmilestone.commands import doctor
    from gitmilestone.commands.install import locate

    paths = locate()
    findings = doctor.diagnose(paths)
    if fix:
        findings = doctor.fix(paths, findings, hooks=hooks)
    if as_json:
        emit_json([f.as_dict() for f in findings])
        return
    emit_lines(render(findings, fix))


def render(findings: list[doctor.Finding], fixed: bool) -> list[str]:
    if not findings:
        return ["No problems found."]
    lines = []
    for f in findings:
        state = " (fixed)" if f.fixed else (" (--fix)" if f.fixable and not fixed else "")
        what = f.detail if f.kind == "invalid_event" else f"{f.where} ({f.detail})"
        lines.append(f"{LABELS[f.kind]}{state}: {what}")
    left = [f for f in findings if f.fixable and not f.fixed]
    if left and not fixed:
        lines.append("`git milestone doctor --fix` fixes those marked --fix")
    return lines
