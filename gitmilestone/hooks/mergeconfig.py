"""Register the `milestone` merge driver: its command in the clone's config (`install`) and the
`.gitattributes` line that sends milestone files to it (`init`). Both are removed again by
`uninstall`, and only when they are exactly what git-milestone wrote."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from gitmilestone.git.repo import RepoPaths

ATTRIBUTE = ".milestones/**/*.yaml merge=milestone"
DRIVER_NAME = "git-milestone: merges milestone files by keys and task ids"
_MARK = "gitmilestone merge-file"


def driver_command(python: str | None = None) -> str:
    exe = shlex.quote(python or sys.executable)
    return f"{exe} -m {_MARK} %O %A %B %P"


def configure_driver(paths: RepoPaths, python: str | None = None) -> list[str]:
    """Set merge.milestone.driver/name in this clone's config (a foreign driver is kept)."""
    current = _config(paths, "--get", "merge.milestone.driver")
    wanted = driver_command(python)
    if current == wanted:
        return []
    if current and _MARK not in current:
        return [f"git config: kept merge.milestone.driver={current} (not git-milestone's)"]
    _config(paths, "merge.milestone.driver", wanted)
    _config(paths, "merge.milestone.name", DRIVER_NAME)
    return ["git config: set merge.milestone.driver (merges .milestones/ files by keys and ids)"]


def remove_driver(paths: RepoPaths) -> list[str]:
    current = _config(paths, "--get", "merge.milestone.driver")
    if not current or _MARK not in current:
        return []
    _config(paths, "--remove-section", "merge.milestone")
    return ["git config: removed merge.milestone"]


def add_attribute(paths: RepoPaths) -> list[tuple[str, bool]]:
    """Append the driver's line to .gitattributes, keeping every line there. (path, created)."""
    path = paths.root / ".gitattributes"
    text = _read(path)
    if ATTRIBUTE in text.splitlines():
        return [(".gitattributes", False)]
    from gitmilestone.storage import atomic

    sep = "" if not text or text.endswith("\n") else "\n"
    atomic.write_text(path, f"{text}{sep}{ATTRIBUTE}\n", ".gitattributes")
    return [(".gitattributes", True)]


def remove_attribute(paths: RepoPaths) -> list[str]:
    path = paths.root / ".gitattributes"
    text = _read(path)
    lines = text.splitlines(keepends=True)
    kept = [line for line in lines if line.rstrip("\r\n") != ATTRIBUTE]
    if len(kept) == len(lines):
        return []
    from gitmilestone.storage import atomic

    if kept:
        atomic.write_text(path, "".join(kept), ".gitattributes")
    else:
        path.unlink()
    return [f"removed the merge=milestone line from .gitattributes{'' if kept else ' (now empty)'}"]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def _config(paths: RepoPaths, *args: str) -> str:
    from gitmilestone.git.runner import git

    return git(paths.root, "config", "--local", *args, check=False).stdout.strip()
