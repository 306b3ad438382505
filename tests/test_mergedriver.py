"""The `merge=milestone` driver in real `git merge`s, installed by `git milestone install`."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from tests.cli.helpers import assert_user_error
from tests.conftest import Prebuilt, git

FILE = ".milestones/active/M-001.yaml"

BASE = """\
# Milestone M-001: sign-in work
schema_version: 1
id: M-001
title: Auth
priority: medium
category: feature
status: planned
timeline:
  estimated_start: '2026-11-01'
  estimated_end: '2026-11-30'
  estimated_hours: 40
success_criteria:
- Users can log in
- Sessions expire
tasks:
- id: task-001
  title: Login
  status: pending
  estimated_hours: 4
- id: task-002
  title: Logout
  status: pending
  estimated_hours: 2
- id: task-003
  title: Reset password
  status: pending
  estimated_hours: 3
risks:
- id: risk-001
  description: OAuth provider changes its API
  probability: 0.2
  impact: medium
"""


@pytest.fixture
def plan(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:
    """A planned repository with the driver installed, M-001 committed on main."""

    def build(root: Path) -> None:
        assert run_cli("install").exit_code == 0
        (root / FILE).write_text(BASE)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "Plan auth")

    prebuilt("test_mergedriver.plan", build)
    return initialized


def side(root: Path, branch: str, text: str, start: str = "main") -> None:
    """Commit `text` as the milestone file on `branch`, made from `start`."""
    git(root, "checkout", "-q", "-B", branch, start)
    (root / FILE).write_bytes(text.encode())
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"Edit on {branch}")


def merge(root: Path, ours: str, theirs: str) -> subprocess.CompletedProcess[str]:
    """Commit both sides from main and merge `theirs` into `ours` with plain git."""
    side(root, "theirs", theirs)
    side(root, "ours", ours)
    return subprocess.run(
        ["git", "merge", "--no-edit", "theirs"], cwd=root, capture_output=True, text=True
    )


def data(root: Path) -> Any:
    return yaml.safe_load((root / FILE).read_text())


def task(root: Path, tid: str) -> dict[str, Any]:
    return next(t for t in data(root)["tasks"] if t["id"] == tid)


def test_install_registers_the_driver_and_init_the_attribute(plan: Path) -> None:
    assert "merge.milestone.driver" in git(plan, "config", "--list")
    assert ".milestones/**/*.yaml merge=milestone" in (plan / ".gitattributes").read_text()
    out = git(plan, "check-attr", "merge", "--", FILE)
    assert out.strip().endswith("merge: milestone")


def test_different_fields_on_neighbouring_lines_merge_cleanly(plan: Path) -> None:
    ours = BASE.replace("  title: Login\n", "  title: Sign in\n")
    theirs = BASE.replace(
        "  title: Login\n  status: pending", "  title: Login\n  status: completed"
    )

    proc = merge(plan, ours, theirs)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert task(plan, "task-001") == {
        "id": "task-001", "title": "Sign in", "status": "completed", "estimated_hours": 4
    }  # fmt: skip
    assert (plan / FILE).read_text().startswith("# Milestone M-001: sign-in work\n")


def test_nested_timeline_fields_merge_cleanly(plan: Path) -> None:
    ours = BASE.replace("estimated_end: '2026-11-30'", "estimated_end: '2026-12-15'")
    theirs = BASE.replace("estimated_hours: 40", "estimated_hours: 56")

    assert merge(plan, ours, theirs).returncode == 0

    assert data(plan)["timeline"] == {
        "estimated_start": "2026-11-01", "estimated_end": "2026-12-15", "estimated_hours": 56
    }  # fmt: skip


NEW_TASK = "- id: {tid}\n  title: {title}\n  status: pending\nrisks:\n"


def add_task(text: str, tid: str, title: str) -> str:
    return text.replace("risks:\n", NEW_TASK.format(tid=tid, title=title), 1)


def test_tasks_added_on_both_sides_are_both_kept_ours_first(plan: Path) -> None:
    ours = add_task(BASE, "task-004", "Remember me")
    theirs = add_task(BASE, "task-005", "Two-factor").replace(
        "  title: Two-factor\n", "  title: Two-factor  # needs the SMS provider\n"
    )

    assert merge(plan, ours, theirs).returncode == 0

    ids = [t["id"] for t in data(plan)["tasks"]]
    assert ids == ["task-001", "task-002", "task-003", "task-004", "task-005"]
    assert "  title: Two-factor  # needs the SMS provider\n" in (plan / FILE).read_text()


def test_same_new_task_id_on_both_sides_renames_theirs_and_says_so(plan: Path) -> None:
    ours = add_task(BASE, "task-004", "Remember me")
    theirs = add_task(BASE, "task-004", "Two-factor")

    proc = merge(plan, ours, theirs)

    assert proc.returncode == 0
    assert "both sides added tasks item task-004; theirs is now task-005" in proc.stderr
    titles = {t["id"]: t["title"] for t in data(plan)["tasks"]}
    assert titles["task-004"] == "Remember me" and titles["task-005"] == "Two-factor"


def test_same_field_changed_differently_conflicts_on_that_value_only(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    ours = BASE.replace("  title: Logout\n  status: pending", "  title: Logout\n  status: blocked")
    theirs = BASE.replace(
        "  title: Logout\n  status: pending", "  title: Logout\n  status: completed"
    )
    theirs = theirs.replace("estimated_hours: 40", "estimated_hours: 44")

    proc = merge(plan, ours, theirs)

    assert proc.returncode != 0
    assert "CONFLICT" in proc.stdout
    text = (plan / FILE).read_text()
    block = "<<<<<<< ours\n  status: blocked\n=======\n  status: completed\n>>>>>>> theirs\n"
    assert block in text
    assert "estimated_hours: 44" in text  # the clean part of the merge is done
    line = text.splitlines().index("<<<<<<< ours") + 1
    lines = assert_user_error(run_cli("status"), "has unresolved merge conflict markers")
    assert f"{FILE}:{line}" in lines[0]
    result = run_cli("validate")
    assert result.exit_code == 1
    assert f"{FILE}:{line}: field 'tasks.task-002.status'" in result.output
    assert f"{FILE} has unresolved merge conflict markers at line {line}" in result.output


def test_a_side_that_is_not_yaml_falls_back_to_a_text_merge(plan: Path) -> None:
    ours = BASE.replace("title: Auth\n", "title: Auth: [unclosed\n")
    theirs = BASE.replace("  estimated_hours: 40", "  estimated_hours: 50")

    proc = merge(plan, ours, theirs)

    assert proc.returncode == 0
    text = (plan / FILE).read_text()
    assert "title: Auth: [unclosed" in text and "estimated_hours: 50" in text


def test_text_fallback_keeps_both_sides_between_markers(plan: Path) -> None:
    ours = "- just\n- a list\n"
    theirs = "a mapping: 1\n"

    proc = merge(plan, ours, theirs)

    assert proc.returncode != 0
    text = (plan / FILE).read_text()
    assert "- a list" in text and "a mapping: 1" in text and "<<<<<<< ours" in text


def test_a_key_deleted_on_one_side_and_another_edited_on_the_other(plan: Path) -> None:
    ours = BASE.replace("category: feature\n", "")
    theirs = BASE.replace("priority: medium", "priority: high")

    assert merge(plan, ours, theirs).returncode == 0

    assert "category" not in data(plan) and data(plan)["priority"] == "high"


def test_task_deleted_on_one_side_and_edited_on_the_other_conflicts_on_that_task(
    plan: Path,
) -> None:
    removed = "- id: task-002\n  title: Logout\n  status: pending\n  estimated_hours: 2\n"
    ours = BASE.replace(removed, "").replace("title: Auth", "title: Auth v2")
    theirs = BASE.replace("  title: Logout\n", "  title: Sign out\n")

    proc = merge(plan, ours, theirs)

    assert proc.returncode != 0
    text = (plan / FILE).read_text()
    assert "<<<<<<< ours\n=======\n- id: task-002\n  title: Sign out\n" in text
    assert "title: Auth v2" in text


def test_a_reorder_on_one_side_keeps_the_edit_of_the_other(plan: Path) -> None:
    first = "- id: task-001\n  title: Login\n  status: pending\n  estimated_hours: 4\n"
    ours = BASE.replace(first, "").replace("risks:\n", first + "risks:\n", 1)
    theirs = BASE.replace("  title: Reset password\n  status: pending",
                          "  title: Reset password\n  status: in_progress")  # fmt: skip

    assert merge(plan, ours, theirs).returncode == 0

    assert [t["id"] for t in data(plan)["tasks"]] == ["task-002", "task-003", "task-001"]
    assert task(plan, "task-003")["status"] == "in_progress"


def test_comments_added_on_both_sides_are_kept(plan: Path) -> None:
    ours = BASE.replace("title: Auth\n", "title: Auth  # the product name\n")
    theirs = BASE.replace("risks:\n", "# risks reviewed weekly\nrisks:\n")
    theirs = theirs.replace("  estimated_hours: 3\n", "  estimated_hours: 5\n")

    assert merge(plan, ours, theirs).returncode == 0

    text = (plan / FILE).read_text()
    assert "# the product name" in text and "# risks reviewed weekly" in text
    assert task(plan, "task-003")["estimated_hours"] == 5


def test_ours_comments_survive_a_structural_merge(plan: Path) -> None:
    ours = BASE.replace("  title: Login\n", "  title: Sign in  # wording from UX\n")
    theirs = BASE.replace(
        "  title: Login\n  status: pending", "  title: Login\n  status: completed"
    )

    assert merge(plan, ours, theirs).returncode == 0

    text = (plan / FILE).read_text()
    assert "title: Sign in  # wording from UX" in text
    assert "# Milestone M-001: sign-in work" in text
    assert task(plan, "task-001")["status"] == "completed"


def test_crlf_files_merge_and_stay_crlf(plan: Path) -> None:
    crlf = BASE.replace("\n", "\r\n")
    side(plan, "main", crlf)
    ours = crlf.replace("  title: Login\r\n", "  title: Sign in\r\n")
    theirs = crlf.replace("  title: Login\r\n  status: pending",
                          "  title: Login\r\n  status: completed")  # fmt: skip

    assert merge(plan, ours, theirs).returncode == 0

    raw = (plan / FILE).read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")
    assert task(plan, "task-001")["title"] == "Sign in"
    assert task(plan, "task-001")["status"] == "completed"


def test_the_same_change_on_both_sides_is_taken_once(plan: Path) -> None:
    both = add_task(BASE, "task-004", "Audit log").replace("priority: medium", "priority: high")

    assert merge(plan, both, both).returncode == 0

    assert (plan / FILE).read_text() == both


def test_a_file_added_on_both_sides_merges_by_task(plan: Path) -> None:
    path = ".milestones/active/M-002.yaml"
    head = "schema_version: 1\nid: M-002\ntitle: Billing\ntasks:\n"
    for branch, body in (("theirs", "- id: task-001\n  title: Invoices\n"),
                         ("ours", "- id: task-002\n  title: Refunds\n")):  # fmt: skip
        git(plan, "checkout", "-q", "-B", branch, "main")
        (plan / path).write_text(head + body)
        git(plan, "add", "-A")
        git(plan, "commit", "-q", "-m", f"Billing on {branch}")

    proc = subprocess.run(["git", "merge", "--no-edit", "theirs"], cwd=plan, capture_output=True)

    assert proc.returncode == 0
    tasks = yaml.safe_load((plan / path).read_text())["tasks"]
    assert [t["id"] for t in tasks] == ["task-002", "task-001"]


def test_scalar_lists_merge_additions_and_removals(plan: Path) -> None:
    ours = BASE.replace("- Sessions expire\n", "- Sessions expire\n- Password rules enforced\n")
    theirs = BASE.replace("- Users can log in\n", "").replace(
        "- Sessions expire\n", "- Sessions expire\n- Audit trail kept\n"
    )

    assert merge(plan, ours, theirs).returncode == 0

    assert data(plan)["success_criteria"] == [
        "Sessions expire", "Password rules enforced", "Audit trail kept"
    ]  # fmt: skip


def test_uninstall_removes_only_its_own_config_and_line(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    attributes = plan / ".gitattributes"
    attributes.write_text("*.png binary\n" + attributes.read_text())

    result = run_cli("uninstall")

    assert result.exit_code == 0
    assert attributes.read_text() == "*.png binary\n"
    assert "merge.milestone" not in git(plan, "config", "--list")


def test_init_keeps_existing_attributes(repo: Path, run_cli: Callable[..., Result]) -> None:
    (repo / ".gitattributes").write_text("*.sh text eol=lf")

    assert run_cli("init").exit_code == 0
    assert run_cli("init").exit_code == 0

    text = (repo / ".gitattributes").read_text()
    assert text == "*.sh text eol=lf\n.milestones/**/*.yaml merge=milestone\n"


def test_a_flow_style_item_both_sides_changed_is_written_in_block_style(plan: Path) -> None:
    flow = BASE.replace(
        "- id: task-001\n  title: Login\n  status: pending\n  estimated_hours: 4\n",
        "- {id: task-001, title: Login, status: pending}  # one line per task here\n",
    )
    side(plan, "main", flow)
    ours = flow.replace("title: Login,", "title: Sign in,")
    theirs = flow.replace("status: pending}", "status: completed}")

    assert merge(plan, ours, theirs).returncode == 0

    assert task(plan, "task-001") == {"id": "task-001", "title": "Sign in", "status": "completed"}
    assert "# Milestone M-001: sign-in work" in (plan / FILE).read_text()


def test_a_conflict_on_the_first_key_of_an_item_uses_the_slower_writer(plan: Path) -> None:
    titled_first = BASE.replace(
        "- id: task-002\n  title: Logout\n", "- title: Logout\n  id: task-002\n"
    )
    side(plan, "main", titled_first)
    ours = titled_first.replace("- title: Logout\n", "- title: Log out\n")
    theirs = titled_first.replace("- title: Logout\n", "- title: Sign out\n")

    assert merge(plan, ours, theirs).returncode != 0

    text = (plan / FILE).read_text()
    assert "<<<<<<< ours\n- title: Log out\n=======\n- title: Sign out\n>>>>>>> theirs\n" in text
    assert text.startswith("# Milestone M-001: sign-in work\n")
