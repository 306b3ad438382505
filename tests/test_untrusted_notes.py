"""Notes and trailers are input from strangers: a crafted value never crashes a command,
never reaches a git command line as an option, and never overflows a sum."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from gitmilestone.git.localstate import _commits_since, write_cache
from tests.conftest import git

NOTES = "refs/notes/milestones"
SESSION = "session-20261102-001"


def commit(root: Path, message: str, name: str = "f.txt", verify: bool = False) -> str:
    (root / name).write_text(message)
    git(root, "add", "-A")
    git(root, "commit", "-q", *([] if verify else ["--no-verify"]), "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def planned(root: Path, run_cli: Callable[..., Result]) -> str:
    assert run_cli("new", "Auth").exit_code == 0
    assert run_cli("task", "add", "M-001", "Login", "--hours", "4").exit_code == 0
    return commit(root, "plan")


def event(event_type: str, n: int, **details: object) -> dict[str, object]:
    return {
        "v": 1,
        "id": f"{n:020x}",
        "timestamp": f"2026-11-02T10:00:0{n}.000Z",
        "event_type": event_type,
        "milestone_id": "M-001",
        "task_id": "task-001",
        "details": details,
        "source": "note",
    }


def add_note(root: Path, text: bytes, rev: str = "HEAD") -> None:
    subprocess.run(
        ["git", "notes", f"--ref={NOTES}", "append", "-F", "-", rev],
        cwd=root,
        input=text,
        check=True,
        capture_output=True,
    )


def crafted_pause(head: str) -> bytes:
    started = event("session_started", 1, session=SESSION, seq=1, branch="main")
    paused = event("session_paused", 2, session=SESSION, seq=2, branch="main", head=head)
    paused["details"]["origin"] = started["id"]  # type: ignore[index]
    return b"".join(json.dumps(e).encode() + b"\n" for e in (started, paused))


def test_a_pause_note_cannot_put_an_option_on_gits_command_line(
    initialized: Path, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    planned(initialized, run_cli)
    target = tmp_path / "written"
    add_note(initialized, crafted_pause(f"--output={target}"))

    peek = run_cli("resume", "--peek")
    git(initialized, "checkout", "-q", "-b", "other")
    git(initialized, "checkout", "-q", "main")  # post-checkout reads the resume cache

    assert peek.exit_code == 0, peek.output
    assert "details.head is not a commit id" in peek.stderr
    assert not list(tmp_path.glob("written*"))


def test_the_checkout_summary_refuses_a_crafted_head_in_its_cache(
    initialized: Path, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    planned(initialized, run_cli)
    target = tmp_path / "written"
    entry = {"session_id": SESSION, "session_key": "k", "head": f"--output={target}"}
    write_cache(initialized / ".git", {"main": entry})

    git(initialized, "checkout", "-q", "-b", "other")
    git(initialized, "checkout", "-q", "main")

    assert _commits_since(initialized, f"--output={target}") == 0
    assert not list(tmp_path.glob("written*"))


BAD_LINES = {
    "invalid UTF-8": b'{"v":1,"id":"\xff\xfe","timestamp":"x"}',
    "progress is text": json.dumps(event("progress_updated", 3, progress_percentage="abc")),
    "blockers is a number": json.dumps(event("blocker_reported", 3, blockers_encountered=5)),
    "milestone is a list": json.dumps({**event("task_started", 3), "milestone_id": ["a"]}),
    "details nest deeply": '{"v":1,"id":"0000000000000003","timestamp":"2026-11-02T10:00:03Z",'
    '"event_type":"x","details":' + "[" * 100_000 + "]" * 100_000 + "}",
    "time beyond float": json.dumps(event("time_logged", 3, time_spent=1)).replace(
        '"time_spent": 1', '"time_spent": 1e400'
    ),
    "NaN progress": json.dumps(event("progress_updated", 3, progress_percentage=float("nan"))),
    "a huge integer": json.dumps(event("time_logged", 3, time_spent=7)).replace("7", "9" * 5000),
}
READERS = (
    ("status",),
    ("show", "M-001"),
    ("log",),
    ("resume", "--peek"),
    ("apply",),
    ("critical-path",),
)


@pytest.mark.parametrize("bad", list(BAD_LINES.values()), ids=list(BAD_LINES))
def test_one_bad_note_line_is_skipped_with_one_warning_and_the_rest_counts(
    initialized: Path, run_cli: Callable[..., Result], bad: str | bytes
) -> None:
    sha = planned(initialized, run_cli)
    good = json.dumps(event("task_completed", 4)).encode()
    add_note(initialized, (bad if isinstance(bad, bytes) else bad.encode()) + b"\n" + good)

    for args in READERS:
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.output)
        warnings = [line for line in result.stderr.splitlines() if sha[:10] in line]
        assert len(warnings) == 1 and warnings[0].startswith("warning: "), (args, result.stderr)
    assert "1/1 tasks" in run_cli("status").output  # the valid event on the same note counts


def test_an_overflowing_time_spent_trailer_is_refused_and_skipped_in_history(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    planned(initialized, run_cli)
    huge = "1" + "0" * 309 + "h"
    (initialized / "g.txt").write_text("x")
    git(initialized, "add", "-A")
    refused = subprocess.run(
        ["git", "commit", "-q", "-m", "work\n\nTask: M-001/task-001\nTime-Spent: 1001h"],
        cwd=initialized,
        capture_output=True,
        text=True,
        check=False,
    )
    sha = commit(initialized, f"work\n\nTask: M-001/task-001\nTime-Spent: {huge}", "h.txt")

    assert refused.returncode != 0 and "more than 1000h" in refused.stderr
    for args in (*READERS, ("sessions",), ("burndown",)):
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.output)
        assert f"commit {sha[:10]}" in result.stderr or args[0] == "sessions", args


def test_terminal_escapes_in_trailers_are_shown_escaped(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    planned(initialized, run_cli)
    commit(
        initialized, "work\n\nTask: M-001/task-001\nBlocker: waiting \x1b]2;pwned\x07 on \x1b[2J"
    )

    shown = run_cli("log").output + run_cli("resume", "--peek").output

    assert "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b]2;pwned\\x07" in shown
