"""`git milestone risk add|list|update|close|matrix`"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from gitmilestone.cli import emit_json, emit_lines, workspace

if TYPE_CHECKING:
    from gitmilestone.core.model import Milestone
    from gitmilestone.storage.store import Store

IMPACT = click.Choice(["low", "medium", "high"], case_sensitive=False)


@click.group("risk")
def risk_grp() -> None:
    """The risk register: what could go wrong, how likely, how bad, and the plan against it.

    Score = probability x impact (low 1, medium 2, high 3); alert levels come from `risks`
    in milestone-config.yaml. A risk is named M-001/R-002, or R-002 alone when that is
    unique; a risk written without an id is M-001/N (its place in the list).
    """


@risk_grp.command("add")
@click.argument("milestone_id")
@click.argument("description")
@click.option("-p", "--probability", required=True, help="Chance it happens: 0..1 or a percentage.")
@click.option("-i", "--impact", required=True, type=IMPACT, help="How bad: low, medium or high.")
@click.option("-m", "--mitigation", help="What lowers the chance or the damage.")
@click.option("-o", "--owner", help="Who watches it.")
@click.option("--json", "as_json", is_flag=True, help="Print the new risk as JSON.")
def risk_add(
    milestone_id: str,
    description: str,
    probability: str,
    impact: str,
    mitigation: str | None,
    owner: str | None,
    as_json: bool,
) -> None:
    """Add a risk to a milestone (recorded as a risk_identified event).

    \b
    Example:
      git milestone risk add M-002 "Payment API may change" -p 0.3 -i high \\
          -m "Adapter layer with a fallback provider" -o ann
    """
    from gitmilestone.analysis.risk import Thresholds
    from gitmilestone.commands.risks import NewRisk, add_risk

    store = workspace().store
    r = add_risk(
        store, milestone_id, NewRisk(description, probability, impact.lower(), mitigation, owner)
    )
    thresholds = Thresholds.from_config(store.config())
    if as_json:
        emit_json(r.as_dict(thresholds))
    else:
        level = thresholds.level(r.score)
        click.echo(f"Added {r.ref}: score {r.score:g} ({level})")


@risk_grp.command("list")
@click.argument("milestone_id", required=False)
@click.option("--all", "show_all", is_flag=True, help="Include closed risks.")
@click.option(
    "--level",
    type=click.Choice(["high", "medium", "low"]),
    help="Only risks of this alert level and above.",
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def risk_list(milestone_id: str | None, show_all: bool, level: str | None, as_json: bool) -> None:
    """List risks, highest score first: of one milestone, or of every active one.

    \b
    Examples:
      git milestone risk list
      git milestone risk list M-002 --all --json
      git milestone risk list --level medium
    """
    from gitmilestone.analysis.risk import Thresholds, all_risks, by_score, level_rank
    from gitmilestone.render.risk import list_lines

    store = workspace().store
    thresholds = Thresholds.from_config(store.config())
    risks = by_score(r for r in all_risks(_scope(store, milestone_id)) if show_all or r.active)
    if level:
        risks = [
            r for r in risks if level_rank(thresholds.level(r.score) or "") <= level_rank(level)
        ]
    if as_json:
        emit_json([r.as_dict(thresholds) for r in risks])
    else:
        emit_lines(list_lines(risks, thresholds))


@risk_grp.command("matrix")
@click.argument("milestone_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the grid as JSON.")
def risk_matrix(milestone_id: str | None, as_json: bool) -> None:
    """The probability x impact grid of the open and mitigated risks, with each cell's
    alert level (H, M, L).

    \b
    Example:
      git milestone risk matrix
    """
    from gitmilestone.analysis.risk import Thresholds, all_risks, matrix
    from gitmilestone.render.risk import matrix_lines

    store = workspace().store
    thresholds = Thresholds.from_config(store.config())
    risks = all_risks(_scope(store, milestone_id))
    if as_json:
        emit_json({"thresholds": thresholds.__dict__, "grid": matrix(risks)})
    else:
        emit_lines(matrix_lines(risks, thresholds))


@risk_grp.command("update")
@click.argument("risk_ref")
@click.option("-p", "--probability", help="New chance: 0..1 or a percentage.")
@click.option("-i", "--impact", type=IMPACT, help="New impact: low, medium or high.")
@click.option("-m", "--mitigation", help="New mitigation.")
@click.option("-o", "--owner", help="New owner.")
@click.option("-d", "--description", help="New description.")
@click.option(
    "--status", type=click.Choice(["open", "mitigated"]), help="Mark mitigated, or reopen."
)
def risk_update(
    risk_ref: str,
    probability: str | None,
    impact: str | None,
    mitigation: str | None,
    owner: str | None,
    description: str | None,
    status: str | None,
) -> None:
    """Change a risk (recorded as a risk_updated event).

    \b
    Example:
      git milestone risk update M-002/R-001 -p 0.1 --status mitigated
    """
    from gitmilestone.commands.risks import update_risk

    changes = {
        "probability": probability,
        "impact": impact.lower() if impact else None,
        "mitigation": mitigation,
        "owner": owner,
        "description": description,
        "status": status,
    }
    r, changed = update_risk(workspace().store, risk_ref, changes)
    if changed:
        click.echo(f"Updated {r.ref}: {', '.join(changed)}")
    else:
        click.echo(f"{r.ref} already says that; nothing changed")


@risk_grp.command("close")
@click.argument("risk_ref")
@click.option("-r", "--reason", default="", help="Why it no longer threatens the milestone.")
def risk_close(risk_ref: str, reason: str) -> None:
    """Close a risk that is over (recorded as a risk_closed event).

    \b
    Example:
      git milestone risk close R-001 -r "Provider froze its API until 2028"
    """
    from gitmilestone.commands.risks import close_risk

    r = close_risk(workspace().store, risk_ref, reason)
    click.echo(f"Closed {r.ref}")


def _scope(store: Store, milestone_id: str | None) -> list[Milestone]:
    """One milestone (active or completed), or every active one."""
    ms = workspace().plan()
    if milestone_id:
        wanted = store.resolve(milestone_id).path
        return [m for m in ms if m.path == wanted]
    return [m for m in ms if m.location == "active"]
