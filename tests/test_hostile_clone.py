"""A clone of a hostile repository: bad notes, committed directory symlinks, crafted pause
notes and snapshot refs. Every command either works or fails with a clean error, and
nothing outside the clone changes."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import git

NOTES = "refs/notes/milestones"
SESSION = "session-20261102-001"


def state_of(folder: Path, skip: Path) -> dict[str, tuple[int, float]]:
    """Every path under `folder` but `skip`, with its size and modification time."""
    out = {}
    for p in folder.rglob("*"):
        if p == skip or skip in p.parents:
            continue
        st = p.lstat()
        out[str(p)] = (st.st_size, st.st_mtime)
    return out


def pause_events(head: str, snapshot: str, n: int) -> list[dict[str, object]]:
    def event(kind: str, i: int, **details: object) -> dict[str, object]:
        return {
            "v": 1,
            "id": f"{n + i:020x}",
            "timestamp": f"2026-11-02T10:0{n}:0{i}.000Z",
            "event_type": kind,
            "milestone_id": "M-001",
            "task_id": None,
            "session_id": SESSION,
            "details": {"session": SESSION, "seq": i, "branch": "main", **details},
            "source": "note",
        }

    return [event("session_started", 1), event("session_paused", 2, head=head, snapshot=snapshot)]


def build_hostile(origin: Path, outside: Path, run_cli: Callable[..., Result]) -> None:
    assert run_cli("init").exit_code == 0
    assert run_cli("new", "Auth").exit_code == 0
    for child in (origin / ".milestones/completed").iterdir():
        child.unlink()
    (origin / ".milestones/completed").rmdir()
    (origin / ".milestones/completed").symlink_to(outside)  # committed: travels with clones
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "--no-verify", "-m", "plan")
    # A "snapshot" that is no stash: one parent, a tree of its own.
    blob = git(origin, "rev-parse", "HEAD:.milestones/config/milestone-config.yaml").strip()
    tree = subprocess.run(
        ["git", "mktree"],
        cwd=origin,
        input=f"100644 blob {blob}\tpwned.txt\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    fake = git(origin, "commit-tree", tree, "-p", "HEAD", "-m", "WIP").strip()
    git(origin, "update-ref", f"refs/milestones/wip/{SESSION}", fake)
    lines = [json.dumps(e) for e in pause_events(f"--output={outside}/x", "--all", 1)]
    lines += [json.dumps(e) for e in pause_events(fake, fake, 2)]
    lines.append('{"v":1,"id":"\udcff"}')
    note = "\n".join(lines).encode("utf-8", "surrogateescape") + b"\n\xff\xfe\n"
    subprocess.run(
        ["git", "notes", f"--ref={NOTES}", "append", "-F", "-", "HEAD"],
        cwd=origin,
        input=note,
        check=True,
        capture_output=True,
    )


def test_commands_in_a_clone_of_a_hostile_repository_touch_nothing_outside(
    repo: Path,
    run_cli: Callable[..., Result],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "canary.txt").write_text("untouched")
    build_hostile(repo, outside, run_cli)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    before = state_of(tmp_path, clone)
    monkeypatch.chdir(clone)

    results = {
        "install": run_cli("install"),
        "sync": run_cli("sync"),
        "status": run_cli("status"),
        "peek": run_cli("resume", "--peek"),
        "restore": run_cli("resume", "--restore"),
        "log": run_cli("log"),
    }
    checkout = subprocess.run(
        ["git", "checkout", "-q", "-b", "other"], cwd=clone, capture_output=True, text=True
    )
    back = subprocess.run(["git", "checkout", "-q", "main"], cwd=clone, capture_output=True)
    results["init"] = run_cli("init")
    results["doctor"] = run_cli("doctor")

    for name, result in results.items():
        assert "Traceback" not in result.output, name
        assert result.exit_code in (0, 1), (name, result.output)
    assert results["sync"].exit_code == 0, results["sync"].output
    assert results["status"].exit_code == 0 and "warning:" in results["status"].stderr
    assert "is not a snapshot a pause made" in results["restore"].output
    assert "outside the repository" in results["init"].output
    assert checkout.returncode == 0 and back.returncode == 0, checkout.stderr
    assert "Traceback" not in checkout.stderr
    assert not (clone / "pwned.txt").exists()
    assert state_of(tmp_path, clone) == before  # nothing outside the clone changed
    assert "invalid event" in results["doctor"].output
