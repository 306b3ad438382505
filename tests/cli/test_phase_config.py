"""Phases configured once: the project's and the milestone's defaults for new tasks, the
per-task override, and the phase deliverables (folders, defaults, `phase deliverable add`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from click.testing import Result

from tests.cli.helpers import assert_user_error, ms_file

CONFIG = ".milestones/config/milestone-config.yaml"


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def tasks(repo: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(ms_file(repo, "M-001").read_text())
    return list(data["tasks"])


def statuses(task: dict[str, Any]) -> dict[str, str] | None:
    kiro = task.get("kiro_workflow")
    if not kiro:
        return None
    return {p: s["status"] for p, s in kiro["phases"].items()}


def configure(repo: Path, old: str, new: str) -> None:
    path = repo / CONFIG
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def add_to_milestone(repo: Path, text: str) -> None:
    path = ms_file(repo, "M-001")
    path.write_text(path.read_text() + text)


def test_tasks_have_no_phases_unless_configured(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    ok(run_cli("new", "Auth"))
    ok(run_cli("task", "add", "M-001", "Plain"))
    ok(run_cli("task", "add", "M-001", "Phased", "--phases"))
    plain, phased = tasks(initialized)
    assert statuses(plain) is None
    assert statuses(phased) == dict.fromkeys(("design", "spec", "task", "execute"), "pending")


def test_project_default_turns_phases_on_and_no_phases_overrides(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    configure(initialized, "new_tasks: false", "new_tasks: true")
    configure(
        initialized,
        "default_phases: [design, spec, task, execute]",
        "default_phases: [spec, execute]",
    )
    ok(run_cli("new", "Auth"))
    ok(run_cli("task", "add", "M-001", "Phased"))
    ok(run_cli("task", "add", "M-001", "Plain", "--no-phases"))
    phased, plain = tasks(initialized)
    assert statuses(phased) == {
        "design": "skipped",
        "spec": "pending",
        "task": "skipped",
        "execute": "pending",
    }
    assert phased["kiro_workflow"]["current_phase"] == "spec"
    assert statuses(plain) is None
    # a skipped phase passes its gate: spec starts at once, and counts as done for progress
    ok(run_cli("phase", "start", "M-001/task-001"))
    assert statuses(tasks(initialized)[0])["spec"] == "in_progress"  # type: ignore[index]
    rows = yaml.safe_load(run_cli("task", "list", "M-001", "--json").output)
    assert rows[0]["progress"] == 35.0  # design 15 + task 20 of 100


def test_milestone_configuration_wins_over_the_project(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    configure(initialized, "new_tasks: false", "new_tasks: true")
    ok(run_cli("new", "Auth"))
    add_to_milestone(
        initialized, "kiro_configuration:\n  enabled: true\n  default_phases: [design, execute]\n"
    )
    ok(run_cli("task", "add", "M-001", "Mine"))
    assert statuses(tasks(initialized)[0]) == {
        "design": "pending",
        "spec": "skipped",
        "task": "skipped",
        "execute": "pending",
    }
    path = ms_file(initialized, "M-001")
    path.write_text(path.read_text().replace("  enabled: true", "  enabled: false"))
    ok(run_cli("task", "add", "M-001", "Off by the milestone"))
    ok(run_cli("task", "add", "M-001", "On by the flag", "--phases"))
    _, off, on = tasks(initialized)
    assert statuses(off) is None
    assert statuses(on) is not None


def test_project_phases_off_means_no_phases(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    configure(initialized, "enabled: true", "enabled: false")
    ok(run_cli("new", "Auth"))
    ok(run_cli("task", "add", "M-001", "Asked for", "--phases"))
    assert statuses(tasks(initialized)[0]) is None


def test_bad_default_phases_is_a_config_error(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    configure(
        initialized, "default_phases: [design, spec, task, execute]", "default_phases: [review]"
    )
    lines = assert_user_error(run_cli("new", "Auth"), "phases.default_phases[0]", "review")
    assert "milestone-config.yaml:" in lines[0]


def phase_of(repo: Path, phase: str, index: int = 0) -> dict[str, Any]:
    return dict(tasks(repo)[index]["kiro_workflow"]["phases"][phase])


def test_phase_start_makes_the_folder_and_writes_default_deliverables(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    configure(
        initialized,
        "  # deliverables:\n  #   design: [architecture_decisions]\n",
        "  deliverables:\n    design: [architecture_decisions]\n",
    )
    ok(run_cli("new", "Auth"))
    ok(run_cli("task", "add", "M-001", "Login", "--phases"))
    ok(run_cli("phase", "start", "M-001/task-001", "design"))
    folder = initialized / ".milestones/deliverables/task-001/design"
    assert folder.is_dir() and (folder / ".gitkeep").exists()
    path = ".milestones/deliverables/task-001/design/architecture_decisions.md"
    assert phase_of(initialized, "design")["deliverables"] == [
        {"name": "architecture_decisions", "path": path}
    ]
    assert_user_error(
        run_cli("phase", "complete", "M-001/task-001", "design"), "architecture_decisions.md"
    )
    (initialized / path).write_text("# Decisions\n")
    ok(run_cli("phase", "complete", "M-001/task-001", "design"))


def test_deliverable_add_is_enforced_by_phase_complete(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    ok(run_cli("new", "Auth"))
    ok(run_cli("task", "add", "M-001", "Login", "--phases"))
    out = ok(run_cli("phase", "deliverable", "add", "M-001/task-001", "spec", "docs/api.md"))
    assert "Added deliverable docs/api.md to spec of M-001/task-001 (missing" in out
    assert phase_of(initialized, "spec")["deliverables"] == [
        {"name": "api.md", "path": "docs/api.md"}
    ]
    ok(run_cli("phase", "start", "M-001/task-001", "design"))
    ok(run_cli("phase", "complete", "M-001/task-001", "design"))
    ok(run_cli("phase", "approve", "M-001/task-001", "design"))
    ok(run_cli("phase", "start", "M-001/task-001", "spec"))
    assert_user_error(run_cli("phase", "complete", "M-001/task-001", "spec"), "docs/api.md")
    (initialized / "docs").mkdir()
    (initialized / "docs/api.md").write_text("api\n")
    ok(run_cli("phase", "complete", "M-001/task-001", "spec"))
    # a completed phase's deliverables no longer change
    assert_user_error(
        run_cli("phase", "deliverable", "add", "M-001/task-001", "spec", "docs/more.md"),
        "spec of M-001/task-001 is completed",
    )


def test_deliverable_add_refuses_paths_outside_and_duplicates(
    initialized: Path, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    ok(run_cli("new", "Auth"))
    ok(run_cli("task", "add", "M-001", "Login", "--phases"))
    ok(run_cli("task", "add", "M-001", "Plain", "--no-phases"))
    before = ms_file(initialized, "M-001").read_text()
    ref = "M-001/task-001"
    assert_user_error(run_cli("phase", "deliverable", "add", ref, "design", "../x.md"), "'..'")
    assert_user_error(
        run_cli("phase", "deliverable", "add", ref, "design", "/etc/passwd"), "relative"
    )
    (initialized / "out").symlink_to(tmp_path)
    assert_user_error(run_cli("phase", "deliverable", "add", ref, "design", "out/x.md"), "outside")
    assert_user_error(
        run_cli("phase", "deliverable", "add", "M-001/task-002", "design", "a.md"),
        "does not use phases",
    )
    assert ms_file(initialized, "M-001").read_text() == before
    ok(run_cli("phase", "deliverable", "add", ref, "design", "docs/"))
    assert_user_error(run_cli("phase", "deliverable", "add", ref, "design", "docs"), "already")
