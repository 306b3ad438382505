"""Short milestone and task IDs, resolved the same way in commit messages, branch names and on
the command line: an exact ID, or a prefix made of whole `-`-separated parts that names
exactly one (`M-001` for M-001-471a, `task-002` for task-002-7xvg); numbers compare as numbers,
so `task-3` names task-003-7xvg.

Stdlib only and no YAML parser: the commit-msg hook runs this on every commit that carries a
milestone trailer. Milestone IDs are the file names in .milestones/active and completed; task
IDs are the `id:` lines of the `tasks:` section of the milestone's file.
"""

from __future__ import annotations

import os

from gitmilestone.core.trailers import is_id

LOCATIONS = ("active", "completed")


class Unresolved(ValueError):
    """An ID that names nothing, or several things; the message lists the candidates."""


def milestone_ids(root: str) -> list[str]:
    ids: list[str] = []
    for location in LOCATIONS:
        try:
            names = os.listdir(os.path.join(root, ".milestones", location))
        except OSError:
            continue
        ids += [n[: -len(".yaml")] for n in names if n.endswith(".yaml")]
    return sorted(i for i in ids if is_id(i))


def task_ids(path: str) -> list[str]:
    """The task IDs of a milestone file: `id:` lines inside its top-level `tasks:` list."""
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return []
    ids, inside = [], False
    for line in lines:
        if line[:1] not in ("", " ", "-", "#"):  # a top-level key starts a new section
            inside = line.startswith("tasks:")
            continue
        text = line.strip().removeprefix("-").strip()
        if inside and text.startswith("id:"):
            value = text[3:].split("#", 1)[0].strip().strip("'\"")
            if is_id(value):
                ids.append(value)
    return ids


def names(ref: str, full: str) -> bool:
    """Whether `ref` is `full` or a prefix of it made of whole parts (numbers by value)."""
    mine, theirs = ref.split("-"), full.split("-")
    if len(mine) > len(theirs):
        return False
    return all(a == b or _same_number(a, b) for a, b in zip(mine, theirs, strict=False))


def _same_number(a: str, b: str) -> bool:
    return a.isdigit() and b.isdigit() and a.isascii() and b.isascii() and int(a) == int(b)


def named(ref: str, ids: list[str]) -> list[str]:
    """The IDs `ref` may mean: itself when it is one, else every ID it is a prefix of."""
    return [ref] if ref in ids else [i for i in ids if names(ref, i)]


def pick(ref: str, ids: list[str]) -> str | None:
    """The ID `ref` names, exactly or as a unique prefix; None when none or several."""
    found = named(ref, ids)
    return found[0] if len(found) == 1 else None


def resolve(ref: str, ids: list[str], what: str, where: str = "") -> str:
    """pick, or Unresolved saying which IDs were meant: `what` names the kind (`milestone`,
    `task`), `where` the place (` in M-001-471a`)."""
    found = pick(ref, ids)
    if found is not None:
        return found
    several = named(ref, ids)
    if several:
        raise Unresolved(f"{ref} names several: {', '.join(several[:5])}; write more of the ID")
    import difflib

    close = difflib.get_close_matches(ref, ids, n=3, cutoff=0.5)
    close += [i for i in ids if i.startswith(ref) and i not in close][:3]
    guess = f"; did you mean {', '.join(close)}?" if close else ""
    raise Unresolved(f"there is no {what} {ref}{where}{guess}")


def milestone_path(root: str, mid: str) -> str | None:
    for location in LOCATIONS:
        path = os.path.join(root, ".milestones", location, f"{mid}.yaml")
        if os.path.isfile(path):
            return path
    return None


def full_ref(root: str, mid: str, task: str | None) -> tuple[str, str | None]:
    """(milestone, task) with both IDs written out in full; raises Unresolved."""
    full = resolve(mid, milestone_ids(root), "milestone")
    if task is None:
        return full, None
    path = milestone_path(root, full)
    return full, resolve(task, task_ids(path) if path else [], "task", f" in {full}")


def task_in_segment(path: str, segment: str) -> str | None:
    """The task a branch-name segment starts with (`task-003-login` -> task-003-7xvg): the
    task whose longest `-`-bounded prefix the segment begins with, when only one does."""
    best: dict[str, int] = {}
    for tid in task_ids(path):
        for size in range(1, len(segment.split("-")) + 1):
            if names("-".join(segment.split("-")[:size]), tid):
                best[tid] = max(best.get(tid, 0), size)
    if not best:
        return None
    top = max(best.values())
    winners = [t for t, size in best.items() if size == top]
    return winners[0] if len(winners) == 1 else None
