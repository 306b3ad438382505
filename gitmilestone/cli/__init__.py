"""The `git milestone` command line. Subcommands load lazily so `--help` and hooks stay fast."""

from __future__ import annotations

import importlib
import json
import sys
import warnings
from typing import TYPE_CHECKING, Any

import click

from gitmilestone import __version__
from gitmilestone.errors import MilestoneError

if TYPE_CHECKING:
    from gitmilestone.workspace import Workspace

# name -> (module, function, one-line help). Listed here so `--help` imports nothing else.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("setup", "init_cmd", "Create .milestones/ in this repository."),
    "demo": ("setup", "demo_cmd", "Build a sample repository and show its status."),
    "new": ("plan", "new_cmd", "Create a milestone from the template."),
    "template": ("template", "template_grp", "Milestone templates: list, show (new --template)."),
    "set": ("plan", "set_cmd", "Change fields of a milestone: key.path=value ..."),
    "edit": ("plan", "edit_cmd", "Edit a milestone file in your editor, checked before saving."),
    "complete": (
        "plan",
        "complete_cmd",
        "Complete a milestone: archive it, record lessons learned.",
    ),
    "criteria": ("plan", "criteria_grp", "Success criteria of a milestone."),
    "deliverable": ("plan", "deliverable_grp", "Deliverables of a milestone."),
    "stakeholder": ("stakeholder", "stakeholder_grp", "Stakeholders and their expectations."),
    "task": ("tasks", "task_grp", "Add tasks and move them through their states."),
    "plan": ("outline", "plan_grp", "Import a Markdown outline as milestones and tasks."),
    "risk": ("risk", "risk_grp", "The risk register: add, list, update, close, matrix."),
    "phase": ("phase", "phase_grp", "Design -> spec -> task -> execute phases and approvals."),
    "verify": ("verify", "verify_cmd", "Verify the signatures of approvals and sign-offs."),
    "lint": ("quality", "lint_cmd", "Check milestones against the quality checklist."),
    "analyze": ("quality", "analyze_cmd", "Report on milestones from several perspectives."),
    "alerts": (
        "alerts",
        "alerts_cmd",
        "What needs attention: overdue, due soon, blocked, waiting.",
    ),
    "list": ("views", "list_cmd", "List milestones, filtered by status, priority or category."),
    "show": ("views", "show_cmd", "Show one milestone in full."),
    "status": ("views", "status_cmd", "Progress of every milestone at a glance."),
    "dashboard": ("dashboard", "dashboard_cmd", "The plan on one screen; --web for the web page."),
    "validate": ("views", "validate_cmd", "Check every milestone and config file."),
    "fix-ids": ("views", "fix_ids_cmd", "Renumber duplicate milestone and task IDs."),
    "install": ("hooks", "install_cmd", "Install the git hooks that track progress from commits."),
    "uninstall": ("hooks", "uninstall_cmd", "Remove the git hooks and restore what was there."),
    "log": ("events", "log_cmd", "Events from commit trailers and notes, in time order."),
    "apply": ("events", "apply_cmd", "Write the state the events imply into the files."),
    "start": ("session", "start_cmd", "Open a work session on a milestone or task."),
    "pause": ("session", "pause_cmd", "Record a resume point: context, next steps, a snapshot."),
    "resume": ("session", "resume_cmd", "Where you stopped, what changed since, what is ready."),
    "stop": ("session", "stop_cmd", "End the work session of this work tree."),
    "sessions": ("session", "sessions_cmd", "Work sessions and the time spent per task."),
    "deps": ("analysis", "deps_cmd", "The dependency graph; --ready and --blocked work."),
    "critical-path": ("analysis", "critical_path_cmd", "The critical path (CPM) and float."),
    "schedule": ("analysis", "schedule_cmd", "Earliest dates, slips, PERT odds; --what-if."),
    "forecast": ("analysis", "forecast_cmd", "Monte Carlo completion dates from history."),
    "burndown": ("analysis", "burndown_cmd", "Burndown and burn-up from the event history."),
    "doctor": ("doctor", "doctor_cmd", "Invalid events, stale locks and temp files, hooks."),
    "diff": ("diff", "diff_cmd", "What changed in the plan between two revisions (for reviews)."),
    "storage": ("storage", "storage_grp", "Storage tiers: status, migrate, rollback, verify."),
    "sync": ("sync", "sync_cmd", "Exchange milestone notes with a remote (fetch, merge, push)."),
    "carry": ("merge", "carry_cmd", "Carry a squashed or rebased branch's facts onto main."),
    "merge-file": ("merge", "merge_file_cmd", "The merge driver for milestone files (for git)."),
}
HIDDEN = frozenset({"merge-file"})  # run by git, not by people: left out of --help


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        cmd = getattr(importlib.import_module(f"gitmilestone.cli.{module}"), attr)
        assert isinstance(cmd, click.Command)
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_) for name, (_, _, help_) in COMMANDS.items() if name not in HIDDEN]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        # The one place a MilestoneError becomes `Error: ...` + `hint: ...` and exit 1.
        try:
            return super().invoke(ctx)
        except MilestoneError as err:
            for line in err.lines():
                click.echo(line, err=True)
            ctx.exit(1)
        except Exception as exc:
            # git itself refused (a broken repository, a full disk): say which command and
            # what git said, once, rather than a traceback through our code.
            lines = _git_failure(exc)
            if not lines:
                raise  # a bug: the traceback is what a bug report needs
            for line in lines:
                click.echo(line, err=True)
            ctx.exit(1)


def _git_failure(exc: Exception) -> list[str]:
    # Looked up, not imported: `-h` must not pay for subprocess, and without it loaded no
    # git command can have failed.
    subprocess = sys.modules.get("subprocess")
    if subprocess is None or not isinstance(exc, subprocess.CalledProcessError):
        return []
    command = " ".join(str(a) for a in exc.cmd) if isinstance(exc.cmd, list) else str(exc.cmd)
    said = [x.strip() for x in str(exc.stderr or "").splitlines() if x.strip()]
    return [
        f"Error: {command} failed (exit {exc.returncode}): {said[0] if said else 'no message'}",
        "hint: fix what git reports (`git status` and `git fsck` help), then run the command "
        "again; files git-milestone writes are only replaced once complete",
    ]


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="git-milestone")
def cli() -> None:
    """Plan and track milestones inside this git repository.

    The plan lives in .milestones/ as YAML files that travel with the code and are reviewed
    in pull requests. Start with `git milestone init`, then `git milestone new "Title"`.
    Every read command takes --json.
    """
    # Core code warns (warnings.warn) where the command did its job with a caveat, e.g. an
    # event that waits for the notes lock; the user sees one `warning:` line, no file:line.
    warnings.showwarning = _show_warning


def _show_warning(message: Warning | str, *args: object, **kwargs: object) -> None:
    click.echo(f"warning: {message}", err=True)


def main(argv: list[str] | None = None) -> int:
    try:
        rv = cli.main(args=argv, prog_name="git milestone", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 141
    return rv if isinstance(rv, int) else 0


def emit_json(data: Any) -> None:
    """Indented for a person at a terminal; one line for a script (Python writes that form in
    C, several times faster on a large plan; `jq .` indents it when wanted)."""
    from gitmilestone.core.jsontext import plain
    from gitmilestone.core.untrusted import json_for_terminal

    indent = 2 if sys.stdout.isatty() else None
    emit_raw(json_for_terminal(json.dumps(data, indent=indent, ensure_ascii=False, default=plain)))


def emit_json_text(text: str) -> None:
    """JSON already written on one line: as it is for a script, indented at a terminal."""
    from gitmilestone.core.untrusted import json_for_terminal

    if sys.stdout.isatty():
        emit_json(json.loads(text))
    else:
        emit_raw(json_for_terminal(text))


def emit_raw(text: str) -> None:
    """Text already made safe for a terminal (JSON through json_for_terminal), as it is.
    color=True: click would otherwise look for colour codes to strip, in vain, at some cost
    on a long history's log."""
    click.echo(text, color=True)


def emit_lines(lines: list[str]) -> None:
    """Print rendered lines. Titles, trailers and notes come from other people's commits and
    files: control characters are shown escaped, never sent to the terminal."""
    from gitmilestone.core.untrusted import printable

    click.echo(printable("\n".join(lines), one_line=False))


_ADOPTED: list[Workspace] = []  # a workspace the executable opened already (launch.py)


def adopt(ws: Workspace | None) -> None:
    """Run the command on `ws`, opened by the executable, whose hint was already said (None:
    forget it)."""
    if ws is not None:
        ws.report_to(_skipped)
    _ADOPTED[:] = [] if ws is None else [ws]


def workspace() -> Workspace:
    """The workspace of the command being run, made on first use. Lines of history that
    were skipped are shown once, as `warning:` lines on stderr."""
    from gitmilestone.workspace import Workspace

    root = click.get_current_context().find_root()
    found = root.meta.get("gitmilestone.workspace")
    if not isinstance(found, Workspace) and _ADOPTED:
        found = root.meta["gitmilestone.workspace"] = _ADOPTED.pop()
    if not isinstance(found, Workspace):
        found = root.meta["gitmilestone.workspace"] = Workspace.open(report=_skipped)
        _suggest_hooks(found, root.invoked_subcommand)
    return found


def _suggest_hooks(ws: Workspace, command: str | None) -> None:
    from gitmilestone.commands.nudge import missing_hooks_hint

    line = missing_hooks_hint(ws, command)
    if line:
        click.echo(line, err=True)


def _skipped(problem: str) -> None:
    from gitmilestone.core.untrusted import printable

    click.echo(f"warning: {printable(problem)} (skipped)", err=True)
