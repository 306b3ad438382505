"""`git milestone phase start|complete|approve|status`"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from gitmilestone.cli import emit_json, emit_lines, workspace

if TYPE_CHECKING:
    from gitmilestone.commands.workflow import Outcome

PHASE = click.Choice(["design", "spec", "task", "execute"])


@click.group("phase")
def phase_grp() -> None:
    """Phases design -> spec -> task -> execute of a task whose kiro_workflow is enabled
    (`git milestone task add ... --phases`, or by default where the milestone's
    kiro_configuration.enabled or the project's phases.new_tasks says so; docs/phases.md).

    A phase is started, completed, then approved where its gate needs approval; the next
    phase starts once the one before has passed its gate. Completed and approved phases add
    their weight to the task's progress. Every change is recorded as an event.
    """


@phase_grp.command("start")
@click.argument("task_ref")
@click.argument("phase", required=False, type=PHASE)
def phase_start(task_ref: str, phase: str | None) -> None:
    """Start a phase (by default the first one still pending).

    \b
    Example:
      git milestone phase start M-001/task-001 design
    """
    from gitmilestone.commands.workflow import start

    o = start(workspace().store, task_ref, phase)
    click.echo(f"Started {o.phase} of {o.ref}")


@phase_grp.command("complete")
@click.argument("task_ref")
@click.argument("phase", required=False, type=PHASE)
def phase_complete(task_ref: str, phase: str | None) -> None:
    """Complete the phase in progress. Refused while a deliverable path the phase names is
    missing (paths are relative to the repository root).

    \b
    Example:
      git milestone phase complete M-001/task-001
    """
    from gitmilestone.commands.workflow import complete

    o = complete(workspace().store, task_ref, phase)
    click.echo(f"Completed {o.phase} of {o.ref}")
    click.echo(_next(o))


@phase_grp.command("approve")
@click.argument("task_ref")
@click.argument("phase", required=False, type=PHASE)
def phase_approve(task_ref: str, phase: str | None) -> None:
    """Approve a completed phase as yourself (git user.email), passing its gate. Shows the
    gate's criteria and records them as confirmed by you. Where the gate lists approvers,
    only they (by e-mail, or through a role in approvals.roles) may approve.

    The approval is signed with your git signing key (user.signingkey, gpg.format ssh or
    openpgp, as for `git commit -S`) when one is set. A gate with `signed: true` (default:
    approvals.require_signatures) opens only for a signature that verifies against
    .milestones/config/allowed-signers; approving such a phase again replaces an approval
    that does not. See docs/approvals.md.

    \b
    Example:
      git milestone phase approve M-001/task-001 design
    """
    from gitmilestone.commands.workflow import approve

    o = approve(workspace().store, task_ref, phase)
    who = o.approver if "anyone" in o.roles else f"{o.approver} as {', '.join(o.roles)}"
    click.echo(f"Gate {o.gate.name} of {o.ref}: criteria confirmed by {who}")
    for c in o.gate.criteria or ("(the gate lists no criteria)",):
        click.echo(f"  [x] {c}")
    click.echo(f"Approved {o.phase} of {o.ref}")
    _signature_line(o)
    click.echo(_next(o))


def _signature_line(o: Outcome) -> None:
    if o.signature is None or o.signature.state == "unsigned":
        click.echo(
            "notice: approval recorded unsigned (approvals.require_signatures is false): "
            "anyone can record one under any e-mail; docs/approvals.md shows how to sign",
            err=True,
        )
    elif o.signature.ok:
        click.echo(f"Signed: {o.signature.message} ({o.signature.key})")
    else:
        click.echo(f"warning: approval signed, but {o.signature.message}", err=True)


def _next(o: Outcome) -> str:
    if o.task_completed:
        return f"All phases done: {o.ref} is completed."
    if o.next_phase:
        return f"Next: git milestone phase start {o.ref} {o.next_phase}"
    who = ", ".join(o.gate.approvers) or "anyone"
    return f"Gate {o.gate.name} needs an approval by {who}: git milestone phase approve {o.ref}"


@phase_grp.command("status")
@click.argument("ref", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def phase_status(ref: str | None, as_json: bool) -> None:
    """Phases of one task, of one milestone's tasks, or of every active milestone's: status,
    gate and approvers, deliverables, and the history (started, completed, approved, hours)
    derived from the events.

    \b
    Examples:
      git milestone phase status M-001/task-001
      git milestone phase status M-001 --json
    """
    from gitmilestone.commands.workflow import targets, view
    from gitmilestone.render.quality import phase_lines

    ws = workspace()
    store, found = ws.store, ws.log.scoped
    views = [view(store, t, found) for t in targets(store, ref, ws.plan())]
    if as_json:
        emit_json(views)
    else:
        emit_lines(phase_lines(views))


@phase_grp.group("deliverable")
def deliverable_grp() -> None:
    """Deliverables of a task's phase: paths that must exist before the phase completes.
    Each phase has a folder .milestones/deliverables/<task-id>/<phase>/, made when it starts."""


@deliverable_grp.command("add")
@click.argument("task_ref")
@click.argument("phase", type=PHASE)
@click.argument("path")
@click.option("--name", help="What it is (default: the file or folder name).")
def deliverable_add(task_ref: str, phase: str, path: str, name: str | None) -> None:
    """Add PATH (relative to the repository root, inside it, without '..'; a trailing /
    means a folder) as a deliverable of PHASE of a task. The phase must be pending or in
    progress; `phase complete` is refused while the path is missing.

    \b
    Examples:
      git milestone phase deliverable add M-001/task-001 design docs/adr/0001-auth.md
      git milestone phase deliverable add M-001/task-001 execute src/auth/
    """
    from gitmilestone.commands.phase_deliverables import add

    a = add(workspace().store, task_ref, phase, path, name)
    state = "present" if a.present else "missing: create it before `phase complete`"
    click.echo(f"Added deliverable {a.path} to {a.phase} of {a.ref} ({state})")
