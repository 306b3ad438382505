"""`git milestone plan import OUTLINE.md`"""

from __future__ import annotations

from pathlib import Path

import click

from gitmilestone.cli import emit_json, emit_lines, workspace


@click.group("plan")
def plan_grp() -> None:
    """Plan many milestones at once."""


@plan_grp.command("import")
@click.argument("outline", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the files it would write; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print what was (or would be) written.")
def plan_import(outline: Path, dry_run: bool, as_json: bool) -> None:
    """Turn a Markdown outline into milestone files: each `## heading` is a milestone (or
    each `# heading` when there are no `##` ones), each `- bullet` below it a task.

    \b
    In a heading or a bullet:
      (8h) (1.5d) (1h30m)   the estimate; a day is calendar.hours_per_day
      [high]                the milestone's priority
      @alice                who does the task
      after: M-001, #auth   dependencies: an ID in the plan, or #anchor of a heading
                            above (a task: #anchor of a task above, or M-001/task-002)
      - [x] Done thing      a task already completed
    Lines under a heading: `start: 2026-11-02`, `end:`, `priority:`, `category:`,
    `hours:`, `buffer:`, `after:`; other text is the description. Bullets under a
    `### Success criteria` or `### Deliverables` heading become those.

    \b
    Example:
      git milestone plan import roadmap.md --dry-run
      git milestone plan import roadmap.md
    """
    from gitmilestone.commands.outline_import import build, read, write
    from gitmilestone.core.outline import parse
    from gitmilestone.render.outline import import_lines

    store = workspace().store
    store.require_initialized()
    shown = str(outline)
    hours_per_day = float((store.config().get("calendar") or {}).get("hours_per_day") or 8)
    planned = build(store, parse(read(outline), shown, hours_per_day), shown)
    if not dry_run:
        write(store, planned, shown)
    rows = [p.as_dict(store.paths.rel(p.path), with_text=dry_run) for p in planned]
    if as_json:
        emit_json({"dry_run": dry_run, "milestones": rows})
    else:
        emit_lines(import_lines(rows, dry_run))
