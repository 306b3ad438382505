"""Events name what changed: dependency_added/removed, the milestone's actual start, and the
branch and directory each command's event was recorded from."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from click.testing import Result

from gitmilestone.core import clock
from tests.cli.helpers import ms_file
from tests.conftest import git


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def commit(root: Path, message: str, name: str = "f.txt") -> None:
    (root / name).write_text(message)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", message)


def events(run_cli: Callable[..., Result], kind: str | None = None) -> list[dict[str, Any]]:
    found = [json.loads(x) for x in ok(run_cli("log", "--jsonl")).splitlines()]
    return [e for e in found if kind is None or e["event_type"] == kind]


def timeline(repo: Path) -> dict[str, Any]:
    found = yaml.safe_load(ms_file(repo, "M-001").read_text())["timeline"]
    return {k: None if v is None else str(v) for k, v in found.items()}


def test_set_requires_records_each_dependency_added_and_removed(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    commit(initialized, "base")
    for title in ("Auth", "Db", "Api"):
        ok(run_cli("new", title))
    ok(run_cli("set", "M-001", "dependencies.requires=[M-002, M-003]"))
    ok(run_cli("set", "M-001", "dependencies.requires=[M-003]"))
    added = [e["details"]["dependency"] for e in events(run_cli, "dependency_added")]
    removed = [e["details"]["dependency"] for e in events(run_cli, "dependency_removed")]
    assert sorted(added) == ["M-002", "M-003"]
    assert removed == ["M-002"]
    ok(run_cli("set", "M-001", "priority=high"))
    assert len(events(run_cli, "dependency_added")) == 2  # other fields record fields_set only


def test_the_first_task_started_sets_actual_start_once(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    commit(initialized, "base")
    ok(run_cli("new", "Auth"))
    ok(run_cli("task", "add", "M-001", "Login"))
    ok(run_cli("task", "add", "M-001", "Logout"))
    assert timeline(initialized).get("actual_start") is None
    ok(run_cli("task", "start", "M-001/task-001"))
    day = clock.seconds()[:10]
    assert timeline(initialized)["actual_start"] == day
    path = ms_file(initialized, "M-001")
    text = path.read_text()
    assert f"actual_start: {day}" in text
    path.write_text(text.replace(f"actual_start: {day}", "actual_start: 2020-01-02"))
    assert timeline(initialized)["actual_start"] == "2020-01-02"
    ok(run_cli("task", "start", "M-001/task-002"))
    assert timeline(initialized)["actual_start"] == "2020-01-02"  # set once


def test_phase_start_sets_actual_start(initialized: Path, run_cli: Callable[..., Result]) -> None:
    commit(initialized, "base")
    ok(run_cli("new", "Auth"))
    ok(run_cli("task", "add", "M-001", "Login", "--phases"))
    ok(run_cli("phase", "start", "M-001/task-001"))
    assert timeline(initialized)["actual_start"] == clock.seconds()[:10]


def test_apply_sets_actual_start_from_a_task_trailer(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    ok(run_cli("new", "Auth"))
    ok(run_cli("task", "add", "M-001", "Login"))
    commit(initialized, "plan")
    commit(initialized, "Login form\n\nTask: M-001/task-001\n", "g.txt")
    out = ok(run_cli("apply"))
    assert "M-001.timeline.actual_start" in out
    stamp = git(initialized, "log", "-1", "--format=%cI")
    day = clock.parse_stamp(stamp.strip()).date().isoformat()
    assert timeline(initialized)["actual_start"] == day


def test_events_carry_branch_and_directory(
    initialized: Path, run_cli: Callable[..., Result], monkeypatch: Any
) -> None:
    commit(initialized, "base")
    git(initialized, "checkout", "-q", "-b", "feature/login")
    (initialized / "src").mkdir()
    monkeypatch.chdir(initialized / "src")
    ok(run_cli("new", "Auth"))
    (created,) = events(run_cli, "milestone_created")
    assert created["details"]["user_context"] == {"branch": "feature/login", "cwd": "src"}
