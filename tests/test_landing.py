"""Facts of a pull request reach main however it lands: merge commit, squash (local, GitHub's
and GitLab's messages) or rebase, done with plain git as a forge would, then `sync` or
`carry` in other clones."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import git
from tests.test_sync import Clones

LOGIN = "Login form\n\nValidates the e-mail address.\n\nCompletes: M-001/task-001\nTime-Spent: 2h"
LOGOUT = "Logout\n\nCompletes: M-001/task-002"
GITHUB = (
    "Add sign-in (#12)\n\n* Login form\n\nValidates the e-mail address.\n\n"
    "Completes: M-001/task-001\nTime-Spent: 2h\n\n* Logout\n\nCompletes: M-001/task-002\n"
)
GITLAB = 'Resolve "Sign-in"\n'  # GitLab's default squash message: the merge request's title


@pytest.fixture
def clones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Clones:
    return Clones(tmp_path, monkeypatch)


def commit(root: Path, name: str, message: str) -> None:
    (root / name).write_text(message)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def pull_request(c: Clones) -> Path:
    """Clone dev: a plan on main, then branch `feature` with two commits carrying trailers
    and note events (task-003's design approved, then blocked), pushed with its notes. main
    moves on meanwhile."""
    dev = c.clone("dev")
    assert c.run(dev, "init", "--no-hooks").exit_code == 0
    config = dev / ".milestones/config/milestone-config.yaml"
    config.write_text(config.read_text().replace("suffix_length: 4", "suffix_length: 0"))
    assert c.run(dev, "new", "Auth").exit_code == 0
    for title in ("Login", "Logout"):
        assert c.run(dev, "task", "add", "M-001", title, "--hours", "4").exit_code == 0
    assert c.run(dev, "task", "add", "M-001", "Reset", "--hours", "4", "--phases").exit_code == 0
    commit(dev, "README", "Plan sign-in")
    git(dev, "push", "-q", "origin", "main")
    git(dev, "checkout", "-q", "-b", "feature")
    commit(dev, "login.txt", LOGIN)
    for step in ("start", "complete", "approve"):  # a phase approval: an event in the notes
        assert c.run(dev, "phase", step, "M-001/task-003", "design").exit_code == 0
    assert c.run(dev, "task", "block", "M-001/task-003", "--reason", "waits for API").exit_code == 0
    commit(dev, "logout.txt", LOGOUT)
    git(dev, "push", "-q", "origin", "feature")
    assert c.run(dev, "sync").exit_code == 0
    forge = c.clone("forge")
    commit(forge, "CHANGELOG", "Unrelated fix on main")
    git(forge, "push", "-q", "origin", "main")
    return dev


def land(c: Clones, how: str) -> None:
    """What the forge does when the pull request is accepted, with plain git."""
    forge = c.base / "forge"
    git(forge, "fetch", "-q", "origin")
    if how == "merge":
        git(forge, "merge", "-q", "--no-ff", "-m", "Merge pull request #12", "origin/feature")
    elif how == "rebase":
        git(forge, "checkout", "-q", "-b", "pr", "origin/feature")
        later = {**os.environ, "GIT_COMMITTER_DATE": "2026-11-03T09:00:00Z"}
        import subprocess

        subprocess.run(["git", "rebase", "-q", "--force-rebase", "main"], cwd=forge, env=later,
                       check=True, capture_output=True)  # fmt: skip
        git(forge, "checkout", "-q", "main")
        git(forge, "merge", "-q", "--ff-only", "pr")
    else:
        git(forge, "merge", "-q", "--squash", "origin/feature")
        if how == "squash":
            git(forge, "commit", "-q", "--no-edit")  # git's own SQUASH_MSG
        else:
            git(forge, "commit", "-q", "-m", GITHUB if how == "github" else GITLAB)
    git(forge, "push", "-q", "origin", "main")


def status(c: Clones, where: Path) -> dict[str, Any]:
    result = c.run(where, "status", "--json")
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout)["milestones"][0])


def log_ids(c: Clones, where: Path) -> list[dict[str, Any]]:
    result = c.run(where, "log", "--jsonl")
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    dups = [i for i, n in Counter(e["id"] for e in events).items() if n > 1]
    assert not dups, f"duplicate event ids on main: {dups}"
    return events


def assert_facts_once(c: Clones, where: Path) -> None:
    git(where, "checkout", "-q", "main")
    git(where, "pull", "-q", "--ff-only", "origin", "main")
    summary = status(c, where)
    assert summary["tasks"]["completed"] == 2
    events = log_ids(c, where)
    kinds = Counter(e["event_type"] for e in events)
    assert kinds["task_blocked"] == 1
    assert kinds["phase_approved"] == 1
    assert kinds["task_completed"] == 2
    assert sum(e["details"].get("time_spent", 0) for e in events) == 2.0


LANDINGS = ["merge", "squash", "github", "gitlab", "rebase"]


@pytest.mark.parametrize("how", LANDINGS)
def test_sync_in_another_clone_brings_the_facts_to_main_once(clones: Clones, how: str) -> None:
    pull_request(clones)
    land(clones, how)
    other = clones.clone("other")

    result = clones.run(other, "sync")

    assert result.exit_code == 0, result.output
    assert_facts_once(clones, other)


@pytest.mark.parametrize("how", ["github"])
def test_two_clones_carrying_the_same_landing_count_it_once(clones: Clones, how: str) -> None:
    dev = pull_request(clones)
    land(clones, how)
    other = clones.clone("other")
    git(dev, "fetch", "-q", "origin")

    carried = clones.run(other, "carry", "--onto", "origin/main", "--json")
    assert clones.run(dev, "sync").exit_code == 0
    assert clones.run(other, "sync").exit_code == 0

    assert carried.exit_code == 0, carried.output
    assert json.loads(carried.stdout)[0]["how"] == ("squash" if how == "github" else "rebase")
    assert_facts_once(clones, other)
    assert_facts_once(clones, dev)


def test_carry_from_a_named_branch_says_what_it_carried(clones: Clones) -> None:
    pull_request(clones)
    land(clones, "gitlab")
    ci = clones.clone("ci")

    result = clones.run(ci, "carry", "--from", "origin/feature", "--onto", "origin/main")
    again = clones.run(ci, "carry", "--from", "origin/feature", "--onto", "origin/main")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("squash ")
    # Without the notes fetched, the three trailer facts; sync brings and carries the note.
    assert "<- 2 commits" in result.output and "carried 3 events" in result.output
    assert "nothing new to carry" in again.output
    assert clones.run(ci, "sync").exit_code == 0
    assert_facts_once(clones, ci)


def test_carry_names_an_unknown_branch(clones: Clones) -> None:
    dev = clones.clone("dev")
    commit(dev, "README", "Start")

    result = clones.run(dev, "carry", "--from", "origin/no-such-branch")

    assert result.exit_code == 1
    assert "no such branch, commit or range: origin/no-such-branch" in result.output


def test_post_merge_carries_a_squash_pulled_into_the_developers_clone(clones: Clones) -> None:
    dev = pull_request(clones)
    assert clones.run(dev, "install").exit_code == 0
    land(clones, "gitlab")
    git(dev, "checkout", "-q", "main")

    import subprocess

    pulled = subprocess.run(["git", "pull", "-q", "--ff-only", "origin", "main"], cwd=dev,
                            capture_output=True, text=True)  # fmt: skip

    assert "events of squashed or rebased branches to their commits here" in pulled.stderr
    assert_facts_once(clones, dev)


def test_a_squash_with_changes_of_its_own_is_known_by_its_commit_list(clones: Clones) -> None:
    pull_request(clones)
    forge = clones.base / "forge"
    git(forge, "fetch", "-q", "origin")
    git(forge, "merge", "-q", "--squash", "origin/feature")
    (forge / "login.txt").write_text("edited while merging\n")  # a suggestion applied on merge
    git(forge, "add", "-A")
    git(forge, "commit", "-q", "-m", GITHUB)
    git(forge, "push", "-q", "origin", "main")
    other = clones.clone("other")

    assert clones.run(other, "sync").exit_code == 0

    assert_facts_once(clones, other)


def test_a_branch_started_after_the_landing_does_not_hide_it(clones: Clones) -> None:
    pull_request(clones)
    land(clones, "gitlab")
    forge = clones.base / "forge"
    git(forge, "checkout", "-q", "-b", "next")
    commit(forge, "reset.txt", "Reset\n\nTask: M-001/task-003")
    git(forge, "push", "-q", "origin", "next")
    other = clones.clone("other")

    assert clones.run(other, "sync").exit_code == 0

    assert_facts_once(clones, other)


def test_the_post_merge_path_stays_stdlib_only() -> None:
    import subprocess
    import sys

    code = (
        "import sys, gitmilestone.hooks.handlers, gitmilestone.git.landing; "
        "print(sorted(m for m in ('yaml', 'click', 'jsonschema', 'pygit2', 'ruamel') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "[]"


def test_a_squash_of_other_files_listing_the_same_subjects_carries_nothing(
    clones: Clones,
) -> None:
    pull_request(clones)
    forge = clones.base / "forge"
    (forge / "other.txt").write_text("another pull request\n")
    git(forge, "add", "-A")
    git(forge, "commit", "-q", "-m", "Other work (#13)\n\n* Login form\n\n* Logout\n")
    git(forge, "push", "-q", "origin", "main")
    other = clones.clone("other")

    assert clones.run(other, "sync").exit_code == 0

    assert status(clones, other)["tasks"]["completed"] == 0
