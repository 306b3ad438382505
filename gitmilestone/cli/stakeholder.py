"""`git milestone stakeholder add|remove|list`."""

from __future__ import annotations

import click

from gitmilestone.cli import emit_json, emit_lines, workspace


@click.group("stakeholder")
def stakeholder_grp() -> None:
    """Stakeholders and their expectations: who cares about a milestone, in what role, what
    they expect of it and how to reach them. The project's own stakeholders are listed under
    `stakeholders:` in .milestones/config/milestone-config.yaml.

    \b
    Examples:
      git milestone stakeholder add M-001 "Dana" --role "product owner" \\
          --expects "sign-up works on mobile by the launch" --contact dana@example.com
      git milestone stakeholder list
    """


@stakeholder_grp.command("add")
@click.argument("milestone_id")
@click.argument("name")
@click.option("--role", help="Their role, e.g. product owner, customer, ops.")
@click.option("--expects", "expectations", help="What they expect the milestone to deliver.")
@click.option("--contact", help="How to reach them (e-mail, chat handle).")
def stakeholder_add(
    milestone_id: str,
    name: str,
    role: str | None,
    expectations: str | None,
    contact: str | None,
) -> None:
    """Add a stakeholder to a milestone."""
    from gitmilestone.commands.stakeholders import Stakeholder, add

    m = add(workspace().store, milestone_id, Stakeholder(name.strip(), role, expectations, contact))
    count = len(m.raw.get("stakeholders") or ())
    click.echo(f"Added stakeholder {name.strip()} to {m.id} ({count} in all)")


@stakeholder_grp.command("remove")
@click.argument("milestone_id")
@click.argument("name")
def stakeholder_remove(milestone_id: str, name: str) -> None:
    """Remove a stakeholder from a milestone, by name."""
    from gitmilestone.commands.stakeholders import remove

    m = remove(workspace().store, milestone_id, name)
    click.echo(f"Removed stakeholder {name} from {m.id}")


@stakeholder_grp.command("list")
@click.argument("milestone_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def stakeholder_list(milestone_id: str | None, as_json: bool) -> None:
    """The project's stakeholders and every milestone's (or one milestone's)."""
    from gitmilestone.commands.stakeholders import rows
    from gitmilestone.render.text import stakeholder_lines

    store = workspace().store
    chosen = [store.resolve(milestone_id)] if milestone_id else store.milestones()
    found = rows(chosen, store.config())
    if as_json:
        emit_json(found)
    else:
        emit_lines(stakeholder_lines(found))
