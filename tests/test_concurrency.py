"""Writers at once lose nothing: 20 CLI edits, 20 commits in separate work trees, syncs from
two clones, and writers of the pending-events file, each event in the log exactly once."""

from __future__ import annotations

import json
import subprocess
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import Result

from gitmilestone.commands import plan
from gitmilestone.git import eventlog, notewrite
from gitmilestone.git.sync import sync
from gitmilestone.storage import atomic
from gitmilestone.storage.store import Store
from tests.conftest import git

N = 20


def base(root: Path, run_cli: Callable[..., Result], milestones: int = 1) -> None:
    for i in range(milestones):
        assert run_cli("new", f"Milestone {i}").exit_code == 0
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "plan")


def logged(run_cli: Callable[..., Result], kind: str) -> list[dict[str, object]]:
    result = run_cli("log", "--jsonl", "--type", kind)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def in_threads(job: Callable[[int], object], count: int = N) -> None:
    with ThreadPoolExecutor(count) as pool:
        list(pool.map(job, range(count)))  # re-raises the first failure


def test_20_task_adds_on_one_milestone_all_land_with_their_events(
    initialized: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    base(initialized, run_cli)
    monkeypatch.setattr(atomic, "LOCK_WAIT", 120.0)  # a loaded test machine: losing is the test

    in_threads(lambda i: plan.add_task(Store.open(initialized), "M-001", plan.NewTask(f"T{i}")))

    tasks = Store.open(initialized).resolve("M-001").tasks
    assert sorted(t.title for t in tasks) == sorted(f"T{i}" for i in range(N))
    assert len({t.id for t in tasks}) == N  # each add chose its ID from the file it changed
    events = logged(run_cli, "task_added")
    assert sorted(e["task_id"] for e in events) == sorted(t.id for t in tasks)  # type: ignore[type-var]
    assert not eventlog.pending_events(initialized / ".git")[0]  # all moved into the notes


def test_20_edits_of_different_milestones_keep_every_event(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    base(initialized, run_cli, milestones=N)
    ids = [m.id for m in Store.open(initialized).milestones()]

    in_threads(lambda i: plan.set_values(Store.open(initialized), ids[i], ["priority=high"]))

    events = logged(run_cli, "fields_set")
    assert Counter(e["milestone_id"] for e in events) == Counter(ids)


def test_20_commits_in_separate_work_trees_each_keep_their_note(
    initialized: Path, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    base(initialized, run_cli)
    assert run_cli("task", "add", "M-001", "Login").exit_code == 0
    git(initialized, "add", "-A")
    git(initialized, "commit", "-q", "-m", "Plan the login")  # work trees see the task
    trees = [tmp_path / f"wt{i}" for i in range(N)]
    for i, tree in enumerate(trees):
        git(initialized, "worktree", "add", "-q", "-b", f"b{i}", str(tree))
        (tree / "f.txt").write_text(str(i))
        git(tree, "add", "f.txt")
    message = "work {}\n\nTask: M-001/task-001\nTime-Spent: {}m"
    procs = [
        subprocess.Popen(
            ["git", "commit", "-q", "-m", message.format(i, i + 1)],
            cwd=tree,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i, tree in enumerate(trees)
    ]
    outcomes = [(p.wait(), p.stderr.read().decode() if p.stderr else "") for p in procs]
    assert all(rc == 0 for rc, _ in outcomes), outcomes

    notes = eventlog.note_texts(initialized)
    heads = [git(t, "rev-parse", "HEAD").strip() for t in trees]
    times = Counter(
        json.loads(line)["details"].get("time_spent")
        for sha in heads
        for line in notes.get(sha, "").splitlines()
        if '"time_logged"' in line
    )
    assert times == Counter(round((i + 1) / 60, 4) for i in range(N))


def test_syncs_from_two_clones_at_once_converge_with_every_event_once(
    initialized: Path, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    base(initialized, run_cli)
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(initialized), str(remote))
    git(initialized, "remote", "add", "origin", str(remote))
    clones = [tmp_path / "a", tmp_path / "b"]
    for clone in clones:
        git(tmp_path, "clone", "-q", str(remote), str(clone))
    recorded: list[str] = []

    def work(i: int) -> None:
        root = clones[i % 2]
        event = eventlog.new_event(root, "time_logged", "M-001", None, {"time_spent": 1})
        eventlog.record(root, root / ".git", [event])
        recorded.append(event.id)
        sync(root, root / ".git", "origin")

    in_threads(work, N)
    for clone in (*clones, clones[0]):
        sync(clone, clone / ".git", "origin")

    for clone in clones:
        found = [e.id for e in eventlog.note_events(clone)[0] if e.event_type == "time_logged"]
        assert sorted(found) == sorted(recorded)


def test_the_pending_file_loses_no_line_to_a_taker_running_at_once(tmp_path: Path) -> None:
    common = tmp_path / "git"
    taken: list[str] = []
    stop = threading.Event()

    def taker() -> None:
        while not stop.is_set():
            files, text = notewrite.take(common)
            taken.extend(text.splitlines())
            notewrite.forget(files)

    thread = threading.Thread(target=taker)
    thread.start()
    in_threads(lambda i: [notewrite.queue(common, f"{i}-{k}\n") for k in range(50)])
    stop.set()
    thread.join()
    taken += notewrite.take(common)[1].splitlines()

    assert Counter(taken) == Counter(f"{i}-{k}" for i in range(N) for k in range(50))


def test_a_crash_after_the_file_write_keeps_the_event(
    initialized: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    base(initialized, run_cli)

    def killed(*args: object) -> None:
        raise KeyboardInterrupt  # the process dies right after the rename

    with monkeypatch.context() as m:
        m.setattr(eventlog, "flush", killed)
        with pytest.raises(KeyboardInterrupt):
            plan.add_task(Store.open(initialized), "M-001", plan.NewTask("Login"))

    assert [e["notes"] for e in map(_details, logged(run_cli, "task_added"))] == ["Login"]
    assert run_cli("task", "add", "M-001", "Logout").exit_code == 0  # the next write flushes
    assert not eventlog.pending_events(initialized / ".git")[0]
    assert len(logged(run_cli, "task_added")) == 2


def _details(event: dict[str, object]) -> dict[str, object]:
    details = event["details"]
    assert isinstance(details, dict)
    return details
