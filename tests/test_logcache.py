"""The event-log cache gives exactly what a full scan gives, and reads only what changed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitmilestone.git import eventlog, history, logcache
from tests.conftest import git


def commit(root: Path, message: str) -> None:
    git(root, "commit", "-q", "--allow-empty", "--no-verify", "-m", message)


def both(root: Path, cache: Path) -> tuple[list[eventlog.Event], list[eventlog.Event]]:
    cached, cached_problems = eventlog.all_events(root, cache_dir=cache)
    full, full_problems = eventlog.all_events(root)
    assert cached_problems == full_problems
    return cached, full


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_a_new_commit_is_read_without_rescanning(
    repo: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(5):
        commit(repo, f"Work {n}\n\nTask: M-001/task-{n}")
    cached, full = both(repo, cache)
    assert cached == full and len(full) == 5
    scanned: list[list[str]] = []  # every `git log` the read runs, spied on, not replaced
    real_stream = history._stream
    monkeypatch.setattr(
        history,
        "_stream",
        lambda r, revs, each: scanned.append(revs) or real_stream(r, revs, each),
    )

    commit(repo, "More\n\nCompletes: M-001/task-9")
    events, _ = eventlog.all_events(repo, cache_dir=cache)

    assert len(events) == 6
    assert len(scanned) == 1 and scanned[0][1].startswith("^")  # only the new commit was read
    head = git(repo, "rev-parse", "HEAD").strip()
    new = history.scan_rows(repo, scanned[0]).activity.order
    assert new == [bytes.fromhex(head)]


def test_amend_reset_and_branch_switch_match_a_full_scan(repo: Path, cache: Path) -> None:
    commit(repo, "Base\n\nTask: M-001/task-1\nTime-Spent: 1h")
    commit(repo, "Next\n\nCompletes: M-001/task-1")
    assert both(repo, cache)[0] == both(repo, cache)[1]
    git(repo, "commit", "-q", "--amend", "--allow-empty", "-m", "Next\n\nTime-Spent: 2h")
    cached, full = both(repo, cache)
    assert cached == full
    assert [e.event_type for e in cached].count("task_completed") == 0
    git(repo, "checkout", "-q", "-b", "side", "HEAD~1")
    commit(repo, "Side\n\nBlocker: waiting for review")
    assert both(repo, cache)[0] == both(repo, cache)[1]
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-edit", "side")
    cached, full = both(repo, cache)
    assert cached == full and len(cached) == 4


def test_problems_follow_the_history(repo: Path, cache: Path) -> None:
    commit(repo, "Bad\n\nCompletes: M-001")
    assert len(eventlog.all_events(repo, cache_dir=cache)[1]) == 1
    git(repo, "commit", "-q", "--amend", "--allow-empty", "-m", "Good\n\nCompletes: M-001/t-1")
    assert eventlog.all_events(repo, cache_dir=cache)[1] == []


def test_a_corrupt_or_foreign_cache_is_rebuilt(repo: Path, cache: Path) -> None:
    commit(repo, "One\n\nTask: M-001/task-1")
    cache.mkdir()
    for junk in (b"", b"not marshal at all", b"\xe9\x01\x00\x00\x00"):
        (cache / logcache.CACHE_NAME).write_bytes(junk)
        cached, full = both(repo, cache)
        assert cached == full and len(cached) == 1


def test_an_unwritable_cache_folder_still_reads(repo: Path, tmp_path: Path) -> None:
    commit(repo, "One\n\nTask: M-001/task-1")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    events, problems = eventlog.all_events(repo, cache_dir=blocked)
    assert len(events) == 1 and problems == []


def test_an_unborn_branch_has_no_history(repo: Path, cache: Path) -> None:
    assert eventlog.all_events(repo, cache_dir=cache) == ([], [])


OPS = st.lists(
    st.sampled_from(["commit", "amend", "reset", "branch", "switch", "merge"]),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(OPS)
def test_any_sequence_of_history_changes_matches_a_full_scan(
    tmp_path_factory: pytest.TempPathFactory, ops: list[str]
) -> None:
    root = tmp_path_factory.mktemp("ops")
    env = {**os.environ, "GIT_MILESTONE_SKIP_HOOKS": "1"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=env)
    cache = root / ".git" / "milestones"
    commit(root, "Root\n\nMilestone: M-001")
    for n, op in enumerate(ops):
        _apply(root, op, n)
        cached, full = both(root, cache)
        assert cached == full
        # Time accounting's view of the commits: every one but merges, as git lists them.
        activity = logcache.trailer_log(root, cache).activity(0)
        assert sorted(activity) == git_activity(root)


def git_activity(root: Path) -> list[tuple[str, str, int]]:
    out = git(root, "log", "--no-merges", "--format=%H %ae %at", "HEAD")
    return sorted(
        (sha, email.lower(), int(at)) for sha, email, at in map(str.split, out.splitlines())
    )


def _apply(root: Path, op: str, n: int) -> None:
    branches = git(root, "branch", "--format=%(refname:short)").split()
    if op == "commit":
        commit(root, f"Work {n}\n\nTask: M-001/task-{n}\nTime-Spent: {n + 1}m")
    elif op == "amend":
        git(root, "commit", "-q", "--amend", "--allow-empty", "-m", f"Amended {n}\n\nBlocker: b{n}")
    elif op == "reset" and git(root, "rev-list", "--count", "HEAD").strip() != "1":
        git(root, "reset", "-q", "--hard", "HEAD~1")
    elif op == "branch":
        git(root, "checkout", "-q", "-B", f"b{n}")
        commit(root, f"On b{n}\n\nCompletes: M-001/task-{n}")
    elif op == "switch":
        git(root, "checkout", "-q", branches[n % len(branches)])
    elif op == "merge" and len(branches) > 1:
        other = branches[n % len(branches)]
        git(root, "merge", "-q", "--no-edit", "--allow-unrelated-histories", other, check=False)


def test_a_sha256_repository_reads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "sha256"
    git(tmp_path, "init", "-q", "--object-format=sha256", "-b", "main", str(root))
    commit(root, "One\n\nTask: M-001/task-1")
    commit(root, "Two\n\nCompletes: M-001/task-1")
    event = eventlog.new_event(root, "task_started", "M-001", "task-2", {})
    eventlog.record(root, root / ".git", [event])
    cache = root / ".git" / "milestones"
    for _ in range(2):  # cold, then from the cache
        cached, full = both(root, cache)
        assert cached == full and len(cached) == 3
