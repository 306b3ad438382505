"""Storage tiers: the SQLite index gives the plan the files give, migrations are backed up,
logged and reversible, and a damaged or foreign index is rebuilt, never trusted."""

from __future__ import annotations

import json
import marshal
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.cli.helpers import assert_user_error, ms_file
from tests.conftest import Prebuilt

INDEX = ".git/milestones/index.db"


@pytest.fixture
def plan(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:

    def build(root: Path) -> None:
        run_cli("new", "Auth", "-p", "high", "--end", "2030-01-10", "--hours", "40")
        run_cli("new", "Payments", "-p", "critical", "--hours", "10")
        run_cli("task", "add", "M-001", "Schema", "--hours", "2")
        run_cli("task", "add", "M-001", "Login", "--hours", "6")
        run_cli("task", "add", "M-002", "Adapter", "--hours", "5")
        run_cli("task", "done", "M-001/task-001")

    prebuilt("test_storage_tiers.plan", build)
    return initialized


def _json(run_cli: Callable[..., Result], *args: str) -> object:
    result = run_cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_tier_shows_the_same_plan(plan: Path, run_cli: Callable[..., Result]) -> None:
    by_file = _json(run_cli, "status"), _json(run_cli, "list")
    for tier in ("hybrid", "database"):
        assert run_cli("storage", "migrate", "--to", tier).exit_code == 0
        assert (_json(run_cli, "status"), _json(run_cli, "list")) == by_file
    assert (plan / INDEX).exists()
    status = _json(run_cli, "storage", "status")
    assert isinstance(status, dict)
    assert status["tier"] == "database"
    assert status["index"]["files"] == 2 and status["index"]["tasks"] == 3
    assert status["reads"]["cache_hit_rate"] > 0
    # A file not named after its ID is found among the indexed plan, its data read lazily.
    ms_file(plan, "M-001").rename(plan / ".milestones/active/auth.yaml")
    shown = _json(run_cli, "show", "M-001")
    assert isinstance(shown, dict) and shown["file"]["tasks"][1]["title"] == "Login"


def test_a_file_changed_in_the_same_second_is_seen(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("storage", "migrate", "--to", "hybrid")
    run_cli("status")
    run_cli("set", "M-002", "title=Billing")  # same size class, same clock tick
    rows = _json(run_cli, "list")
    assert isinstance(rows, list)
    assert {r["id"]: r["title"] for r in rows}["M-002"] == "Billing"


def test_thresholds_choose_the_tier(plan: Path, run_cli: Callable[..., Result]) -> None:
    cfg = plan / ".milestones/config/storage-config.yaml"
    status = _json(run_cli, "storage", "status")
    assert isinstance(status, dict) and status["tier"] == "file"
    cfg.write_text(cfg.read_text().replace("hybrid: 25", "hybrid: 2"))
    status = _json(run_cli, "storage", "status")
    assert isinstance(status, dict) and status["tier"] == "hybrid"
    assert "thresholds.hybrid (2)" in status["why"]
    run_cli("status")
    scale = (plan / ".git/milestones/logs/scale-events.jsonl").read_text().splitlines()
    assert json.loads(scale[-1])["to"] == "hybrid"


def test_migrate_rollback_migrate_round_trips(plan: Path, run_cli: Callable[..., Result]) -> None:
    before = _json(run_cli, "status")
    assert run_cli("storage", "migrate", "--to", "database").exit_code == 0
    backups = list((plan / ".git/milestones/backups").glob("migration-*-file-to-database"))
    assert len(backups) == 1
    assert run_cli("storage", "verify").exit_code == 0
    assert run_cli("storage", "rollback").exit_code == 0
    status = _json(run_cli, "storage", "status")
    assert isinstance(status, dict) and status["tier"] == "file" and status["pinned"] is None
    assert not (plan / INDEX).exists()  # the file tier had no index
    assert run_cli("storage", "migrate", "--to", "database").exit_code == 0
    assert run_cli("storage", "verify").exit_code == 0
    assert _json(run_cli, "status") == before
    log = (plan / ".git/milestones/logs/storage-events.jsonl").read_text().splitlines()
    events = [json.loads(line)["event"] for line in log]
    assert events.count("migrated") == 2 and "rolled_back" in events


def test_rollback_without_a_backup_says_how(plan: Path, run_cli: Callable[..., Result]) -> None:
    assert_user_error(run_cli("storage", "rollback"), "no migration backup")


def test_verify_repairs_an_index_that_lies(plan: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("storage", "migrate", "--to", "hybrid")
    with sqlite3.connect(plan / INDEX) as db:
        blob = db.execute("SELECT blob FROM blobs").fetchone()[0]
        db.execute("UPDATE blobs SET data = ? WHERE blob = ?", (marshal.dumps({"x": 1}), blob))
    db.close()
    result = run_cli("storage", "verify")
    assert result.exit_code == 1
    assert "repaired: .milestones/active/" in result.output
    assert run_cli("storage", "verify").exit_code == 0


@pytest.mark.parametrize("damage", ["garbage", "foreign"])
def test_a_damaged_or_foreign_index_is_rebuilt(
    plan: Path, run_cli: Callable[..., Result], damage: str
) -> None:
    run_cli("storage", "migrate", "--to", "hybrid")
    expected = _json(run_cli, "status")
    db_path = plan / INDEX
    if damage == "garbage":
        for suffix in ("-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        db_path.write_bytes(b"not a database" * 100)
    else:
        with sqlite3.connect(db_path) as db:
            db.execute("UPDATE meta SET value = '999' WHERE key = 'version'")
        db.close()
    result = run_cli("status", "--json")
    assert "rebuilding it" in result.stderr
    assert json.loads(result.stdout) == expected
    assert run_cli("storage", "verify").exit_code == 0


def test_a_file_row_whose_content_the_index_lacks_is_index_damage(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("storage", "migrate", "--to", "hybrid")
    for path in (plan / ".milestones/active").glob("*.yaml"):
        os.utime(path, (1_700_000_000, 1_700_000_000))  # their stat rows are trusted
    expected = _json(run_cli, "list")
    with sqlite3.connect(plan / INDEX) as db:  # rows as an older version could leave them
        for table in ("blobs", "views", "cards", "ids"):
            db.execute(f"DELETE FROM {table}")
    db.close()
    result = run_cli("list", "--json")
    assert "rebuilding it" in result.stderr
    assert json.loads(result.stdout) == expected


def test_a_broken_file_is_still_reported_in_the_index_tiers(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("storage", "migrate", "--to", "database")
    path = ms_file(plan, "M-002")
    path.write_text(path.read_text().replace("priority: critical", "priority: urgent"))
    assert_user_error(run_cli("status"), "M-002.yaml", "urgent")


@pytest.mark.parametrize("tier", ["hybrid", "database"])
def test_a_file_that_is_not_yaml_is_reported_the_same_on_every_read(
    plan: Path, run_cli: Callable[..., Result], tier: str
) -> None:
    run_cli("storage", "migrate", "--to", tier)
    path = ms_file(plan, "M-002")
    text = path.read_text()
    path.write_text(text.replace("priority: critical", "priority: 'critical' x"))
    os.utime(path, (1_700_000_000, 1_700_000_000))  # not just written: its stat is trusted
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if "' x" in t)
    for args in (("status",), ("status",), ("list", "--json"), ("show", "M-002")):
        # The first read failed to parse it; later ones must not take the file as read.
        assert_user_error(run_cli(*args), f"M-002.yaml:{line}", "not valid YAML")
    path.write_text(text)
    assert run_cli("status").exit_code == 0


CRASH_CHILD = """
import sys
from pathlib import Path
from gitmilestone.git.repo import discover
from gitmilestone.storage.store import Store
from gitmilestone.storage.tiers import Choice

store = Store(discover(Path(sys.argv[1])))
files = sorted(Path(sys.argv[1], ".milestones/active").glob("*.yaml"))
texts = [p.read_text() for p in files]
print("ready", flush=True)
k = 0
while True:
    k += 1
    for path, text in zip(files, texts):  # whole files only: the index is what is tested
        tmp = path.with_name(".tmp")
        tmp.write_text(text.replace("title: Auth", f"title: Auth {k}"))
        tmp.replace(path)
    store.reload()
    store.read_indexed(store.files(), Choice("hybrid", "crash test"))
"""


def test_a_killed_writer_leaves_a_whole_index(plan: Path, run_cli: Callable[..., Result]) -> None:
    """kill -9 at random points of a loop that rewrites the index: every time, the index
    that remains opens, passes SQLite's integrity check and agrees with the files."""
    import random
    import signal
    import subprocess
    import sys
    import time

    for i in range(8):
        run_cli("task", "add", "M-001", f"Step {i}", "--hours", "1")
    run_cli("storage", "migrate", "--to", "hybrid")
    rng = random.Random(15)
    for _ in range(4):
        child = subprocess.Popen(
            [sys.executable, "-c", CRASH_CHILD, str(plan)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.3))
        child.send_signal(signal.SIGKILL)
        child.wait()
        with sqlite3.connect(plan / INDEX) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
        verified = _json(run_cli, "storage", "verify")  # fresh parse of every file vs index
        assert isinstance(verified, dict) and verified["mismatched"] == []


def test_sync_fills_the_index_of_a_fresh_clone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_sync import Clones, git, start_project

    clones = Clones(tmp_path, monkeypatch)
    a = start_project(clones)
    cfg = a / ".milestones/config/storage-config.yaml"
    cfg.write_text(cfg.read_text().replace("hybrid: 25", "hybrid: 1"))
    git(a, "commit", "-qam", "Index from one milestone on")
    git(a, "push", "-q", "origin", "main")
    fresh = clones.clone("fresh")
    log = fresh / ".git/milestones/logs/performance-metrics.jsonl"

    def plan_reads() -> list[dict[str, object]]:
        events = [json.loads(line) for line in log.read_text().splitlines()]
        return [e for e in events if e["event"] == "plan_read"]

    assert clones.run(fresh, "sync").exit_code == 0
    synced = plan_reads()
    assert any(e["parsed"] >= 1 for e in synced)  # type: ignore[operator]  # sync parsed ...
    clones.run(fresh, "status")
    after = plan_reads()[len(synced) :]
    assert all(e["parsed"] == 0 for e in after)  # ... so the first status parses nothing


def test_an_index_that_cannot_be_written_falls_back_to_the_files(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    expected = _json(run_cli, "status")
    run_cli("storage", "migrate", "--to", "hybrid")
    db_path = plan / INDEX
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    db_path.unlink()
    db_path.mkdir()  # a folder where the index should be: SQLite cannot open it
    result = run_cli("status", "--json")
    assert result.exit_code == 0
    assert "reading the files directly" in result.stderr
    assert json.loads(result.stdout) == expected


def test_an_entry_that_does_not_decode_is_rebuilt(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("storage", "migrate", "--to", "hybrid")
    expected = _json(run_cli, "status")
    with sqlite3.connect(plan / INDEX) as db:
        db.execute("UPDATE blobs SET obj = ?", (b"\x80\x05not a pickle",))
        db.execute("DELETE FROM views")  # so the read reaches the damaged entries
    db.close()
    result = run_cli("status", "--json")
    assert "rebuilding it" in result.stderr
    assert json.loads(result.stdout) == expected
