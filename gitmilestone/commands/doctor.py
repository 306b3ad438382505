"""`doctor`: what is wrong in this clone, and the part of it that is safe to fix.

Reports invalid events (note lines, trailers and waiting events that every command skips),
locks and temporary files a killed process left behind, temporary notes refs, and hooks
missing in this clone. Fixes only what loses nothing: stale locks, temporary files and refs,
a pending-events file's unreadable lines (moved aside; its valid events stay queued), and
the hooks, when asked.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from gitmilestone.core.events import parse_note
from gitmilestone.git import eventlog, notewrite, runner
from gitmilestone.git.repo import RepoPaths
from gitmilestone.storage import atomic
from gitmilestone.storage.store import TEMP_FOLDER

STALE_AFTER = 10 * 60.0  # seconds: no write takes that long, so its temporary file is left over


@dataclass
class Finding:
    kind: str  # invalid_event | stale_lock | temp_file | temp_ref | bad_pending | missing_hook
    where: str
    detail: str
    fixable: bool
    fixed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def diagnose(paths: RepoPaths) -> list[Finding]:
    return [
        *_invalid_events(paths),
        *_bad_pending(paths),
        *_stale_locks(paths),
        *_temp_files(paths),
        *_temp_refs(paths),
        *_missing_hooks(paths),
    ]


def fix(paths: RepoPaths, findings: list[Finding], hooks: bool = False) -> list[Finding]:
    """Fix what is safe; `hooks`: also install missing hooks. Returns the findings, marked."""
    for f in findings:
        if f.kind in ("stale_lock", "temp_file"):
            Path(f.where).unlink(missing_ok=True)
            f.fixed = True
        elif f.kind == "temp_ref":
            runner.git(paths.root, "update-ref", "-d", "--", f.where, check=False)
            f.fixed = True
    if any(f.kind == "bad_pending" for f in findings):
        _set_aside_bad_pending(paths)
        for f in findings:
            f.fixed = f.fixed or f.kind == "bad_pending"
    if hooks and any(f.kind == "missing_hook" for f in findings):
        from gitmilestone.commands import install

        install.install(paths)
        for f in findings:
            f.fixed = f.fixed or f.kind == "missing_hook"
    return findings


def _invalid_events(paths: RepoPaths) -> list[Finding]:
    _, problems = eventlog.all_events(paths.root, scoped=False)  # notes and trailers
    return [Finding("invalid_event", p.split(": ", 1)[0], p, fixable=False) for p in problems]


def _bad_pending(paths: RepoPaths) -> list[Finding]:
    _, problems = eventlog.pending_events(paths.common_dir)
    return [Finding("bad_pending", p.split(" line ", 1)[0], p, fixable=True) for p in problems]


def _set_aside_bad_pending(paths: RepoPaths) -> None:
    """Keep the valid waiting events queued; the unreadable lines go to a file beside."""
    taken, text = notewrite.take(paths.common_dir)
    good: list[str] = []
    bad: list[str] = []
    for line in text.splitlines(keepends=True):
        _, problems = parse_note(line, "", where="pending")
        (bad if problems else good).append(line)
    if bad:
        aside = Path(notewrite.pending_path(paths.common_dir)).with_suffix(
            f".bad-{time.strftime('%Y%m%d-%H%M%S')}"
        )
        aside.write_bytes("".join(bad).encode("utf-8", "surrogateescape"))
    if good:
        notewrite.queue(paths.common_dir, "".join(good))
    notewrite.forget(taken)


def _stale_locks(paths: RepoPaths) -> list[Finding]:
    found = []
    for lock in sorted(paths.milestones.rglob("*.lock")) if paths.milestones.is_dir() else []:
        if atomic.stale_lock(lock):
            found.append(Finding("stale_lock", str(lock), "its process is gone", fixable=True))
    return found


def _temp_files(paths: RepoPaths) -> list[Finding]:
    """Files being written that a killed process left: in .git/milestones/tmp, and beside
    the plan files or in .git where earlier versions wrote them."""
    candidates = list((paths.local_dir / TEMP_FOLDER).glob("*"))
    if paths.milestones.is_dir():
        candidates += paths.milestones.rglob(".*.tmp")
    candidates += paths.git_dir.glob("milestone-wip-index.*")
    now = time.time()
    found = []
    for path in sorted(candidates):
        try:
            age = now - path.stat().st_mtime
        except OSError:
            continue
        if age > STALE_AFTER:
            detail = f"left {int(age // 60)} minutes ago by a process that did not finish"
            found.append(Finding("temp_file", str(path), detail, fixable=True))
    return found


def _temp_refs(paths: RepoPaths) -> list[Finding]:
    out = runner.git(
        paths.root, "for-each-ref", "--format=%(refname)", notewrite.TMP_PREFIX, check=False
    ).stdout.split()
    found = []
    for ref in out:
        tag = ref[len(notewrite.TMP_PREFIX) :].removeprefix("sync-")
        if not notewrite.alive(tag):
            found.append(Finding("temp_ref", ref, "left by a writer that was killed", True))
    return found


def _missing_hooks(paths: RepoPaths) -> list[Finding]:
    from gitmilestone.commands import install

    folder = install.hooks_dir(paths)
    return [
        Finding("missing_hook", str(folder / hook), "not installed in this clone", True)
        for hook in install.DEFAULT_HOOKS
        if not install.is_ours(folder / hook)
    ]
