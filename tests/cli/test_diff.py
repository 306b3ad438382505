"""`git milestone diff`: the plan between two revisions, from blobs and each side's facts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from jsonschema import Draft202012Validator

from gitmilestone.resources import schema_path
from tests.cli.diffrepo import DATE, commit, reviewed_repo
from tests.cli.helpers import assert_user_error, ms_file, write_unchecked
from tests.conftest import git


@pytest.fixture
def reviewed(
    initialized: Path,
    run_cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    monkeypatch.setenv("GIT_MILESTONE_DATE", DATE)
    reviewed_repo(initialized, run_cli, tmp_path_factory.mktemp)
    return initialized


def short(root: Path, rev: str) -> str:
    return git(root, "rev-parse", "--short=7", rev).strip()


def test_markdown_shows_every_change_of_the_branch(
    reviewed: Path, run_cli: Callable[..., Result]
) -> None:
    result = run_cli("diff", "main...feature", "--format", "markdown")

    assert result.exit_code == 0, result.output
    out = result.output
    assert out.splitlines()[0] == "<!-- git-milestone diff -->"
    assert "| Project progress | 0% | " in out
    assert f"task-001 completed by {short(reviewed, 'feature~2')} (trailer)" in out
    assert f"task-002 completed by {short(reviewed, 'feature~1')} (trailer)" in out
    assert "timeline.estimated_end: 2026-11-20 → 2026-11-25" in out
    assert "risk M-001/R-001 added: Auth provider late (score 1.5)" in out
    assert 'task-002 "Screenshots" added' in out
    assert (
        "| M-001 Build the API | 2 tasks completed, 1 risk added, timeline changed | 0% → 66.67% |"
        in out
    )
    assert out.index("| Milestone |") < out.index("<details>")


def test_text_is_plain_when_piped_and_the_json_matches_its_schema(
    reviewed: Path, run_cli: Callable[..., Result]
) -> None:
    text = run_cli("diff", "main...feature")
    data = json.loads(run_cli("diff", "main...feature", "--json").output)

    assert "\x1b[" not in text.output
    assert text.output.startswith("Plan changes: merge-base(main, feature) → feature")
    assert "  Project progress: 0% → " in text.output
    schema = json.loads(schema_path("diff").read_text())
    assert list(Draft202012Validator(schema).iter_errors(data)) == []
    completed = [t for m in data["milestones"] for t in m["tasks"] if t["change"] == "completed"]
    assert [(t["id"], t["by"]) for t in completed] == [
        ("task-001", "trailer"),
        ("task-002", "trailer"),
    ]
    assert {(f["task"], f["source"]) for f in data["facts"]} == {
        ("task-001", "trailer"),
        ("task-002", "trailer"),
    }


def test_colour_when_asked(reviewed: Path, run_cli: Callable[..., Result]) -> None:
    assert "\x1b[32m" in run_cli("diff", "main...feature", "--color").output


def test_exit_code_says_whether_the_plan_changed(
    reviewed: Path, run_cli: Callable[..., Result]
) -> None:
    assert run_cli("diff", "main...feature", "--exit-code").exit_code == 1
    same = run_cli("diff", "main", "main", "--exit-code")
    assert same.exit_code == 0
    assert "No plan changes." in same.output
    assert run_cli("diff", "main...feature").exit_code == 0


def test_default_compares_the_merge_base_with_the_work_tree(
    reviewed: Path, run_cli: Callable[..., Result]
) -> None:
    path = ms_file(reviewed, "M-002")
    path.write_text(path.read_text().replace("Ship the docs", "Ship the handbook"))

    data = json.loads(run_cli("diff", "--json").output)

    assert data["to"] == {"label": "work tree", "commit": None}
    assert data["from"]["commit"] == git(reviewed, "rev-parse", "main").strip()
    m2 = next(m for m in data["milestones"] if m["id"] == "M-002")
    assert {"field": "title", "before": "Ship the docs", "after": "Ship the handbook"} in m2[
        "fields"
    ]


def test_two_dots_compare_the_revisions_themselves(
    reviewed: Path, run_cli: Callable[..., Result]
) -> None:
    data = json.loads(run_cli("diff", "feature~1..feature", "--json").output)

    m1 = next(m for m in data["milestones"] if m["id"] == "M-001")
    assert [t["id"] for t in m1["tasks"]] == []  # both completions are before feature~1
    assert m1["progress_before"] == m1["progress_after"] == 66.67


def test_a_note_counts_only_on_the_branch_that_holds_its_commit(
    reviewed: Path, run_cli: Callable[..., Result]
) -> None:
    event = {
        "v": 1,
        "id": "0123456789abcdef",
        "timestamp": "2026-11-09T10:00:00Z",
        "event_type": "task_completed",
        "milestone_id": "M-002",
        "task_id": "task-001",
        "details": {},
        "source": "note",
    }
    git(reviewed, "notes", "--ref=milestones", "add", "-m", json.dumps(event), "feature")

    on_branch = run_cli("diff", "main...feature").output
    on_main = run_cli("diff", "feature...main", "--json").output
    in_work_tree = run_cli("diff").output

    assert f"task-001 completed by {short(reviewed, 'feature')} (note)" in on_branch
    assert json.loads(on_main)["milestones"] == []
    assert f"task-001 completed by {short(reviewed, 'feature')} (note)" in in_work_tree


def test_bare_repository_needs_both_revisions(
    reviewed: Path, tmp_path: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = tmp_path / "server.git"
    git(tmp_path, "clone", "-q", "--bare", str(reviewed), str(bare))
    monkeypatch.chdir(bare)

    data = json.loads(run_cli("diff", "main...feature", "--json").output)
    alone = run_cli("diff", "main")

    assert [m["id"] for m in data["milestones"]] == ["M-001", "M-002"]
    assert data["project"]["progress"]["after"] > 0
    assert_user_error(alone, "bare repository has no work tree")


def test_shallow_clone_with_both_revisions(
    reviewed: Path, tmp_path: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = tmp_path / "ci"
    url = f"file://{reviewed}"
    git(tmp_path, "clone", "-q", "--depth", "4", "--no-single-branch", url, str(clone))
    monkeypatch.chdir(clone)

    result = run_cli("diff", "origin/main...origin/feature", "--format", "markdown")

    assert result.exit_code == 0, result.output
    assert "task-002 completed by" in result.output


def test_revisions_are_never_options(reviewed: Path, run_cli: Callable[..., Result]) -> None:
    assert_user_error(
        run_cli("diff", "--", "--output=/tmp/x"), "unknown revision '--output=/tmp/x'"
    )
    assert_user_error(run_cli("diff", "nope...feature"), "unknown revision 'nope'")


def test_invalid_file_at_a_revision_is_reported_with_its_path(
    reviewed: Path, run_cli: Callable[..., Result]
) -> None:
    path = ms_file(reviewed, "M-002")
    path.write_text(path.read_text().replace("priority: medium", "priority: urgent"))
    commit(reviewed, "Break it")

    assert_user_error(run_cli("diff", "main", "feature"), ".milestones/active/M-002.yaml")


def test_a_new_cycle_is_shown(reviewed: Path, run_cli: Callable[..., Result]) -> None:
    # A merge or a hand edit can leave a cycle (`set` refuses to write one): the diff shows it.
    write_unchecked(reviewed, "M-001", "dependencies.requires=[M-002]")
    commit(reviewed, "Cycle")

    data = json.loads(run_cli("diff", "main...feature", "--json").output)

    assert data["project"]["new_cycle"] == ["M-001", "M-002", "M-001"] or set(
        data["project"]["new_cycle"]
    ) == {"M-001", "M-002"}
    assert data["project"]["finish"]["after"] is None


def test_both_sides_on_two_cores_give_what_one_core_gives() -> None:
    from gitmilestone.git.fork import both

    first, second = both(lambda: {"p85": "2027-01-04"}, lambda: [1, 2], parallel=True)

    assert (first, second) == ({"p85": "2027-01-04"}, [1, 2])


def test_phases_started_completed_approved_and_the_gate_now_waiting(
    reviewed: Path, run_cli: Callable[..., Result]
) -> None:
    for args in (
        ("task", "add", "M-002", "Diagrams", "--phases"),
        ("phase", "start", "M-002/task-003"),
        ("phase", "complete", "M-002/task-003"),
    ):
        assert run_cli(*args).exit_code == 0
    commit(reviewed, "Design the diagrams")
    waiting = json.loads(run_cli("diff", "main...feature", "--json").output)
    assert run_cli("phase", "approve", "M-002/task-003").exit_code == 0
    commit(reviewed, "Approve the design")

    approved = run_cli("diff", "feature~1", "feature").output

    assert {"milestone": "M-002", "task": "task-003", "gate": "design_to_spec",
            "phase": "design"} in waiting["gates_waiting"]  # fmt: skip
    assert "~ task-003 design approved by test@example.com" in approved


def test_a_bad_trailer_is_skipped_with_one_warning(
    reviewed: Path, run_cli: Callable[..., Result]
) -> None:
    commit(reviewed, "Oops\n\nProgress: M-001/task-003 500\n", allow_empty=True)

    result = run_cli("diff", "main...feature")

    assert result.exit_code == 0
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.output
    assert "(skipped)" in warnings[0]


def test_markdown_escapes_what_users_typed(reviewed: Path, run_cli: Callable[..., Result]) -> None:
    assert run_cli("set", "M-002", "title=<img src=x onerror=alert(1)> | x").exit_code == 0
    commit(reviewed, "Retitle")

    out = run_cli("diff", "main...feature", "--format", "markdown").output

    assert "<img" not in out
    assert "| M-002 &lt;img src=x onerror=alert(1)&gt; &#124; x |" in out


def test_a_large_plan_on_two_cores_gives_the_same_diff(
    reviewed: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    one_core = run_cli("diff", "main...feature", "--json").output
    (reviewed / ".git/milestones/blobs.cache").unlink()
    monkeypatch.setattr("gitmilestone.commands.diff.PARALLEL_FROM", 0)
    monkeypatch.setattr("gitmilestone.storage.revision.PARALLEL_FROM", 0)

    assert run_cli("diff", "main...feature", "--json").output == one_core
