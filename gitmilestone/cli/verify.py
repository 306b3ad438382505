"""`git milestone verify`"""

from __future__ import annotations

import click

from gitmilestone.cli import emit_json, emit_lines, workspace


@click.command("verify")
@click.argument("ref", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_context
def verify_cmd(ctx: click.Context, ref: str | None, as_json: bool) -> None:
    """Verify every phase approval and milestone sign-off (of one milestone or task): its
    signature against .milestones/config/allowed-signers as committed where the approval was
    recorded, and its approver against the gate's approvers. Exits 1 when one fails (a
    signature that does not verify, or a missing one where the gate needs it), for CI.

    \b
    Examples:
      git milestone verify
      git milestone verify M-001/task-001 --json
    """
    from gitmilestone.commands.approvals import verify
    from gitmilestone.render.quality import verify_lines

    found, _ = verify(workspace(), ref)  # the workspace reports what it skipped
    rows = [a.as_dict() for a in found]
    failed = sum(1 for a in found if a.failed)
    if as_json:
        emit_json({"ok": not failed, "total": len(rows), "failed": failed, "approvals": rows})
    else:
        emit_lines(verify_lines(rows))
    if failed:
        ctx.exit(1)
