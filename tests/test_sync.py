"""`git milestone sync` between real clones of a real bare remote."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gitmilestone.cli import cli
from tests.cli.helpers import assert_user_error
from tests.conftest import git

NOTES = "refs/notes/milestones"


class Clones:
    """A bare remote and clones of it; `run` is `git milestone ...` inside one clone."""

    def __init__(self, base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.base = base
        self.monkeypatch = monkeypatch
        self.remote = base / "remote.git"
        git(base, "init", "-q", "--bare", "-b", "main", str(self.remote))

    def clone(self, name: str) -> Path:
        git(self.base, "clone", "-q", str(self.remote), name)
        return self.base / name

    def run(self, where: Path, *args: str) -> Result:
        self.monkeypatch.chdir(where)
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    def log(self, where: Path) -> list[dict[str, object]]:
        result = self.run(where, "log", "--json")
        assert result.exit_code == 0, result.output
        return list(json.loads(result.stdout))


@pytest.fixture
def clones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Clones:
    return Clones(tmp_path, monkeypatch)


def start_project(c: Clones) -> Path:
    """Clone a, with a plan committed and pushed; its commands recorded events in notes."""
    a = c.clone("a")
    assert c.run(a, "init", "--no-hooks").exit_code == 0
    config = a / ".milestones/config/milestone-config.yaml"
    config.write_text(config.read_text().replace("suffix_length: 4", "suffix_length: 0"))
    git(a, "add", ".milestones")
    git(a, "commit", "-q", "-m", "Start planning")
    assert c.run(a, "new", "Auth").exit_code == 0
    assert c.run(a, "task", "add", "M-001", "Login", "--hours", "4").exit_code == 0
    assert c.run(a, "task", "add", "M-001", "Logout", "--hours", "4").exit_code == 0
    git(a, "add", ".milestones")
    git(a, "commit", "-q", "-m", "Plan auth")
    git(a, "push", "-q", "origin", "main")
    return a


def ids(log: list[dict[str, object]]) -> list[object]:
    return [e["id"] for e in log]


def test_two_clones_both_record_both_sync_and_end_equal(clones: Clones) -> None:
    a = start_project(clones)
    first = clones.run(a, "sync")
    assert first.exit_code == 0, first.output
    assert "origin: received 0 new events, sent 3" in first.stdout
    b = clones.clone("b")
    assert clones.run(b, "task", "start", "M-001/task-002").exit_code == 0
    assert clones.run(a, "task", "done", "M-001/task-001").exit_code == 0

    assert "received 3 new events, sent 1" in clones.run(b, "sync").stdout
    assert "received 1 new events, sent 1" in clones.run(a, "sync").stdout
    assert "received 1 new events, sent nothing new" in clones.run(b, "sync").stdout

    log_a, log_b = clones.log(a), clones.log(b)
    assert log_a == log_b
    kinds = sorted(str(e["event_type"]) for e in log_a)
    assert kinds == ["milestone_created", "task_added", "task_added", "task_completed",
                     "task_started"]  # fmt: skip
    status = clones.run(b, "status").stdout
    assert "1/2 tasks" in status


def test_a_fresh_clone_gets_every_event_with_one_sync(clones: Clones) -> None:
    a = start_project(clones)
    assert clones.run(a, "task", "done", "M-001/task-001").exit_code == 0
    assert clones.run(a, "sync").exit_code == 0
    fresh = clones.clone("fresh")
    assert clones.log(fresh) == []

    result = clones.run(fresh, "sync")

    assert result.exit_code == 0, result.output
    assert "received 4 new events" in result.stdout
    assert ids(clones.log(fresh)) == ids(clones.log(a))
    tracking = git(fresh, "rev-parse", "refs/notes/remotes/origin/milestones").strip()
    assert tracking == git(a, "rev-parse", NOTES).strip()


def test_sync_never_force_fetches_or_writes_push_config(clones: Clones) -> None:
    a = start_project(clones)
    assert clones.run(a, "sync").exit_code == 0
    config = git(a, "config", "--list")
    assert "remote.origin.push" not in config
    assert "+refs/notes" not in config
    b = clones.clone("b")
    assert clones.run(b, "sync").exit_code == 0
    # Someone rewrites the remote's notes: a fetch would need force, so sync refuses.
    git(a, "notes", f"--ref={NOTES}", "add", "-f", "-m", "{}", "HEAD")
    rewritten = git(a, "commit-tree", "-m", "rewritten", f"{NOTES}^{{tree}}").strip()
    git(a, "push", "-q", "--force", "origin", f"{rewritten}:{NOTES}")
    before = git(b, "rev-parse", NOTES)

    result = clones.run(b, "sync")

    assert_user_error(result, "rewritten", "not force-fetch")
    assert git(b, "rev-parse", NOTES) == before


def test_a_remote_without_our_notes_gets_them(clones: Clones) -> None:
    a = start_project(clones)
    assert git(a, "ls-remote", "origin", NOTES) == ""
    result = clones.run(a, "sync", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["remote"] == "origin" and data["received"] == 0 and data["sent"] == 3
    assert git(a, "ls-remote", "origin", NOTES).strip()


def test_no_push_only_fetches(clones: Clones) -> None:
    a = start_project(clones)
    result = clones.run(a, "sync", "--no-push")
    assert result.exit_code == 0
    assert "sent nothing new" in result.stdout
    assert git(a, "ls-remote", "origin", NOTES) == ""


def test_an_interrupted_sync_loses_nothing_and_resumes(clones: Clones) -> None:
    a = start_project(clones)
    assert clones.run(a, "sync").exit_code == 0
    b = clones.clone("b")
    assert clones.run(b, "task", "done", "M-001/task-002").exit_code == 0
    hook = clones.remote / "hooks" / "pre-receive"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\necho 'remote: server is read-only today' >&2\nexit 1\n")
    hook.chmod(0o755)

    broken = clones.run(b, "sync")

    lines = assert_user_error(broken, "sync incomplete", "pushing to origin failed")
    assert any("nothing is lost" in line or "safe" in line for line in lines)
    assert len(clones.log(b)) == 4  # fetched and merged before the push failed
    os.unlink(hook)
    assert "sent 1" in clones.run(b, "sync").stdout
    assert clones.run(a, "sync").exit_code == 0
    assert ids(clones.log(a)) == ids(clones.log(b))


def test_a_fetch_stopped_before_the_merge_is_finished_by_the_next_sync(clones: Clones) -> None:
    a = start_project(clones)
    assert clones.run(a, "sync").exit_code == 0
    b = clones.clone("b")
    assert clones.run(b, "task", "start", "M-001/task-001").exit_code == 0
    # As if sync was killed right after its fetch: the remote's notes are only in tracking.
    git(b, "fetch", "-q", "origin", f"{NOTES}:refs/notes/remotes/origin/milestones")

    assert clones.run(b, "sync").exit_code == 0

    assert len(clones.log(b)) == 4


def test_a_notes_merge_left_half_done_is_not_buried(clones: Clones) -> None:
    a = start_project(clones)
    assert clones.run(a, "sync").exit_code == 0
    b = clones.clone("b")
    assert clones.run(b, "sync").exit_code == 0
    head = git(b, "rev-parse", "HEAD").strip()
    git(b, "notes", f"--ref={NOTES}", "add", "-f", "-m", "mine", head)
    git(a, "notes", f"--ref={NOTES}", "add", "-f", "-m", "theirs", head)
    git(a, "push", "-q", "origin", NOTES)
    git(b, "fetch", "-q", "origin", f"{NOTES}:refs/notes/theirs")
    git(b, "notes", f"--ref={NOTES}", "merge", "-s", "manual", "refs/notes/theirs", check=False)
    before = git(b, "rev-parse", NOTES)

    result = clones.run(b, "sync")

    assert_user_error(result, "notes merge is in progress")
    assert "merge --abort" in result.output
    assert git(b, "rev-parse", NOTES) == before


def test_unknown_and_missing_remotes(clones: Clones, tmp_path: Path) -> None:
    a = start_project(clones)
    assert_user_error(clones.run(a, "sync", "upstream"), "no remote named 'upstream'")
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    git(lonely, "init", "-q")
    assert_user_error(clones.run(lonely, "sync"), "no remote to sync with")


def test_an_unreachable_remote_is_a_clear_error(clones: Clones, tmp_path: Path) -> None:
    a = start_project(clones)
    git(a, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    lines = assert_user_error(clones.run(a, "sync"), "origin")
    assert any("run git milestone sync again" in line for line in lines)


def test_pre_push_syncs_notes_and_never_blocks_the_push(clones: Clones) -> None:
    a = start_project(clones)
    assert clones.run(a, "install", "--pre-push").exit_code == 0
    assert clones.run(a, "task", "done", "M-001/task-001").exit_code == 0
    (a / "x.txt").write_text("x")
    git(a, "add", "-A")
    git(a, "commit", "-q", "-m", "More")

    import subprocess

    done = subprocess.run(["git", "push", "origin", "main"], cwd=a, capture_output=True,
                          text=True, check=False)  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert "git-milestone: synced notes with origin: received 0, sent 4" in done.stderr
    assert git(a, "ls-remote", "origin", NOTES).split()[0] == git(a, "rev-parse", NOTES).strip()
    # The remote refuses everything now: the push fails for git's own reason, not ours.
    hook = clones.remote / "hooks" / "pre-receive"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    assert clones.run(a, "task", "start", "M-001/task-002").exit_code == 0
    git(a, "commit", "-q", "-am", "Again")
    again = subprocess.run(["git", "push", "origin", "main"], cwd=a, capture_output=True,
                           text=True, check=False)  # fmt: skip
    assert "git-milestone: notes not synced: sync incomplete: pushing to origin" in again.stderr
    assert "pre-receive hook declined" in again.stderr
    assert again.stderr.count("git-milestone:") == 1


def test_post_merge_warns_about_task_ids_both_sides_created(clones: Clones) -> None:
    a = start_project(clones)
    assert clones.run(a, "install").exit_code == 0
    # Without the merge driver (which would rename one of them), as in a clone set up by hand.
    git(a, "config", "--remove-section", "merge.milestone")
    git(a, "checkout", "-q", "-b", "side")
    assert clones.run(a, "task", "add", "M-001", "Side task").exit_code == 0
    git(a, "commit", "-q", "-am", "Side task")
    git(a, "checkout", "-q", "main")
    # Main adds its task-003 at the top of the list, so git merges both without a conflict.
    path = a / ".milestones/active/M-001.yaml"
    text = path.read_text()
    path.write_text(text.replace("tasks:\n", "tasks:\n- id: task-003\n  title: Main task\n", 1))
    git(a, "commit", "-q", "-am", "Main task")

    import subprocess

    done = subprocess.run(["git", "merge", "--no-edit", "side"], cwd=a, capture_output=True,
                          text=True, check=False)  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "git-milestone: .milestones/active/M-001.yaml: two tasks are called task-003 after this "
        "merge; run git milestone fix-ids" in done.stderr
    )


def test_paused_work_travels_with_sync_and_restores_on_the_other_clone(clones: Clones) -> None:
    a = start_project(clones)
    assert clones.run(a, "start", "M-001", "--task", "task-001").exit_code == 0
    (a / "login.py").write_text("def login():\n    ...\n")
    assert clones.run(a, "pause", "-m", "Login half done", "--next", "Tests").exit_code == 0

    sent = clones.run(a, "sync")
    b = clones.clone("b")
    got = clones.run(b, "sync")

    assert "pushed refs/milestones/wip/session-" in sent.stdout
    assert "fetched refs/milestones/wip/session-" in got.stdout
    restored = clones.run(b, "resume", "--restore")
    assert restored.exit_code == 0, restored.output
    assert (b / "login.py").read_text() == "def login():\n    ...\n"
    # A second pause moves the snapshot forward: it syncs again without force.
    (a / "login.py").write_text("def login():\n    return True\n")
    assert clones.run(a, "pause", "-m", "Login done").exit_code == 0
    assert "pushed refs/milestones/wip/session-" in clones.run(a, "sync").stdout


def test_a_push_that_loses_a_race_is_merged_and_retried(clones: Clones) -> None:
    a = start_project(clones)
    assert clones.run(a, "sync").exit_code == 0
    b = clones.clone("b")
    assert clones.run(b, "sync").exit_code == 0
    assert clones.run(b, "task", "start", "M-001/task-002").exit_code == 0
    git(b, "push", "-q", "origin", NOTES)  # b's notes, ready to land on the remote "meanwhile"
    other = git(b, "rev-parse", NOTES).strip()
    git(clones.remote, "update-ref", NOTES, git(a, "rev-parse", NOTES).strip())
    assert clones.run(a, "task", "done", "M-001/task-001").exit_code == 0
    # The first time a pushes, b's push lands between a's fetch and a's push.
    once = clones.base / "raced"
    script = clones.base / "receive-pack"
    script.write_text(
        f"#!/bin/sh\nif [ ! -e {once} ]; then touch {once}; "
        f'git -C {clones.remote} update-ref {NOTES} {other}; fi\nexec git-receive-pack "$@"\n'
    )
    script.chmod(0o755)
    git(a, "config", "remote.origin.receivepack", str(script))

    result = clones.run(a, "sync")

    assert result.exit_code == 0, result.output
    assert once.exists()
    assert clones.run(b, "sync").exit_code == 0
    kinds = [e["event_type"] for e in clones.log(a)]
    assert "task_started" in kinds and "task_completed" in kinds
    assert ids(clones.log(a)) == ids(clones.log(b))


def test_sync_leaves_the_event_log_cache_built(clones: Clones) -> None:
    a = start_project(clones)
    assert clones.run(a, "sync").exit_code == 0
    fresh = clones.clone("fresh")
    assert clones.run(fresh, "sync").exit_code == 0
    assert (fresh / ".git/milestones/eventlog.cache").is_file()
