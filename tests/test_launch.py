"""The executable answers `status` and `list` (with or without `--json`) and `log --jsonl`
without loading click, from the view kept for it or computing and keeping it, and says exactly
what the click command line says; any other form, a terminal at the rich or dashboard level,
or an error is the command line's."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import git

PROBE = (
    "import sys; from gitmilestone.launch import main; rc = main(sys.argv[1:]); "
    "sys.stderr.write(f'click loaded: {\"click\" in sys.modules}\\n'); sys.exit(rc)"
)


READS = ".git/milestones/logs/performance-metrics.jsonl"


def read_back(root: Path) -> list[bool]:
    """Whether each view read so far was read back (True) or computed."""
    path = root / READS
    lines = path.read_text().splitlines() if path.exists() else []
    return [r["hit"] for r in map(json.loads, lines) if r["event"] == "view_read"]


def launched(cwd: Path, *args: str) -> tuple[str, str, int, bool]:
    """(stdout, stderr, exit code, whether click was loaded) of the executable's entry."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True
    )
    err, _, probe = proc.stderr.rpartition("click loaded: ")
    return proc.stdout, err, proc.returncode, probe.strip() == "True"


@pytest.fixture
def small(own_demo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo (signed approvals, sessions, no hooks) as the working directory,
    its clock stopped: time in its open session would make a view hold for a minute only."""
    import datetime as dt

    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    monkeypatch.setenv("GIT_MILESTONE_DATE", now.isoformat())
    # Nothing kept: other tests read the shared demo this was copied from.
    (own_demo / ".git/milestones/views.cache").unlink(missing_ok=True)
    return own_demo


@pytest.mark.parametrize("args", [("status",), ("status", "--json"), ("list",), ("list", "--json")])
def test_a_whole_plan_read_says_what_the_command_line_says_without_click(
    small: Path, run_cli: Callable[..., Result], args: tuple[str, ...]
) -> None:
    cold = launched(small, *args)
    computed = len(read_back(small))
    warm = launched(small, *args)
    assert not cold[3] and not warm[3]
    assert not all(read_back(small)[:computed]) and all(read_back(small)[computed:])
    by_click = run_cli(*args)
    assert cold[:3] == warm[:3] == (by_click.stdout, by_click.stderr, 0)
    assert "Payments API" in warm[0]
    option = {"status": ("--level", "simple"), "list": ("--status", "planned")}[args[0]]
    assert launched(small, *args, *option)[3]  # any option: parsed by click


def test_log_jsonl_says_what_the_command_line_says_without_click(
    small: Path, run_cli: Callable[..., Result]
) -> None:
    git(small, "config", "milestone.suggestInstall", "true")
    git(small, "notes", "--ref=refs/notes/milestones", "append", "-m", "{not json", "HEAD")
    for _ in range(2):  # the event log read, then read back from the local caches
        out, err, code, loaded = launched(small, "log", "--jsonl")
        assert (code, loaded) == (0, False)
        by_click = run_cli("log", "--jsonl")
        assert (out, err) == (by_click.stdout, by_click.stderr)
    assert "hint: this clone has no git-milestone hooks" in err and "line 5: not JSON" in err
    events = [json.loads(line) for line in out.splitlines()]
    assert len(events) > 10 and all(e["v"] == 1 for e in events)
    assert launched(small, "log", "--jsonl", "--type", "task_completed")[3]  # click's


def test_warnings_and_the_hooks_hint_are_said_again(
    small: Path, run_cli: Callable[..., Result]
) -> None:
    git(small, "config", "milestone.suggestInstall", "true")
    git(small, "notes", "--ref=refs/notes/milestones", "append", "-m", "{not json", "HEAD")
    launched(small, "status")
    out, err, code, loaded = launched(small, "status")
    assert not loaded and code == 0
    assert "warning: refs/notes/milestones: note on" in err
    assert "hint: this clone has no git-milestone hooks" in err
    by_click = run_cli("status")
    assert (out, err) == (by_click.stdout, by_click.stderr)


def on_terminal(cwd: Path, *args: str) -> bool:
    """Whether click was loaded for the executable's entry writing to a terminal."""
    import os
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", PROBE, *args],
            cwd=cwd,
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "TERM": "xterm", "COLUMNS": "120"},
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 0, proc.stderr
    return proc.stderr.rpartition("click loaded: ")[2].strip() == "True"


def test_other_forms_and_other_levels_go_to_the_command_line(
    small: Path, run_cli: Callable[..., Result]
) -> None:
    launched(small, "status")
    assert launched(small, "status", "--level", "simple")[3]  # an option: parsed by click
    ui = small / ".milestones/config/ui-config.yaml"
    plain = ui.read_text()
    ui.write_text(plain.replace("level: auto", "level: dashboard"))
    out, _, code, loaded = launched(small, "status")
    assert not loaded and code == 0  # computed and kept, as the command line does
    assert out == run_cli("status").stdout
    assert "Everything: git milestone list" in out  # the dashboard level, not status's lines
    assert launched(small, "status")[:4] == (out, "", 0, False)  # its text read back
    assert on_terminal(small, "status")  # drawn by rich on a terminal
    ui.write_text(plain.replace("level: auto", "level: rich"))
    launched(small, "status")
    out, _, code, loaded = launched(small, "status")
    assert (code, loaded) == (0, False) and out == run_cli("status").stdout  # off a terminal
    assert on_terminal(small, "status")
    ui.write_text("level: [not, a, level\n")
    out, err, code, loaded = launched(small, "status")
    assert loaded and code == 1 and "Error:" in err and "ui-config.yaml" in err


def test_an_unreadable_kept_view_is_computed_again(small: Path) -> None:
    first = launched(small, "status")
    (small / ".git/milestones/views.cache").write_bytes(b"\x00 damaged")
    again = launched(small, "status")
    assert not again[3] and again[:3] == first[:3]
    assert launched(small, "status")[:3] == first[:3]


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["status", "--json"],
        ["list"],
        ["list", "--json"],
        ["log", "--jsonl"],
        ["status", "--level", "simple"],
        ["list", "--status", "planned"],
    ],
)
def test_the_entry_in_process_says_what_the_command_line_says(
    small: Path, run_cli: Callable[..., Result], capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    from gitmilestone import launch

    for _ in range(2):  # computed, then read back
        assert launch.main(args) == 0
        out, err = capsys.readouterr()
        by_click = run_cli(*args)
        assert (out, err) == (by_click.stdout, by_click.stderr)


def test_an_error_in_process_is_the_command_line_s(
    small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gitmilestone import launch

    (small / ".milestones/config/ui-config.yaml").write_text("level: [not, a, level\n")
    assert launch.main(["status"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "ui-config.yaml" in err and "hint:" in err
