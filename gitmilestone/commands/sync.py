"""`sync` as every caller runs it (the command and the pre-push hook): exchange the notes,
then bring this clone's local state up to date with what arrived."""

from __future__ import annotations

import contextlib

from gitmilestone.commands.sessions import rebuild_resume_cache
from gitmilestone.errors import MilestoneError
from gitmilestone.git import logcache, sync
from gitmilestone.git.repo import RepoPaths


def sync_notes(
    paths: RepoPaths, remote: str | None, push: bool = True, fill_index: bool = False
) -> sync.SyncResult:
    """Fetch, merge and push the notes. Then the pauses that arrived show on checkout of
    their branch, and the event-log cache is built here, so a fresh clone's first status does
    not wait for it."""
    result = sync.sync(paths.root, paths.git_dir, remote, push=push)
    rebuild_resume_cache(paths.root, paths.common_dir)
    logcache.trailer_log(paths.root, paths.local_dir)
    if fill_index:
        _fill_index(paths)
    return result


def _fill_index(paths: RepoPaths) -> None:
    """In the hybrid and database tiers, parse what the index lacks and compute the views
    `status` and `list` read now rather than in the next command (the pre-push hook leaves
    this out: it stays free of YAML)."""
    from gitmilestone.commands.planviews import warm
    from gitmilestone.workspace import Workspace

    ws = Workspace(paths)
    if (paths.milestones / "active").is_dir() and ws.store.tier().tier != "file":
        # Every file is read through the index, then the views status reads are kept. A plan
        # that cannot be read is reported by the command that reads it, not by sync.
        with contextlib.suppress(MilestoneError):
            warm(ws)
