"""The `git-milestone` executable. A warm `status` or `status --json` (no other option) is
printed straight from the view kept for it (see commands/viewmemo.py), without loading click,
wherever status prints text (the simple level; the dashboard level off a terminal):
its import is a third of a small plan's `status`. Everything else, and any view not kept,
goes to the click command line (gitmilestone.cli), which computes the view, prints it and
keeps it for the next time. The text printed is the text the command line kept, and the
warnings and the hint about missing hooks are those it would print.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from gitmilestone.workspace import Workspace

FAST = (["status"], ["status", "--json"])


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    said: list[str] = []
    ws = _opened(said) if args in FAST else None
    text = _kept(ws, args) if ws is not None else None
    if text is not None:
        return _show(said, text)
    from gitmilestone import cli

    if ws is not None:  # handed over, so the command line asks git nothing twice
        for line in said:
            print(line, file=sys.stderr)
        cli.adopt(ws)
    return cli.main(argv)


def _opened(said: list[str]) -> Workspace | None:
    """The command's workspace, its problems and the hint about missing hooks going to
    `said`; None where that already fails (the command line then says why)."""
    if (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
        return None  # click writes other encodings its own way
    from gitmilestone.commands.nudge import missing_hooks_hint
    from gitmilestone.core.untrusted import printable
    from gitmilestone.workspace import Workspace

    try:
        ws = Workspace.open(report=lambda p: said.append(f"warning: {printable(p)} (skipped)"))
        hint = missing_hooks_hint(ws, "status")
    except Exception:  # anything unusual is the command line's to report
        return None
    said += [hint] if hint else []
    return ws


def _kept(ws: Workspace, args: list[str]) -> str | None:
    """The kept view's text, or None: the command line computes it."""
    try:
        if args[1:] == ["--json"]:
            return None if sys.stdout.isatty() else _json_text(ws)  # a terminal: indented
        return _status_text(ws)
    except Exception:  # anything unusual is the command line's to report
        return None


def _json_text(ws: Workspace) -> str | None:
    from gitmilestone.commands.viewmemo import recall

    found = recall(ws, "status --json text")
    return found if isinstance(found, str) else None


def _status_text(ws: Workspace) -> str | None:
    """status's text, where the plan's size and ui-config.yaml choose a level it prints as
    text: the simple level, or the dashboard level off a terminal."""
    from gitmilestone.commands.uilevel import display
    from gitmilestone.commands.viewmemo import DASHBOARD_LINES, STATUS_LINES, recall
    from gitmilestone.core.untrusted import printable

    counts = recall(ws, "counts")
    if not isinstance(counts, tuple):
        return None
    shown = display(ws.store.config("ui-config"), counts, {}, sys.stdout.isatty(), os.environ)
    if shown.level == "simple" or (shown.level == "rich" and not shown.terminal):
        name = STATUS_LINES
    elif shown.level == "dashboard" and not shown.terminal:
        name = DASHBOARD_LINES
    else:
        return None  # rich, on a terminal: drawn by the command line
    lines = recall(ws, name)
    return printable("\n".join(lines), one_line=False) if isinstance(lines, list) else None


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
