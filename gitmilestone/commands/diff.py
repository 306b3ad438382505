"""`git milestone diff`: what changed in the plan between two revisions (or a revision and
the work tree), read from blobs and from each side's own facts, nothing checked out.

The facts at a revision are the trailers reachable from it and the notes attached to commits
reachable from it (the branch rule), folded over that revision's plan by the same fold as
every other command. So a branch that only commits `Completes:` trailers still shows its
progress, and the facts on A..B are what the after side holds and the before side does not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from gitmilestone.analysis.outlook import outlook
from gitmilestone.analysis.plandiff import Side, gates_waiting, milestone_changes
from gitmilestone.core.events import Event, merge, overlay, task_facts
from gitmilestone.errors import MilestoneError
from gitmilestone.git import eventlog, logcache
from gitmilestone.git.fork import both
from gitmilestone.git.objects import Objects
from gitmilestone.storage.revision import RevisionPlans
from gitmilestone.storage.store import settings_of
from gitmilestone.workspace import Workspace

WORK_TREE = "work tree"
DEFAULT_BRANCHES = ("refs/remotes/origin/HEAD", "main", "master")
FACT_TYPES = ("task_completed", "progress_updated", "task_started")
PARALLEL_FROM = 2000  # tasks: below this a second process costs more than it saves


@dataclass(frozen=True)
class Range:
    before: str  # a commit
    after: str | None  # a commit, or None for the work tree
    before_label: str
    after_label: str


def parse_range(objects: Objects, revs: tuple[str, ...]) -> Range:
    """git diff's forms: nothing (the merge base with the default branch -> the work tree),
    REV (-> the work tree), A B and A..B (A -> B), A...B (merge-base(A, B) -> B)."""
    if len(revs) > 2:
        raise MilestoneError("too many revisions", "give at most two: git milestone diff A B")
    if len(revs) == 2:
        return Range(objects.commit(revs[0]), objects.commit(revs[1]), revs[0], revs[1])
    if not revs:
        return _default_range(objects)
    text = revs[0]
    if "..." in text:
        a, b = (x or "HEAD" for x in text.split("...", 1))
        after = objects.commit(b)
        base = objects.merge_base(objects.commit(a), after)
        return Range(base, after, f"merge-base({a}, {b})", b)
    if ".." in text:
        a, b = (x or "HEAD" for x in text.split("..", 1))
        return Range(objects.commit(a), objects.commit(b), a, b)
    return _to_work_tree(objects, objects.commit(text), text)


def _default_range(objects: Objects) -> Range:
    default = objects.first_commit(*DEFAULT_BRANCHES)
    if default is None:
        raise MilestoneError(
            "no default branch to compare with (origin/HEAD, main or master)",
            "name the revision: git milestone diff REV, or A...B",
        )
    head = objects.first_commit("HEAD") or default
    return _to_work_tree(objects, objects.merge_base(default, head), "merge-base(default, HEAD)")


def _to_work_tree(objects: Objects, before: str, label: str) -> Range:
    if objects.is_bare:
        raise MilestoneError(
            "a bare repository has no work tree to compare with",
            "name both revisions: git milestone diff A B, or A...B",
        )
    return Range(before, None, label, WORK_TREE)


# -- each side -----------------------------------------------------------------------------


def facts_at(ws: Workspace, commit: str) -> list[Event]:
    """Trailers reachable from `commit` (through the event-log cache) and the notes attached
    to commits reachable from it."""
    trailers = logcache.trailer_log_at(ws.paths.root, ws.paths.local_dir, commit)
    notes = ws.memo("diff.notes", lambda: _note_events(ws))
    _report(ws, trailers.problems + notes[1])
    return merge(trailers.events, [e for e in notes[0] if trailers.in_history(e.commit)])


def _note_events(ws: Workspace) -> tuple[list[Event], list[str]]:
    """Every note event: from the work tree's event log when it was read already (its
    problems were reported then), else from the notes ref."""
    if "log" in vars(ws):
        return [e for e in ws.log.every if e.source == "note" and e.commit], []
    return eventlog.note_events(ws.paths.root)


def _report(ws: Workspace, problems: list[str]) -> None:
    """Each skipped line of history once, although both sides' histories hold most of it."""
    told: set[str] = ws.memo("diff.told", set)
    for problem in dict.fromkeys(problems):
        if problem not in told:
            ws.warn(problem)
    told.update(problems)


def side_at(ws: Workspace, plans: RevisionPlans, commit: str, label: str) -> tuple[Side, Any]:
    events = facts_at(ws, commit)
    config = plans.config(commit)
    milestones = overlay(plans.milestones(commit), task_facts(events))
    return Side(label, commit, milestones, events, settings_of(config)), config


def work_tree_side(ws: Workspace) -> tuple[Side, Any]:
    config = ws.store.config()
    return Side(WORK_TREE, None, ws.plan(), ws.log.scoped, settings_of(config)), config


# -- the comparison ------------------------------------------------------------------------


def diff(ws: Workspace, objects: Objects, revs: tuple[str, ...], start: dt.date) -> dict[str, Any]:
    rng = parse_range(objects, revs)
    plans = RevisionPlans(ws.store, objects)
    plans.prefetch([c for c in (rng.before, rng.after) if c is not None])
    if rng.after is None:  # first: the before side then reuses the notes its log read
        after, config_b = work_tree_side(ws)
    else:
        after, config_b = side_at(ws, plans, rng.after, rng.after_label)
    before, config_a = side_at(ws, plans, rng.before, rng.before_label)
    plans.cache.save()
    return compare(before, after, (config_a, config_b), start)


def compare(before: Side, after: Side, configs: tuple[Any, Any], start: dt.date) -> dict[str, Any]:
    # The item-by-item comparison goes with the before side's outlook, so that the two
    # processes have about the same work.
    (a, milestones), (b, gates) = both(
        lambda: (
            outlook(before.milestones, before.events, configs[0], before.settings, start),
            milestone_changes(before, after),
        ),
        lambda: (
            outlook(after.milestones, after.events, configs[1], after.settings, start),
            _new_gates(before, after, configs),
        ),
        parallel=sum(len(m.tasks) for m in after.milestones) >= PARALLEL_FROM,
    )
    data: dict[str, Any] = {
        "from": {"label": before.label, "commit": before.commit},
        "to": {"label": after.label, "commit": after.commit},
        "as_of": start.isoformat(),
        "project": _project(a, b),
        "milestones": milestones,
        "gates_waiting": gates,
        "facts": _facts(before, after),
    }
    data["changed"] = bool(milestones or data["gates_waiting"]) or any(
        p["before"] != p["after"] for p in data["project"].values() if isinstance(p, dict)
    )
    return data


def _project(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    pair = {k: {"before": a[k], "after": b[k]} for k in ("progress", "finish", "p85")}
    moved = None
    if a["finish"] and b["finish"]:
        moved = (dt.date.fromisoformat(b["finish"]) - dt.date.fromisoformat(a["finish"])).days
    return {
        **pair,
        "finish_moved_days": moved,
        "critical_path": {"before": a["critical_path"], "after": b["critical_path"]},
        "new_cycle": b["cycle"] if b["cycle"] and b["cycle"] != a["cycle"] else [],
    }


def _new_gates(before: Side, after: Side, configs: tuple[Any, Any]) -> list[dict[str, Any]]:
    old = {m.id: m for m in before.milestones}
    waiting: list[dict[str, Any]] = []
    for m in after.milestones:
        was = old.get(m.id)
        if was is m:
            continue  # the same parsed blob and the same facts: nothing new can wait
        seen = gates_waiting(was, configs[0]) if was is not None else []
        waiting += [g for g in gates_waiting(m, configs[1]) if g not in seen]
    return waiting


def _facts(before: Side, after: Side) -> list[dict[str, Any]]:
    """The facts the after side holds and the before side does not (those of A..B)."""
    known = {e.id for e in before.events}
    return [
        {
            "event_type": e.event_type,
            "milestone": e.milestone_id,
            "task": e.task_id,
            "source": e.source,
            "commit": e.commit,
            "progress": e.details.get("progress_percentage"),
        }
        for e in after.events
        if e.id not in known and e.event_type in FACT_TYPES
    ]
