from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import yaml
from click.testing import Result

from tests.cli.helpers import ACTIVE, assert_user_error, ms_file
from tests.conftest import git, tree_snapshot

SUFFIXED = re.compile(r"^M-001-[0-9a-z]{4}$")


def test_new_with_every_option(initialized: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("new", "Base")

    result = run_cli(
        "new",
        "User authentication",
        "--priority",
        "high",
        "--category",
        "infrastructure",
        "--start",
        "2026-11-02",
        "--end",
        "2026-12-18",
        "--hours",
        "80",
        "--buffer",
        "15",
        "--requires",
        "M-001",
        "--description",
        "Sign-up, login and sessions",
    )

    assert result.exit_code == 0, result.output
    path = ms_file(initialized, "M-002")
    assert result.output == f"Created M-002: User authentication ({ACTIVE}/M-002.yaml)\n"
    text = path.read_text()
    assert text.startswith("# Milestone M-002.")
    data = yaml.safe_load(text)
    assert list(data)[:3] == ["schema_version", "id", "title"]
    assert data["schema_version"] == 1
    assert data["title"] == "User authentication"
    assert data["description"] == "Sign-up, login and sessions"
    assert (data["priority"], data["category"], data["status"]) == (
        "high",
        "infrastructure",
        "planned",
    )
    assert data["timeline"] == {
        "estimated_start": dt.date(2026, 11, 2),
        "estimated_end": dt.date(2026, 12, 18),
        "estimated_hours": 80,
        "buffer_percentage": 15,
    }
    assert data["dependencies"] == {"requires": ["M-001"], "enables": [], "external": []}
    assert data["tasks"] == []


def test_new_takes_defaults_from_the_config(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    cfg = initialized / ".milestones/config/milestone-config.yaml"
    text = cfg.read_text().replace("priority: medium", "priority: low")
    cfg.write_text(text.replace("buffer_percentage: 20", "buffer_percentage: 35"))

    run_cli("new", "Docs")

    data = yaml.safe_load(ms_file(initialized, "M-001").read_text())
    assert data["priority"] == "low"
    assert data["category"] == "feature"
    assert data["timeline"]["buffer_percentage"] == 35
    assert data["timeline"]["estimated_end"] is None


def test_new_numbers_milestones_in_sequence(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    outputs = [run_cli("new", title).output for title in ("One", "Two", "Three")]

    assert [o.split(":")[0] for o in outputs] == ["Created M-001", "Created M-002", "Created M-003"]
    assert sorted(p.name for p in (initialized / ACTIVE).glob("*.yaml")) == [
        "M-001.yaml",
        "M-002.yaml",
        "M-003.yaml",
    ]


def test_new_json(initialized: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("new", "API", "--json")

    assert json.loads(result.output) == {"id": "M-001", "path": ".milestones/active/M-001.yaml"}


def test_end_before_start_is_rejected(initialized: Path, run_cli: Callable[..., Result]) -> None:
    before = tree_snapshot(initialized)

    result = run_cli("new", "Backwards", "--start", "2026-12-01", "--end", "2026-11-01")

    assert result.exit_code == 2
    assert "--end is before --start" in result.output
    assert tree_snapshot(initialized) == before


def test_unknown_requires_writes_nothing(initialized: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("new", "Base")
    before = tree_snapshot(initialized)

    result = run_cli("new", "Depends on a ghost", "--requires", "M-009")

    lines = assert_user_error(result, "unknown milestone 'M-009'")
    assert "M-001" in lines[-1]  # the hint suggests the ID that exists
    assert tree_snapshot(initialized) == before


def test_default_ids_carry_a_random_suffix(repo: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("init")

    created = json.loads(run_cli("new", "First", "--json").output)
    task = json.loads(run_cli("task", "add", "M-001", "Setup", "--json").output)

    assert SUFFIXED.match(created["id"])
    assert created["path"] == f".milestones/active/{created['id']}.yaml"
    assert re.match(r"^task-001-[0-9a-z]{4}$", task["id"])


def test_requires_accepts_an_id_prefix(repo: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("init")
    first = json.loads(run_cli("new", "First", "--json").output)["id"]

    second = json.loads(run_cli("new", "Second", "--requires", "M-001", "--json").output)

    data = yaml.safe_load((repo / second["path"]).read_text())
    assert data["dependencies"]["requires"] == [first]


def _keep_both_sides(text: str) -> str:
    """Resolve conflict markers the way a user merging two lists does: keep both."""
    return "".join(
        line
        for line in text.splitlines(keepends=True)
        if not line.startswith(("<<<<<<<", "=======", ">>>>>>>"))
    )


def _new_work(run_cli: Callable[..., Result], title: str, base_id: str) -> tuple[str, str]:
    mid = json.loads(run_cli("new", title, "--json").output)["id"]
    task = json.loads(run_cli("task", "add", base_id, f"{title} task", "--json").output)["id"]
    return mid, task


def test_two_branches_create_ids_that_do_not_collide(
    repo: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("init")
    base_id = json.loads(run_cli("new", "Shared base", "--json").output)["id"]
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Plan the base milestone")
    git(repo, "checkout", "-qb", "a")
    a_milestone, a_task = _new_work(run_cli, "Alpha", base_id)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Plan alpha")
    git(repo, "checkout", "-qb", "b", "main")
    b_milestone, b_task = _new_work(run_cli, "Beta", base_id)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Plan beta")
    git(repo, "checkout", "-q", "a")

    merge = git(repo, "merge", "--no-edit", "b", check=False)
    conflicted = git(repo, "diff", "--name-only", "--diff-filter=U").split()
    for name in conflicted:
        path = repo / name
        path.write_text(_keep_both_sides(path.read_text()))
        git(repo, "add", name)
    if conflicted:
        git(repo, "commit", "-qm", "Merge b")

    assert conflicted in ([], [f".milestones/active/{base_id}.yaml"]), merge
    assert a_milestone.startswith("M-002-") and b_milestone.startswith("M-002-")
    assert a_milestone != b_milestone and a_task != b_task
    assert ms_file(repo, a_milestone).is_file() and ms_file(repo, b_milestone).is_file()
    validated = run_cli("validate")
    assert validated.exit_code == 0, validated.output
    assert "All milestone files are valid." in validated.output
    listed = json.loads(run_cli("task", "list", base_id, "--json").output)
    assert [row["title"] for row in listed] == ["Alpha task", "Beta task"]
