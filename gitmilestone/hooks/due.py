"""The post-checkout line about the branch's milestone when it is due soon or overdue. Stdlib
only and no YAML parser: the few keys it needs are read from the file's lines (the title and
status at the top level, estimated_end under timeline, alerts.due_within_days in the config).
"""

from __future__ import annotations

import os

from gitmilestone.git.where import branch_refs, milestone_file

DEFAULT_DAYS = 7
DATE_VARIABLE = "GIT_MILESTONE_DATE"  # the clock every command uses (see core/clock.py)


def due_line(root: str, branch: str) -> str | None:
    refs = branch_refs(root, branch)
    path = milestone_file(root, refs[0]) if refs else None
    if refs is None or path is None or os.path.basename(os.path.dirname(path)) == "completed":
        return None
    fields = _fields(path, {"title": 0, "status": 0, "estimated_end": 2})
    if fields.get("status") in ("completed", "cancelled") or "estimated_end" not in fields:
        return None
    import datetime  # only once there is a date to compare

    try:
        end = datetime.date.fromisoformat(fields["estimated_end"])
        left = end.toordinal() - _today()
    except ValueError:
        return None  # `git milestone validate` reports a bad date; a hook stays quiet
    title = fields.get("title") or refs[0]
    if left < 0:
        return f"git-milestone: {refs[0]} {title} is overdue: it was due {end} ({-left} days ago)"
    if left > _window(root):
        return None
    when = "today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}"
    return f"git-milestone: {refs[0]} {title} is due {when} ({end})"


def _today() -> int:
    """Today's ordinal on the clock every command uses."""
    import datetime

    text = os.environ.get(DATE_VARIABLE, "").strip()
    day = datetime.date.fromisoformat(text[:10]) if text else datetime.date.today()
    return day.toordinal()


def _fields(path: str, wanted: dict[str, int]) -> dict[str, str]:
    """`key: value` lines at the given indentation (0: top level), first one wins."""
    found: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return found
    for line in lines:
        stripped = line.lstrip(" ")
        key, sep, value = stripped.partition(":")
        if sep and key in wanted and key not in found and len(line) - len(stripped) == wanted[key]:
            found[key] = value.split(" #", 1)[0].strip().strip("'\"")
    return found


def _window(root: str) -> int:
    config = os.path.join(root, ".milestones", "config", "milestone-config.yaml")
    value = _fields(config, {"due_within_days": 2}).get("due_within_days", "")
    return int(value) if value.isdigit() else DEFAULT_DAYS
