"""The resume point: the seed's ResumePoint from a pause, or derived without one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from gitmilestone.analysis.timeaccount import TimeRules
from gitmilestone.commands import resume, sessions
from gitmilestone.core.model import Milestone, Settings, Task
from gitmilestone.errors import ConflictError, NotFoundError
from gitmilestone.git.repo import discover
from gitmilestone.git.where import SESSIONS_FILE
from gitmilestone.storage.store import Store
from gitmilestone.workspace import Workspace
from tests.conftest import git
from tests.test_sessions import commit, planned

# The seed's interface: field -> type, and the same for the nested objects.
RESUME_POINT = {
    "session_id": (str, type(None)),
    "timestamp": str,
    "active_milestone": (str, type(None)),
    "current_task": (str, type(None)),
    "context": dict,
    "progress_snapshot": dict,
}
CONTEXT = {
    "working_directory": str,
    "open_files": list,
    "current_branch": (str, type(None)),
    "uncommitted_changes": bool,
    "notes": str,
    "next_steps": list,
}
PROGRESS = {
    "completed_tasks": list,
    "in_progress_tasks": list,
    "time_spent_today": float,
    "blockers": list,
}


def assert_resume_point(data: dict[str, Any]) -> None:
    for fields, obj in (
        (RESUME_POINT, data),
        (CONTEXT, data["context"]),
        (PROGRESS, data["progress_snapshot"]),
    ):
        for key, kind in fields.items():
            assert isinstance(obj[key], kind), (key, obj[key])


def test_derived_without_a_pause(initialized: Path, run_cli: Callable[..., Result]) -> None:
    planned(initialized, run_cli)
    git(initialized, "checkout", "-q", "-b", "milestone/M-001/task-001-login")
    (initialized / "README.md").write_text("changed\n")

    point = resume.build(Workspace.open(initialized))

    data = point.data
    assert_resume_point(data)
    assert point.session is None and data["source"] == "derived"
    assert (data["active_milestone"], data["current_task"]) == ("M-001", "task-001")
    assert data["context"]["current_branch"] == "milestone/M-001/task-001-login"
    assert data["context"]["open_files"] == ["README.md"]
    assert data["context"]["uncommitted_changes"] is True
    assert data["context"]["next_steps"] == ["Start M-001/task-001: Login"]
    assert data["ready_tasks"] == []  # task-001 is the one in hand; task-002 waits for it
    assert data["snapshot"] is None and data["since"] is None
    assert {e["event_type"] for e in data["recent_events"]} == {"task_added", "milestone_created"}


def test_derived_takes_the_milestone_from_the_latest_event(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    planned(initialized, run_cli)
    run_cli("task", "start", "M-001/task-001")

    data = resume.build(Workspace.open(initialized)).data

    assert (data["active_milestone"], data["current_task"]) == ("M-001", "task-001")
    assert data["progress_snapshot"]["in_progress_tasks"] == ["M-001/task-001"]
    assert data["context"]["next_steps"][0] == "Continue M-001/task-001: Login"


def test_from_a_pause(initialized: Path, run_cli: Callable[..., Result]) -> None:
    planned(initialized, run_cli)
    run_cli("task", "block", "M-001/task-002", "-r", "Waiting for the mail server")
    commit(initialized, "blocked", **{"blocked.txt": "x\n"})
    paths = discover(initialized)
    sessions.start(paths, "M-001", "task-001")
    (initialized / "src").mkdir()
    (initialized / "src/login.py").write_text("def login(): ...\n")
    sessions.pause(paths, "Form done, submit next", ["Wire submit", "Test"], TimeRules())
    (initialized / "other.txt").write_text("x\n")
    git(initialized, "add", "other.txt")
    git(initialized, "commit", "-q", "--no-verify", "-m", "someone else's commit")

    point = resume.build(Workspace.open(initialized))

    data = point.data
    assert_resume_point(data)
    assert data["source"] == "pause" and point.session is not None
    assert data["session_id"] == point.session.id
    assert data["context"]["notes"] == "Form done, submit next"
    assert data["context"]["next_steps"] == ["Wire submit", "Test"]
    assert data["context"]["open_files"] == ["src/login.py"]
    assert data["changes"]["untracked"] == ["src/login.py"]
    assert data["since"]["count"] == 1
    assert data["since"]["commits"][0]["subject"] == "someone else's commit"
    assert data["snapshot"]["available"] and data["snapshot"]["worktree"] == "matches"
    assert data["progress_snapshot"]["blockers"] == ["M-001/task-002: Waiting for the mail server"]
    assert data["session"]["status"] == "paused"


def test_an_open_session_answers_from_the_work_tree(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    planned(initialized, run_cli)
    paths = discover(initialized)
    sessions.start(paths, "M-001", "task-002")

    data = resume.build(Workspace.open(initialized)).data

    assert data["source"] == "session" and data["current_task"] == "task-002"
    assert data["session"]["status"] == "active"


def m(mid: str, *tasks: Task, requires: tuple[str, ...] = (), done: bool = False) -> Milestone:
    return Milestone(
        id=mid,
        title=mid,
        path=f"{mid}.yaml",
        tasks=tasks,
        requires=requires,
        declared_status="completed" if done else None,
    )


def test_ready_tasks_have_their_dependencies_done() -> None:
    plan = [
        m("M-001", Task("t1", "A", status="completed"), Task("t2", "B", dependencies=("t1",))),
        m(
            "M-002",
            Task("t1", "C", dependencies=("M-001/t2",)),
            Task("t2", "D"),
            requires=("M-001",),
        ),
        m("M-003", Task("t1", "E", status="in_progress"), Task("t2", "F", status="blocked")),
    ]

    ready, problem = resume.ready_tasks(plan, Settings(), None)

    assert [(x.id, t.id) for x, t in ready] == [("M-001", "t2")] and problem is None
    assert resume.ready_tasks(plan, Settings(), "M-002") == ([], None)
    finished = (Task("t1", "A", status="completed"), Task("t2", "B", status="completed"))
    plan[0] = m("M-001", *finished, done=True)
    ready_ids = [(x.id, t.id) for x, t in resume.ready_tasks(plan, Settings(), None)[0]]
    assert ready_ids == [("M-002", "t1"), ("M-002", "t2")]


def test_a_broken_dependency_graph_leaves_no_ready_tasks_and_says_why() -> None:
    plan = [m("M-001", Task("t1", "A", dependencies=("t9",)))]

    ready, problem = resume.ready_tasks(plan, Settings(), None)

    assert ready == [] and problem is not None and "t9" in problem


# -- restore refusals -------------------------------------------------------------------------


@pytest.fixture
def paused(initialized: Path, run_cli: Callable[..., Result]) -> Path:
    planned(initialized, run_cli)
    paths = discover(initialized)
    sessions.start(paths, "M-001", "task-001")
    (initialized / "README.md").write_text("edited\n")
    sessions.pause(paths, "half way", [], TimeRules())
    git(initialized, "checkout", "-q", "README.md")
    return initialized


def test_restore_needs_a_pause(initialized: Path, run_cli: Callable[..., Result]) -> None:
    planned(initialized, run_cli)
    store = Store.open(initialized)

    with pytest.raises(NotFoundError, match="no pause recorded"):
        resume.restore(store.paths, resume.build(Workspace(store.paths)))


def test_restore_needs_saved_work(initialized: Path, run_cli: Callable[..., Result]) -> None:
    planned(initialized, run_cli)
    paths = discover(initialized)
    sessions.pause(paths, "clean", [], TimeRules())
    store = Store.open(initialized)

    with pytest.raises(NotFoundError, match="had no uncommitted work"):
        resume.restore(paths, resume.build(Workspace(store.paths)))


def test_restore_of_a_pruned_snapshot(paused: Path) -> None:
    store = Store.open(paused)
    point = resume.build(Workspace(store.paths))
    assert point.data["snapshot"]["available"]
    git(paused, "update-ref", "-d", f"refs/milestones/wip/{point.session.id}")  # type: ignore[union-attr]
    git(paused, "reflog", "expire", "--expire=now", "--all")
    git(paused, "gc", "-q", "--prune=now")

    point = resume.build(Workspace(store.paths))

    assert point.data["snapshot"] == {
        "commit": point.data["snapshot"]["commit"],
        "ref": f"refs/milestones/wip/{point.session.id}",  # type: ignore[union-attr]
        "available": False,
        "worktree": "unknown",
    }
    with pytest.raises(NotFoundError, match="is gone") as err:
        resume.restore(store.paths, point)
    assert "refs/milestones/wip/*" in err.value.hint
    assert (paused / "README.md").read_text() == "hello\n"


def test_restore_on_another_branch_is_refused(paused: Path) -> None:
    git(paused, "checkout", "-q", "-b", "elsewhere")
    store = Store.open(paused)
    point = resume.build(Workspace(store.paths), session_ref="session-")

    with pytest.raises(ConflictError, match="taken on branch main") as err:
        resume.restore(store.paths, point)
    assert "git switch main" in err.value.hint


def test_restore_after_the_session_was_resumed_elsewhere(
    paused: Path, run_cli: Callable[..., Result]
) -> None:
    # Resumed on another clone: the session is active there, and this work tree holds none.
    paths = discover(paused)
    (session,) = sessions.fold(sessions.load_events(paths.root, paths.common_dir))
    sessions.reopen(paths, session)
    (paths.common_dir / "milestones" / SESSIONS_FILE).unlink()

    result = run_cli("resume", "--restore", "--peek")

    assert result.exit_code == 0, result.output
    assert (paused / "README.md").read_text() == "edited\n"
    assert f"(the snapshot of {session.id}, paused " in result.output
