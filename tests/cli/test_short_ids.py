"""Short milestone and task IDs in trailers and branch names, with the default random ID
suffixes, through real `git commit`s firing the installed hooks."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import Prebuilt, git

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    """The commit message the README's Trailers section shows, letter for letter."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## Trailers\n") :]
    return section.split("```\n", 2)[1]


@pytest.fixture
def planned(repo: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> dict[str, str]:
    """`init` (hooks installed, random ID suffixes) and M-001 with four tasks, committed.
    Returns the short ID -> full ID of the milestone and its tasks."""

    def build(root: Path) -> dict[str, str]:
        assert run_cli("init").exit_code == 0
        mid = json.loads(run_cli("new", "Auth", "--hours", "8", "--json").output)["id"]
        ids = {"M-001": mid}
        for n in range(1, 5):
            added = run_cli("task", "add", "M-001", f"Task {n}", "--hours", "2").output
            ids[f"task-00{n}"] = added.split()[1].split("/")[1].rstrip(":")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "Plan")
        return ids

    ids: dict[str, str] = prebuilt("test_short_ids.planned", build)
    return ids


def commit(repo: Path, message: str) -> subprocess.CompletedProcess[str]:
    (repo / "work.txt").write_text(message)
    git(repo, "add", "work.txt")
    return subprocess.run(
        ["git", "commit", "-q", "-F", "-"],
        cwd=repo,
        input=message,
        capture_output=True,
        text=True,
        check=False,
    )


def task_states(run_cli: Callable[..., Result]) -> dict[str, tuple[str, int]]:
    shown = json.loads(run_cli("show", "M-001", "--json").output)["computed"]
    return {t["id"][:8]: (t["status"], t["progress"]) for t in shown["task_list"]}


def test_the_readme_trailer_block_works_letter_for_letter(
    repo: Path, planned: dict[str, str], run_cli: Callable[..., Result]
) -> None:
    example = readme_example()
    assert "Completes: M-001/task-003\n" in example
    proc = commit(repo, example)

    assert proc.returncode == 0, proc.stderr
    mid, t3, t4 = planned["M-001"], planned["task-003"], planned["task-004"]
    body = git(repo, "log", "-1", "--format=%B")
    assert f"Completes: {mid}/{t3}\n" in body
    assert f"Progress: {mid}/{t4} 40\n" in body
    assert "Time-Spent: 1h30m\n" in body
    assert proc.stderr.count("\n") == 1
    assert "wrote the full IDs in the message: M-001/task-003 -> " in proc.stderr
    assert task_states(run_cli) == {
        "task-001": ("pending", 0),
        "task-002": ("pending", 0),
        "task-003": ("completed", 100),
        "task-004": ("in_progress", 40),
    }


def test_numbers_compare_as_numbers(
    repo: Path, planned: dict[str, str], run_cli: Callable[..., Result]
) -> None:
    proc = commit(repo, "Reset\n\nCompletes: M-001/task-3\n")

    assert proc.returncode == 0, proc.stderr
    assert f"Completes: {planned['M-001']}/{planned['task-003']}" in git(
        repo, "log", "-1", "--format=%B"
    )
    assert task_states(run_cli)["task-003"] == ("completed", 100)


def test_a_task_prefix_under_a_full_milestone_id_counts(
    repo: Path, planned: dict[str, str], run_cli: Callable[..., Result]
) -> None:
    proc = commit(repo, f"Half\n\nProgress: {planned['M-001']}/task-002 40\n")

    assert proc.returncode == 0, proc.stderr
    assert task_states(run_cli)["task-002"] == ("in_progress", 40)
    sessions = run_cli("sessions", "--json").output
    assert 'task-002"' not in sessions  # no made-up task named by the prefix


def test_an_unknown_task_is_refused_with_candidates(
    repo: Path, planned: dict[str, str], run_cli: Callable[..., Result]
) -> None:
    proc = commit(repo, f"Done\n\nCompletes: {planned['M-001']}/task-099\n")

    assert proc.returncode == 1
    assert f"there is no task task-099 in {planned['M-001']}; did you mean" in proc.stderr
    assert git(repo, "log", "-1", "--format=%s") == "Plan\n"


def test_an_ambiguous_prefix_is_refused_listing_both(
    repo: Path, planned: dict[str, str], run_cli: Callable[..., Result]
) -> None:
    original = repo / ".milestones/active" / f"{planned['M-001']}.yaml"
    twin = original.with_name("M-001-zz99.yaml")
    twin.write_text(original.read_text().replace(planned["M-001"], "M-001-zz99"))

    proc = commit(repo, "Done\n\nCompletes: M-001/task-001\n")

    assert proc.returncode == 1
    assert f"M-001 names several: {planned['M-001']}, M-001-zz99" in proc.stderr


def test_a_commit_without_milestone_trailers_is_never_refused(
    repo: Path, planned: dict[str, str]
) -> None:
    assert commit(repo, "Just a fix\n\nSigned-off-by: A <a@b.c>\n").returncode == 0


def test_a_branch_named_with_short_ids_adds_the_task(
    repo: Path, planned: dict[str, str], run_cli: Callable[..., Result]
) -> None:
    git(repo, "switch", "-q", "-c", "milestone/M-001/task-003-login")

    proc = commit(repo, "Login form\n")

    assert proc.returncode == 0, proc.stderr
    trailer = f"Task: {planned['M-001']}/{planned['task-003']}"
    assert trailer in git(repo, "log", "-1", "--format=%B")
    assert task_states(run_cli)["task-003"] == ("in_progress", 0)


def test_validate_and_log_flag_a_fact_naming_no_task(
    repo: Path, planned: dict[str, str], run_cli: Callable[..., Result]
) -> None:
    mid = planned["M-001"]
    (repo / "work.txt").write_text("typo")
    git(repo, "add", "work.txt")
    git(repo, "commit", "-q", "--no-verify", "-m", f"Done\n\nCompletes: {mid}/task-099")

    checked = run_cli("validate")
    logged = run_cli("log", mid)

    assert checked.exit_code == 0
    assert "warning: commit " in checked.output
    assert f"Completes: {mid}/task-099 names {mid}/task-099, which is not in the plan" in (
        checked.output
    )
    flagged = [x for x in logged.output.splitlines() if "[no such task in the plan]" in x]
    assert len(flagged) == 1 and "task-099" in flagged[0]
