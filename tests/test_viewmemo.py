"""Whole-plan views kept in the index (and, in the file tier, in views.cache): a view read
back is the view a fresh read gives, after any change to anything the view follows from."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from gitmilestone.git.notewrite import queue
from tests.cli.helpers import ms_file
from tests.conftest import Prebuilt, git

PIN = ".git/milestones/storage-backend"
READS = ".git/milestones/logs/performance-metrics.jsonl"
KEPT_FILE = ".git/milestones/views.cache"
VIEWS = (
    ("status", "--json"),
    ("list", "--json"),
    ("dashboard", "--json"),
    ("status", "--level", "dashboard"),
    ("status",),
)


@pytest.fixture
def plan(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:

    def build(root: Path) -> None:
        run_cli("new", "Auth", "-p", "high", "--end", "2030-01-10", "--hours", "40")
        run_cli("new", "Payments", "-p", "critical", "--hours", "10", "--requires", "M-001")
        run_cli("task", "add", "M-001", "Schema", "--hours", "2")
        run_cli("task", "add", "M-001", "Login", "--hours", "6")
        run_cli("task", "add", "M-002", "Adapter", "--hours", "5")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "Plan")

    prebuilt("test_viewmemo.plan", build)
    return initialized


def views(root: Path, run_cli: Callable[..., Result], tier: str) -> list[str]:
    (root / PIN).write_text(f"{tier}\n")
    out = []
    for args in VIEWS:
        result = run_cli(*args)
        assert result.exit_code == 0, result.output
        out.append(result.output)
    return out


def event(eid: str, milestone: str, commit: str | None) -> dict[str, object]:
    """A task_completed event as another clone writes it."""
    return {
        "v": 1,
        "id": eid,
        "event_type": "task_completed",
        "milestone_id": milestone,
        "task_id": "task-001",
        "timestamp": "2026-11-02T10:00:00.000Z",
        "author": "Ann <ann@example.com>",
        "commit": commit,
        "source": "note",
        "session_id": None,
        "details": {},
    }


def plan_reads(root: Path) -> int:
    path = root / READS
    return path.read_text().count('"plan_read"') if path.exists() else 0


def view_reads(root: Path) -> list[bool]:
    """Whether each view read so far was read back (True) or computed."""
    path = root / READS
    lines = path.read_text().splitlines() if path.exists() else []
    return [r["hit"] for r in map(json.loads, lines) if r["event"] == "view_read"]


def same_in_every_tier(root: Path, run_cli: Callable[..., Result]) -> None:
    """Views computed afresh in the file tier with nothing kept equal the views read back:
    from the file tier's views.cache, and from the database tier's index."""
    (root / KEPT_FILE).unlink(missing_ok=True)
    fresh = views(root, run_cli, "file")
    before = len(view_reads(root))
    assert views(root, run_cli, "file") == fresh
    assert all(view_reads(root)[before:])  # every view read back, none computed
    assert views(root, run_cli, "database") == fresh
    reads = plan_reads(root)
    assert views(root, run_cli, "database") == fresh
    assert plan_reads(root) == reads  # the second time, no milestone file was read


def test_a_view_read_again_comes_from_the_index(plan: Path, run_cli: Callable[..., Result]) -> None:
    fresh = views(plan, run_cli, "file")
    start = len(view_reads(plan))
    assert views(plan, run_cli, "database") == fresh
    middle = len(view_reads(plan))
    assert views(plan, run_cli, "database") == fresh
    stored = json.loads(run_cli("storage", "status", "--json").output)
    # status --json, list, the plan's size, the critical path, the dashboard's data (which
    # serves both `dashboard --json` and `status` at the dashboard level), and the text status
    # prints at the simple level and at the dashboard level.
    assert stored["index"]["views"] == 7
    assert stored["index"]["cards"] == 2  # one per milestone
    # The second pass read every view back; storage status reports the share read back.
    first, second = view_reads(plan)[start:middle], view_reads(plan)[middle:]
    assert second and all(second) and not all(first)
    every = view_reads(plan)
    assert stored["views"]["hit_rate"] == round(sum(every) / len(every), 4)
    shown = f"read back {100 * stored['views']['hit_rate']:.1f}%"
    assert shown in run_cli("storage", "status").output


def test_every_input_of_a_view_changes_it(
    plan: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    same_in_every_tier(plan, run_cli)
    # A file edited in the work tree, not committed.
    run_cli("set", "M-002", "title=Billing")
    same_in_every_tier(plan, run_cli)
    # A file edited by hand: no event, only its bytes change.
    auth = ms_file(plan, "M-001")
    auth.write_text(auth.read_text().replace("title: Auth", "title: Sign-in"))
    assert "Sign-in" in views(plan, run_cli, "file")[1]
    same_in_every_tier(plan, run_cli)
    # A fact recorded as a note on HEAD.
    run_cli("task", "done", "M-001/task-001")
    same_in_every_tier(plan, run_cli)
    # A fact that arrives as a note alone (from another clone, by sync).
    head = git(plan, "rev-parse", "HEAD").strip()
    note = json.dumps(event("0123456789abcdef0123", "M-002", head))
    git(plan, "notes", "--ref=refs/notes/milestones", "append", "-m", note, "HEAD")
    same_in_every_tier(plan, run_cli)
    # A fact waiting for the notes (they were locked when it was recorded).
    queue(plan / ".git", json.dumps(event("0123456789abcdef0124", "M-001", None)) + "\n")
    same_in_every_tier(plan, run_cli)
    # A fact in a commit's trailers (HEAD moves).
    (plan / "login.txt").write_text("login\n")
    git(plan, "add", "login.txt")
    git(plan, "commit", "-q", "-m", "Login\n\nCompletes: M-001/task-002")
    same_in_every_tier(plan, run_cli)
    # Another branch, with a fact of its own.
    git(plan, "switch", "-q", "-c", "pay")
    run_cli("task", "done", "M-002/task-001")
    same_in_every_tier(plan, run_cli)
    git(plan, "switch", "-q", "main")
    same_in_every_tier(plan, run_cli)
    # History rewritten: HEAD moves back, the work tree and the notes stay as they are.
    git(plan, "branch", "-q", "login")
    git(plan, "reset", "-q", "--keep", "HEAD~1")
    same_in_every_tier(plan, run_cli)
    git(plan, "reset", "-q", "--keep", "login")
    # The config: the time a commit counts (milestone-config.yaml).
    cfg = plan / ".milestones/config/milestone-config.yaml"
    cfg.write_text(cfg.read_text().replace("first_commit_minutes: 30", "first_commit_minutes: 90"))
    same_in_every_tier(plan, run_cli)
    # Another day: days left and overdue milestones move.
    monkeypatch.setenv("GIT_MILESTONE_DATE", "2030-02-01")
    same_in_every_tier(plan, run_cli)
    # A milestone file removed.
    ms_file(plan, "M-002").unlink()
    same_in_every_tier(plan, run_cli)


@pytest.mark.parametrize("tier", ["file", "database"])
def test_time_in_an_open_session_follows_the_clock(
    plan: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tier: str
) -> None:
    (plan / PIN).write_text(f"{tier}\n")
    monkeypatch.setenv("GIT_MILESTONE_DATE", "2026-11-20T09:00:00Z")
    assert run_cli("start", "M-001", "--task", "task-001").exit_code == 0

    def hours() -> float:
        data = json.loads(run_cli("status", "--json").output)
        return float(data["milestones"][0]["time"]["actual_hours"])

    monkeypatch.setenv("GIT_MILESTONE_DATE", "2026-11-20T10:00:00Z")
    assert hours() == pytest.approx(1.0)
    assert hours() == pytest.approx(1.0)
    monkeypatch.setenv("GIT_MILESTONE_DATE", "2026-11-20T10:30:00Z")
    assert hours() == pytest.approx(1.5)
    assert "M-001" in run_cli("status").output
    monkeypatch.setenv("GIT_MILESTONE_DATE", "2026-11-20T11:00:00Z")
    assert "2.0h spent" in run_cli("status").output or "2h spent" in run_cli("status").output


@pytest.mark.parametrize("tier", ["file", "database"])
def test_warnings_are_shown_on_every_read(
    plan: Path, run_cli: Callable[..., Result], tier: str
) -> None:
    (plan / PIN).write_text(f"{tier}\n")
    git(plan, "notes", "--ref=refs/notes/milestones", "append", "-m", "{not json", "HEAD")
    first, second = run_cli("list", "--json"), run_cli("list", "--json")
    assert first.output == second.output
    assert "warning:" in first.stderr and first.stderr == second.stderr


def test_a_damaged_view_is_computed_again(plan: Path, run_cli: Callable[..., Result]) -> None:
    import sqlite3

    (plan / PIN).write_text("database\n")
    before = run_cli("list", "--json").output
    with sqlite3.connect(plan / ".git/milestones/index.db") as db:
        db.execute("UPDATE views SET value = x'00ff'")
    assert run_cli("list", "--json").output == before


def test_sync_keeps_the_views_the_next_status_reads(
    plan: Path, run_cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin, clone = tmp_path / "origin.git", tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--mirror", str(plan), str(origin))
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    monkeypatch.chdir(clone)
    (clone / ".git/milestones").mkdir(parents=True)
    (clone / PIN).write_text("database\n")
    assert run_cli("sync", "--no-push").exit_code == 0
    reads = plan_reads(clone)
    first = run_cli("status", "--level", "dashboard").output
    assert plan_reads(clone) == reads  # read back: sync computed it
    assert "Auth" in first and first == views(clone, run_cli, "file")[3]


def performance(root: Path, since: int = 0) -> list[dict[str, object]]:
    lines = (root / READS).read_text().splitlines()
    return [json.loads(line) for line in lines[since:]]


def test_after_one_file_changes_only_its_card_is_computed(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    same_in_every_tier(plan, run_cli)
    run_cli("set", "M-002", "title=Billing")
    git(plan, "commit", "-qam", "Rename")
    (plan / PIN).write_text("database\n")
    seen = len(performance(plan))
    shown = run_cli("status", "--level", "dashboard").output
    after = performance(plan, seen)
    # M-002's file alone was read; the critical path was read back: a title moves no date.
    assert sum(int(str(e["files"])) for e in after if e["event"] == "plan_read") == 1
    assert [e["hit"] for e in after if e.get("view") == "critical path"] == [True]
    assert "Billing" in shown
    assert views(plan, run_cli, "file")[3] == shown


def test_an_edit_that_moves_dates_solves_the_network_again(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    same_in_every_tier(plan, run_cli)
    path = ms_file(plan, "M-001")
    path.write_text(path.read_text().replace("estimated_hours: 6", "estimated_hours: 60"))
    git(plan, "commit", "-qam", "Login is bigger")
    (plan / PIN).write_text("database\n")
    seen = len(performance(plan))
    shown = run_cli("dashboard", "--json").output
    after = performance(plan, seen)
    assert [e["hit"] for e in after if e.get("view") == "critical path"] == [False]
    # Solved milestone by milestone: M-001's file alone was read, its network solved again.
    assert sum(int(str(e["files"])) for e in after if e["event"] == "plan_read") == 1
    assert views(plan, run_cli, "file")[2] == shown
    same_in_every_tier(plan, run_cli)


def test_a_task_that_depends_on_another_milestone_s_task_is_solved_whole(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    path = ms_file(plan, "M-002")
    text = path.read_text().replace("dependencies: []", "dependencies: [M-001/task-002]", 1)
    assert "M-001/task-002" in text
    path.write_text(text)
    git(plan, "commit", "-qam", "The adapter waits for login")
    same_in_every_tier(plan, run_cli)
    chain = json.loads(run_cli("dashboard", "--json").stdout)["critical_path"]["chain"]
    assert [c["id"] for c in chain] == ["M-001", "M-002"]


def test_a_milestone_in_both_folders_counts_once_in_every_tier(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    done = ms_file(plan, "M-001", "completed")
    done.parent.mkdir(parents=True, exist_ok=True)
    done.write_text(ms_file(plan, "M-001").read_text())
    same_in_every_tier(plan, run_cli)
    (plan / PIN).write_text("database\n")
    result = run_cli("list", "--json")
    warned = [line for line in result.stderr.splitlines() if "M-001" in line]
    assert len(warned) == 1 and "only that one is counted" in warned[0]
    assert [m["path"] for m in json.loads(result.stdout)] == [
        ".milestones/active/M-002.yaml",
        ".milestones/completed/M-001.yaml",
    ]


def test_cards_hold_across_days_and_old_ones_give_way(
    plan: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A card follows from no day: a new day computes none. Cards of files since edited stay
    until the index holds twice the plan's cards and a few spare, the oldest going first."""
    from gitmilestone.storage import index

    (plan / PIN).write_text("database\n")
    assert run_cli("list", "--json").exit_code == 0
    monkeypatch.setenv("GIT_MILESTONE_DATE", "2030-03-02")
    seen = len(performance(plan))
    shown = [run_cli(*args).output for args in (("dashboard", "--json"), ("list", "--json"))]
    assert not [e for e in performance(plan, seen) if e["event"] == "plan_read"]
    fresh = views(plan, run_cli, "file")
    assert shown == [fresh[2], fresh[1]]
    (plan / PIN).write_text("database\n")
    monkeypatch.setattr(index, "CARDS_SPARE", 0)
    counts = []
    for n in range(4):
        run_cli("set", "M-001", f"title=Auth {n}")
        assert run_cli("list", "--json").exit_code == 0
        counts.append(json.loads(run_cli("storage", "status", "--json").stdout)["index"]["cards"])
    # Bound: CARDS_PER_MILESTONE * the plan's two; pruned to it once a quarter over.
    assert counts == [3, 4, 5, 4]
