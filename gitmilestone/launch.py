"""The `git-milestone` executable. The whole-plan reads `status` and `list`, each with or
without `--json` and no other option (and `status` where it prints text: the simple level, the
dashboard level off a terminal), and `log --jsonl`, are answered here without loading click,
whose import is a third of a small plan's `status`: the view kept for them is printed (see
commands/viewmemo.py), or computed and kept by the very functions the click command calls
(render/statustext.py, commands/planviews.py, commands/logview.py), so both say the same,
with the same warnings and the same hint about missing hooks. Everything else, and any
error, goes to the click command line (gitmilestone.cli), handed the workspace already open,
so no git command runs twice; an error is reported there, as for any command.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from gitmilestone.workspace import Workspace

FAST = (["status"], ["status", "--json"], ["list"], ["list", "--json"], ["log", "--jsonl"])


def main(argv: list[str] | None = None) -> int:
    from gitmilestone.core.nogc import for_one_command

    return for_one_command(lambda: _main(argv))


def _main(argv: list[str] | None) -> int:
    args = sys.argv[1:] if argv is None else argv
    said: list[str] = []
    try:
        ws = _opened(said, args[0]) if args in FAST else None
        text = _kept(ws, args, said) if ws is not None else None
    except KeyboardInterrupt:  # as the command line says it
        print("Interrupted.", file=sys.stderr)
        return 130
    if text is not None:
        return _show(said, text)
    from gitmilestone import cli

    if ws is not None:  # handed over, so the command line asks git nothing twice
        for line in said:
            print(line, file=sys.stderr)
        cli.adopt(ws)
    try:
        return cli.main(argv)
    finally:
        cli.adopt(None)  # the command is over: no later command in this process takes it


def _opened(said: list[str], command: str) -> Workspace | None:
    """The command's workspace, its problems and the hint about missing hooks going to
    `said`; None where that already fails (the command line then says why)."""
    if (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
        return None  # click writes other encodings its own way
    from gitmilestone.commands.nudge import missing_hooks_hint
    from gitmilestone.core.untrusted import printable
    from gitmilestone.workspace import Workspace

    try:
        ws = Workspace.open(report=lambda p: said.append(f"warning: {printable(p)} (skipped)"))
        hint = missing_hooks_hint(ws, command)
    except Exception:  # anything unusual is the command line's to report
        return None
    said += [hint] if hint else []
    return ws


def _kept(ws: Workspace, args: list[str], said: list[str]) -> str | None:
    """The text to print, or None: the command line takes over."""
    import warnings

    # As the command line shows a warning a use case raises: one `warning:` line.
    warnings.showwarning = lambda message, *_, **__: said.append(f"warning: {message}")
    try:
        if args[1:] == ["--json"] and sys.stdout.isatty():
            return None  # indented for a person, by the command line
        if args[0] == "list":
            return _list_text(ws, args[1:] == ["--json"])
        if args[0] == "log":
            from gitmilestone.commands.logview import jsonl_text

            return jsonl_text(ws)
        return _json_text(ws) if args[1:] == ["--json"] else _status_text(ws)
    except Exception:  # a MilestoneError or git failing: the command line says it, as ever
        return None


def _json_text(ws: Workspace) -> str:
    from gitmilestone.commands.planviews import status_json_text
    from gitmilestone.core.untrusted import json_for_terminal

    return json_for_terminal(status_json_text(ws))


def _list_text(ws: Workspace, as_json: bool) -> str:
    from gitmilestone.commands.planviews import list_rows, to_text
    from gitmilestone.core.untrusted import json_for_terminal, printable

    rows = list_rows(ws, {})
    if as_json:
        return json_for_terminal(to_text(rows))
    from gitmilestone.render.listing import list_lines

    return printable("\n".join(list_lines(rows)), one_line=False)


def _status_text(ws: Workspace) -> str | None:
    """status's text, where the plan's size and ui-config.yaml choose a level it prints as
    text: the simple level, or the dashboard level off a terminal."""
    from gitmilestone.commands.planviews import plan_counts
    from gitmilestone.commands.uilevel import display
    from gitmilestone.core.untrusted import printable
    from gitmilestone.render.statustext import dashboard_text, simple_lines

    config = ws.store.config("ui-config")
    shown = display(config, plan_counts(ws), {}, sys.stdout.isatty(), os.environ)
    if shown.level == "simple" or (shown.level == "rich" and not shown.terminal):
        lines = simple_lines(ws)
    elif shown.level == "dashboard" and not shown.terminal:
        lines = dashboard_text(ws, shown.top, shown.activity)
    else:
        return None  # rich, on a terminal: drawn by the command line
    return printable("\n".join(lines), one_line=False)


def _show(said: list[str], text: str) -> int:
    try:
        for line in said:
            print(line, file=sys.stderr)
        sys.stdout.write(f"{text}\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `git milestone status | head`: as the command line does
        sys.stderr.close()
        return 141
    return 0
