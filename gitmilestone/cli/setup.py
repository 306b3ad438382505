"""`init` and `demo`."""

from __future__ import annotations

from pathlib import Path

import click

from gitmilestone.cli import emit_json, emit_lines


@click.command("init")
@click.option("--json", "as_json", is_flag=True, help="Print what was created as JSON.")
@click.option("--no-hooks", is_flag=True, help="Do not install the git hooks.")
def init_cmd(as_json: bool, no_hooks: bool) -> None:
    """Create .milestones/ (config files with commented defaults, active/, completed/,
    deliverables/) in the current repository, install the git hooks (see `install`) and set
    notes.rewriteRef/notes.rewriteMode so milestone notes follow amend and rebase. Safe to run
    again: existing files and hooks are kept.

    \b
    Example:
      git milestone init
      git milestone init --no-hooks
    """
    from gitmilestone.commands import plan
    from gitmilestone.hooks import install
    from gitmilestone.storage.store import Store

    store = Store.open()
    report = plan.init(store)
    hooks = [] if no_hooks else install.install_hooks(store.paths)
    config = install.configure_notes(store.paths)
    if as_json:
        # Hook files join the paths; git config is not a path, so only the text output says it.
        report += [(h.path, h.action == "installed") for h in hooks]
        emit_json([{"path": p, "created": c} for p, c in report])
        return
    files = [f"{'created' if c else 'exists '}  {p}" for p, c in report]
    emit_lines(files + [h.line for h in hooks] + config)
    if any(c for _, c in report):
        click.echo('Next: git milestone new "First milestone" --end 2026-12-31 --hours 40')


@click.command("demo")
@click.option(
    "--dir",
    "target",
    type=click.Path(path_type=Path),
    help="Where to build it (must not exist). Default: a new temp folder.",
)
def demo_cmd(target: Path | None) -> None:
    """Build a sample repository with milestones, tasks, dependencies, risks and commits,
    then print its status. Your current repository is not touched.

    \b
    Example:
      git milestone demo
      cd <the folder it prints> && git milestone show M-002
    """
    from gitmilestone.cli.views import status_report
    from gitmilestone.commands.demo import build_demo
    from gitmilestone.commands.status import status
    from gitmilestone.workspace import Workspace

    root = build_demo(target)
    click.echo(f"Demo repository: {root}\n")
    emit_lines(status_report(status(Workspace.open(root))))
    click.echo(f"\nExplore it:  cd {root}")
    emit_lines([f"  git milestone {cmd:<28} # {why}" for cmd, why in DEMO_TOUR])


DEMO_TOUR = (
    ("resume", "where the checkout work was paused, and what is ready"),
    ("critical-path", "the chain that decides the end date"),
    ("schedule --what-if M-002+5d", "what moves if payments slip a week"),
    ("risk matrix", "probability x impact"),
    ("deps --format mermaid", "the dependency graph for a README"),
    ("log M-001", "events from commit trailers and notes"),
    ("verify", "the checkout design's signed approval, checked"),
    ("lint", "the quality checklist"),
)
