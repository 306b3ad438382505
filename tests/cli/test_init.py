from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from tests.conftest import git, tree_snapshot

CONFIGS = (
    "config/milestone-config.yaml",
    "config/storage-config.yaml",
    "config/ui-config.yaml",
)


def test_init_creates_the_layout(repo: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("init")

    assert result.exit_code == 0, result.output
    base = repo / ".milestones"
    for folder in ("config", "active", "completed", "deliverables"):
        assert (base / folder).is_dir()
    for rel in (*CONFIGS, "completed/lessons-learned.md"):
        assert (base / rel).is_file()
        assert f"created  .milestones/{rel}" in result.output
    assert "# Lessons learned" in (base / "completed/lessons-learned.md").read_text()
    assert result.output.rstrip().splitlines()[-1].startswith("Next: git milestone new")


def test_init_touches_nothing_outside_milestones_but_gitattributes(
    repo: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("init")

    untracked = git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert "?? .gitattributes" in untracked
    assert all(line.startswith("?? .milestones/") for line in untracked if "attributes" not in line)


@pytest.mark.parametrize("rel", CONFIGS)
def test_config_files_explain_themselves(
    repo: Path, run_cli: Callable[..., Result], rel: str
) -> None:
    run_cli("init")

    text = (repo / ".milestones" / rel).read_text()
    assert sum("# " in line for line in text.splitlines()) >= 2
    assert yaml.safe_load(text)["schema_version"] == 1


def test_default_config_asks_for_collision_free_ids(
    repo: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("init")

    config = yaml.safe_load((repo / ".milestones/config/milestone-config.yaml").read_text())
    assert config["ids"] == {
        "milestone_prefix": "M",
        "task_prefix": "task",
        "digits": 3,
        "suffix_length": 4,
    }
    assert config["phases"]["weights"] == {"design": 15, "spec": 25, "task": 20, "execute": 40}


def test_init_again_changes_nothing(repo: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("init")
    before = tree_snapshot(repo)

    result = run_cli("init")

    assert result.exit_code == 0
    assert "created" not in result.output
    assert "exists   .milestones/config/milestone-config.yaml" in result.output
    assert "Next:" not in result.output
    assert tree_snapshot(repo) == before


def test_init_never_overwrites_a_changed_config(repo: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("init")
    ui = repo / ".milestones/config/ui-config.yaml"
    ui.write_text("# ours\nschema_version: 1\nlevel: rich\n")
    lessons = repo / ".milestones/completed/lessons-learned.md"
    lessons.write_text("# Lessons learned\n\nOur own notes.\n")
    (repo / ".milestones/config/storage-config.yaml").unlink()

    result = run_cli("init")

    assert result.exit_code == 0
    assert ui.read_text() == "# ours\nschema_version: 1\nlevel: rich\n"
    assert lessons.read_text() == "# Lessons learned\n\nOur own notes.\n"
    assert "created  .milestones/config/storage-config.yaml" in result.output
    assert "exists   .milestones/config/ui-config.yaml" in result.output


def test_init_json_reports_each_path(repo: Path, run_cli: Callable[..., Result]) -> None:
    first = json.loads(run_cli("init", "--json").output)
    second = json.loads(run_cli("init", "--json").output)

    paths = {row["path"] for row in first}
    assert {".milestones/active/", ".milestones/config/milestone-config.yaml"} <= paths
    assert all(row["created"] for row in first)
    assert not any(row["created"] for row in second)


def test_init_from_a_subdirectory_uses_the_repository_root(
    repo: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = repo / "src" / "app"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)

    assert run_cli("init").exit_code == 0

    assert (repo / ".milestones/active").is_dir()
    assert not (sub / ".milestones").exists()
