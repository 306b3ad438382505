"""The event log against real repositories: trailers parsed by git, notes, hooks' handlers."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from gitmilestone.core import clock
from gitmilestone.git import eventlog, history, where
from gitmilestone.hooks import handlers
from tests.conftest import git, tree_snapshot


def commit(root: Path, message: str, name: str = "f.txt") -> str:
    (root / name).write_text(message)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def plan(run_cli: Callable[..., Result]) -> None:
    assert run_cli("new", "Auth").exit_code == 0
    assert run_cli("task", "add", "M-001", "Login", "--hours", "4").exit_code == 0
    assert run_cli("task", "add", "M-001", "Logout", "--hours", "4").exit_code == 0


def test_only_the_trailer_block_is_read(initialized: Path, run_cli: Callable[..., Result]) -> None:
    plan(run_cli)
    commit(
        initialized,
        "Fix login\n\nThis fixes task-001 and Completes: M-001/task-002 in prose.\n\n"
        "Completes: M-001/task-001\n",
    )
    commit(initialized, "Completes: M-001/task-002\n\nSubject lines are not trailers", "g.txt")
    events, problems, _ = history.trailer_events(initialized)
    assert [(e.event_type, e.task_id) for e in events] == [("task_completed", "task-001")]
    assert problems == []


def test_status_folds_a_completes_trailer_at_once(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    plan(run_cli)
    before = (initialized / ".milestones/active/M-001.yaml").read_bytes()
    commit(initialized, "Login\n\nCompletes: M-001/task-001\nTime-Spent: 2h\n")
    out = run_cli("status").output
    assert "1/2 tasks" in out and " 50%" in out
    assert (initialized / ".milestones/active/M-001.yaml").read_bytes() == before
    applied = run_cli("apply")
    assert "task-001.status: pending -> completed" in applied.output
    assert "status: completed" in (initialized / ".milestones/active/M-001.yaml").read_text()
    assert "already match" in run_cli("apply").output


def test_commands_record_note_events(initialized: Path, run_cli: Callable[..., Result]) -> None:
    commit(initialized, "base")
    plan(run_cli)
    run_cli("task", "done", "M-001/task-001")
    lines = run_cli("log", "--jsonl").output.splitlines()
    kinds = [json.loads(x)["event_type"] for x in lines]
    assert (
        kinds.count("task_added") == 2
        and "task_completed" in kinds
        and "milestone_created" in kinds
    )
    note = git(initialized, "notes", "--ref=refs/notes/milestones", "show", "HEAD")
    assert '"event_type":"task_completed"' in note


def test_log_filters_and_json(initialized: Path, run_cli: Callable[..., Result]) -> None:
    plan(run_cli)
    commit(initialized, "a\n\nCompletes: M-001/task-001\n")
    only = run_cli("log", "M-001", "--type", "task_completed", "--json")
    data = json.loads(only.output)
    assert [d["event_type"] for d in data] == ["task_completed"]
    assert run_cli("log", "--since", "2030-01-01").output.strip() == "No events."
    assert run_cli("log", "M-999").exit_code == 1


def test_log_jsonl_escapes_what_a_terminal_would_act_on(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    commit(initialized, "base")
    plan(run_cli)
    line = {"v": 1, "id": "ab" * 10, "timestamp": "2026-11-02T10:00:00.000Z"}
    line |= {"event_type": "task_worked", "milestone_id": "M-001", "task_id": "task-001"}
    line["details"] = {"notes": "\x1b]0;owned\x07 \x9b2J \x7f done"}  # escape sequences
    git(
        initialized,
        "notes",
        "--ref=refs/notes/milestones",
        "append",
        "-m",
        json.dumps(line),
        "HEAD",
    )

    out = run_cli("log", "--jsonl").stdout

    assert not any(c in out for c in "\x1b\x07\x9b\x7f")
    read = [json.loads(text) for text in out.splitlines()]
    assert line["details"] in [e["details"] for e in read]  # the same values, escaped


def test_events_before_the_first_commit_wait_and_attach(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    plan(run_cli)  # unborn branch: no commit to attach notes to
    pending = eventlog.pending_file(initialized / ".git")
    assert pending.is_file() and "milestone_created" in pending.read_text()
    commit(initialized, "first")
    assert handlers.post_commit([], b"") == 0
    assert not pending.exists()
    assert "milestone_created" in git(
        initialized, "notes", "--ref=refs/notes/milestones", "show", "HEAD"
    )


def test_bad_note_lines_are_skipped_with_a_warning(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    commit(initialized, "base")
    plan(run_cli)
    git(initialized, "notes", "--ref=refs/notes/milestones", "append", "-m", "{broken", "HEAD")
    result = run_cli("log")
    assert result.exit_code == 0
    assert "not JSON" in result.stderr and "task_added" in result.stdout


def test_malformed_trailer_in_history_is_reported_not_fatal(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    plan(run_cli)
    commit(initialized, "x\n\nCompletes: M-001\n")
    commit(initialized, "y\n\nCompletes: M-001/task-002\n", "g.txt")
    result = run_cli("status")
    assert result.exit_code == 0
    assert "malformed" in result.stderr and "1/2 tasks" in result.stdout


def test_detached_head_records_on_that_commit(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    sha = commit(initialized, "base")
    git(initialized, "checkout", "-q", "--detach")
    plan(run_cli)
    assert "task_added" in git(initialized, "notes", "--ref=refs/notes/milestones", "show", sha)


def test_notes_on_another_branch_do_not_change_this_one(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    plan(run_cli)
    commit(initialized, "base")
    git(initialized, "checkout", "-q", "-b", "side")
    commit(initialized, "side work", "s.txt")
    eventlog.record(
        initialized,
        initialized / ".git",
        [eventlog.new_event(initialized, "task_completed", "M-001", "task-001")],
    )
    git(initialized, "checkout", "-q", "main")
    assert "0/2 tasks" in run_cli("status").output
    git(initialized, "merge", "-q", "--no-edit", "side")
    assert "1/2 tasks" in run_cli("status").output


class TestCommitMsg:
    def msg(self, root: Path, text: str) -> Path:
        path = root / ".git" / "COMMIT_EDITMSG"
        path.write_text(text)
        return path

    def test_adds_task_trailer_from_the_branch(
        self, initialized: Path, run_cli: Callable[..., Result]
    ) -> None:
        plan(run_cli)
        commit(initialized, "base")
        git(initialized, "checkout", "-q", "-b", "milestone/M-001/task-002-logout")
        path = self.msg(initialized, "Log out\n")
        assert handlers.commit_msg([str(path)], b"") == 0
        assert path.read_text().rstrip().endswith("Task: M-001/task-002")

    def test_milestone_only_branch_and_no_duplicates(
        self, initialized: Path, run_cli: Callable[..., Result]
    ) -> None:
        plan(run_cli)
        commit(initialized, "base")
        git(initialized, "checkout", "-q", "-b", "milestone/M-001")
        path = self.msg(initialized, "Work\n")
        handlers.commit_msg([str(path)], b"")
        assert path.read_text().rstrip().endswith("Milestone: M-001")
        mine = self.msg(initialized, "Work\n\nCompletes: M-001/task-001\n")
        handlers.commit_msg([str(mine)], b"")
        assert mine.read_text() == "Work\n\nCompletes: M-001/task-001\n"

    def test_rejects_malformed_and_unknown(
        self, initialized: Path, run_cli: Callable[..., Result], capsys
    ) -> None:  # type: ignore[no-untyped-def]
        plan(run_cli)
        bad = self.msg(initialized, "x\n\nCompletes: M-001\n")
        assert handlers.commit_msg([str(bad)], b"") == 1
        assert "malformed" in capsys.readouterr().err
        unknown = self.msg(initialized, "x\n\nMilestone: M-404\n")
        assert handlers.commit_msg([str(unknown)], b"") == 1
        assert "no milestone M-404" in capsys.readouterr().err
        prose = self.msg(initialized, "x\n\nThis completes M-001 somehow.\n")
        assert handlers.commit_msg([str(prose)], b"") == 0

    def test_repo_without_milestones_is_left_alone(self, repo: Path) -> None:
        git(repo, "checkout", "-q", "-b", "milestone/M-001")
        path = repo / ".git" / "MSG"
        path.write_text("x\n\nCompletes: nonsense\n")
        assert handlers.commit_msg([str(path)], b"") == 0
        assert handlers.post_commit([], b"") == 0


@pytest.mark.parametrize(
    ("pattern", "branch", "expected"),
    [
        (
            "milestone/{milestone}/{task}",
            "milestone/M-001/task-003-login",
            ("M-001", "task-003-login"),
        ),
        ("milestone/{milestone}/{task}", "milestone/M-001", ("M-001", None)),
        ("milestone/{milestone}/{task}", "feature/M-001/task-1", None),
        ("milestone/{milestone}/{task}", "milestone/M-001/a/b", None),
        ("milestone/{milestone}/{task}", "milestone", None),
        ("ms-{milestone}/{task}", "ms-M-002/task-1", ("M-002", "task-1")),
        ("ms-{milestone}/{task}", "ms-/task-1", None),
        ("work/{milestone}", "work/M-9", ("M-9", None)),
        ("{task}", "task-1", None),  # a pattern without {milestone} names nothing
    ],
)
def test_branch_patterns(pattern: str, branch: str, expected: object) -> None:
    assert where.match_branch(pattern, branch) == expected


def test_log_type_takes_any_well_formed_type(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    commit(initialized, "base")
    plan(run_cli)
    assert "task_added" in run_cli("log", "--type", "task_added").stdout
    assert run_cli("log", "--type", "session_paused").stdout.strip() == "No events."
    bad = run_cli("log", "--type", "Task Added")
    assert bad.exit_code == 2
    assert "'Task Added' is not an event type" in bad.output


NEWER = '{"v": 99, "id": "abcdef0123", "timestamp": "2026-11-02T10:00:00Z", "event_type": "x"}'


def test_a_note_line_that_fails_the_schema_is_skipped_the_rest_read(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    commit(initialized, "base")
    plan(run_cli)
    for bad in ('{"v": 1, "timestamp": "2026-11-02T10:00:00Z"}', '["a list"]', NEWER):
        git(initialized, "notes", "--ref=refs/notes/milestones", "append", "-m", bad, "HEAD")
    result = run_cli("log", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 3  # the plan's three events
    assert "field 'id' is missing" in result.stderr
    assert "not a JSON object" in result.stderr
    assert "newer than this git-milestone reads" in result.stderr


def test_real_hooks_on_an_unborn_branch_and_a_detached_head(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    assert run_cli("install").exit_code == 0
    plan(run_cli)  # before the first commit: events wait in .git/milestones
    git(initialized, "add", "-A")
    git(initialized, "commit", "-q", "-m", "First\n\nCompletes: M-001/task-001")
    note = git(initialized, "notes", "--ref=refs/notes/milestones", "show", "HEAD")
    assert "milestone_created" in note and "task_completed" in note
    git(initialized, "checkout", "-q", "--detach")
    git(initialized, "commit", "-q", "--allow-empty", "-m", "Detached\n\nTime-Spent: 1h")
    assert "time_logged" in git(initialized, "notes", "--ref=refs/notes/milestones", "show", "HEAD")
    assert "1/2 tasks" in run_cli("status").stdout


def test_log_shows_events_waiting_for_the_first_commit(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    plan(run_cli)
    kinds = [e["event_type"] for e in json.loads(run_cli("log", "--json").stdout)]
    assert kinds.count("task_added") == 2 and "milestone_created" in kinds
    commit(initialized, "first")
    assert handlers.post_commit([], b"") == 0
    assert [e["event_type"] for e in json.loads(run_cli("log", "--json").stdout)] == kinds


def test_git_milestone_date_back_fills_events(
    initialized: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    commit(initialized, "base")
    plan(run_cli)
    monkeypatch.setenv("GIT_MILESTONE_DATE", "2026-10-30T16:00:00+01:00")
    assert run_cli("task", "done", "M-001/task-001").exit_code == 0
    done = [e for e in json.loads(run_cli("log", "--json").stdout) if e["task_id"] == "task-001"]
    assert done[0]["event_type"] == "task_completed"  # the earliest event now
    assert done[0]["timestamp"] == "2026-10-30T15:00:00.000Z"
    monkeypatch.setenv("GIT_MILESTONE_DATE", "last tuesday")
    before = tree_snapshot(initialized)
    bad = run_cli("task", "start", "M-001/task-002")
    assert tree_snapshot(initialized) == before
    assert bad.exit_code == 1
    assert "GIT_MILESTONE_DATE='last tuesday' is not a date" in bad.output
    assert "hint: write it as 2026-11-20" in bad.output


def test_events_recorded_in_one_dated_block_keep_their_order(initialized: Path) -> None:
    import datetime as dt

    when = dt.datetime(2026, 11, 2, 10, tzinfo=dt.timezone.utc)
    with clock.dated(when):
        stamps = [clock.stamp() for _ in range(3)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    assert stamps[0].startswith("2026-11-02T10:00:00.")
    assert clock.stamp() > "2026-11-02T10:01"  # the block's clock is gone


def test_a_locked_notes_ref_defers_the_event_and_loses_nothing(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    commit(initialized, "base")
    plan(run_cli)
    lock = initialized / ".git/refs/notes/milestones.lock"
    lock.write_text("")  # another git command is writing notes, or died doing so

    busy = run_cli("task", "start", "M-001/task-001")

    assert busy.exit_code == 0
    assert "Traceback" not in busy.output
    assert "warning: the event could not be written to refs/notes/milestones" in busy.stderr
    assert "attached with the next event or commit" in busy.stderr
    pending = eventlog.pending_file(initialized / ".git")
    assert "task_started" in pending.read_text()
    kinds = [e["event_type"] for e in json.loads(run_cli("log", "--json").stdout)]
    assert "task_started" in kinds  # visible while it waits

    lock.unlink()
    assert run_cli("task", "start", "M-001/task-002").exit_code == 0

    assert not pending.exists()
    note = git(initialized, "notes", "--ref=refs/notes/milestones", "show", "HEAD")
    assert note.count("task_started") == 2


def test_post_commit_records_a_trailer_whether_the_files_or_git_answer(
    initialized: Path, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    """A commit naming no milestone is passed over without starting git (its loose object is
    read); a packed commit, or one in a linked work tree, is read by git: each trailer lands."""

    def note(root: Path) -> str:
        return git(root, "notes", "--ref=refs/notes/milestones", "show", "HEAD", check=False)

    assert run_cli("install").exit_code == 0
    plan(run_cli)
    commit(initialized, "base")
    handlers.post_commit([], b"")  # the plan's events land on base
    git(initialized, "commit", "-q", "--allow-empty", "-m", "Plain work")
    assert note(initialized) == ""
    git(initialized, "commit", "-q", "--allow-empty", "-m", "Login\n\nCompletes: M-001/task-001")
    assert "task_completed" in note(initialized)
    commit(initialized, "Logout\n\nTask: M-001/task-002\nTime-Spent: 1h")  # --no-verify
    git(initialized, "repack", "-adq")
    git(initialized, "prune-packed")
    assert handlers.post_commit([], b"") == 0
    assert "time_logged" in note(initialized)
    linked = tmp_path / "linked"
    git(initialized, "worktree", "add", "-q", "-b", "side", str(linked))
    git(linked, "commit", "-q", "--allow-empty", "-m", "Side\n\nProgress: M-001/task-002 50%")
    assert "progress_updated" in note(linked)
    assert git(initialized, "for-each-ref", "refs/notes/milestones-tmp/") == ""
    assert "1/2 tasks" in run_cli("status").stdout


def test_notes_kept_between_reads_are_read_again_once_the_notes_ref_moves(
    initialized: Path, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    plan(run_cli)
    commit(initialized, "base")
    handlers.post_commit([], b"")
    assert "0/2 tasks" in run_cli("status").stdout  # the notes are kept from here
    kept = initialized / ".git/milestones" / eventlog.NOTES_CACHE
    assert kept.is_file()
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(initialized), str(other))
    git(other, "fetch", "-q", "origin", "refs/notes/milestones:refs/notes/milestones")
    done = subprocess.run(
        ["git", "milestone", "task", "done", "M-001/task-001"], cwd=other, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    # Fetched by hand, not by sync: only the notes ref moved.
    git(initialized, "fetch", "-q", str(other), "+refs/notes/milestones:refs/notes/milestones")
    assert "1/2 tasks" in run_cli("status").stdout
    git(initialized, "pack-refs", "--all")
    kept.write_bytes(b"not a cache")
    assert "1/2 tasks" in run_cli("status").stdout


def test_status_json_says_where_each_task_s_state_comes_from(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    plan(run_cli)
    assert run_cli("task", "add", "M-001", "Audit", "--hours", "2").exit_code == 0
    assert run_cli("task", "add", "M-001", "Docs", "--hours", "2").exit_code == 0
    path = initialized / ".milestones/active/M-001.yaml"
    text = path.read_text()
    at = text.index("id: task-003")
    path.write_text(text[:at] + text[at:].replace("status: pending", "status: completed", 1))
    commit(initialized, "base")
    handlers.post_commit([], b"")
    commit(initialized, "Login\n\nCompletes: M-001/task-001\nCompletes: M-001/task-003\n", "g")
    assert run_cli("task", "start", "M-001/task-002").exit_code == 0
    data = json.loads(run_cli("status", "--json").stdout)
    rows = {t["id"]: t for t in data["milestones"][0]["task_list"]}
    assert {k: (v["status"], v["source"]) for k, v in rows.items()} == {
        "task-001": ("completed", "trailer"),
        "task-002": ("in_progress", "note"),
        "task-003": ("completed", "file"),  # the file said so before the trailer did
        "task-004": ("pending", "file"),
    }


def test_every_note_is_read_with_the_commit_cat_file_names() -> None:
    blob, commit = "b" * 40, "c" * 40
    note = b"{}\n\xff\n"  # a line that is not UTF-8: kept, for parse_note to name it
    out = f"{'a' * 40} missing\n{blob} blob {len(note)} {commit}\n".encode() + note + b"\n"
    # "missing": a note whose blob git cannot find (a damaged or partial clone) is skipped
    assert eventlog._batch_notes(out) == {commit: "{}\n\udcff\n"}
