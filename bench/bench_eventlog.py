"""Reading the event log of a long history, side by side with `git log --format=%(trailers)`.

    .venv/bin/python bench/bench_eventlog.py [--commits 100000] [--rounds 5] [--keep]

Builds a throw-away repository with `git fast-import`: COMMITS commits, 3 in 10 with a
milestone trailer (Task:, Completes:, Progress:, Time-Spent:, Milestone: in turn), every one
with a Signed-off-by line, and a note event on every 10th commit (at 100,000 commits: 30,000
trailers and 10,000 notes). Then, in interleaved rounds, times

  git log        `git log --format=%(trailers)` over the whole history (the peer)
  cold read      eventlog.all_events with an empty cache: every commit parsed
  warm read      the same with the cache of the previous read
  +1 commit      one more commit on top, then a read: only that commit is scanned
  status         `git milestone status` (warm), the command as users run it, against
                 `git log --format=%(trailers:key=Completes)` (its own peer, "git log key")
  log --jsonl    `git milestone log --jsonl` with no local cache (cold), against git log key
  git fetch      in a fresh clone, `git fetch` of refs/notes/milestones alone (the peer of:)
  sync           in another fresh clone, `git milestone sync --no-push`: the notes fetched
                 and merged, the event log and the index built, ready for the first status

and prints the median of each and its ratio to its peer. sync is also given against the
fetch plus the cold read (building the event log is most of filling the local index). The
reads are the library call every command makes (`gitmilestone.git.eventlog.all_events`),
timed in this process; git and the commands run as subprocesses, as users run them. Not part
of the test suite. See bench/README.md.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bench_cli import milestone
from benchlib import workspace

from gitmilestone.commands import plan
from gitmilestone.core.events import Event
from gitmilestone.core.trailers import event_id
from gitmilestone.git import eventlog, logcache
from gitmilestone.git.repo import discover
from gitmilestone.storage.store import Store
from gitmilestone.storage.templates import MILESTONE_HEADER
from gitmilestone.storage.yamledit import dump_new

PEERS = {
    "git log key": "git log key",
    "status": "git log key",
    "git fetch": "git fetch",
    "sync": "git fetch",
    "log --jsonl": "git log key",
}
AUTHOR = "Dev <dev@example.com>"
TRAILERS = (
    "Task: M-001/task-001",
    "Completes: M-002/task-003",
    "Progress: M-001/task-002 40",
    "Time-Spent: 1h30m",
    "Milestone: M-003",
)


def stream(commits: int) -> Iterator[bytes]:
    """A fast-import stream: a linear history, a milestone trailer in 3 commits of 10, then
    one commit on the notes ref with a note on every 10th commit (the five kinds of trailer
    in turn, every message signed off)."""
    start = 1_700_000_000
    for i in range(commits):
        trailer = f"{TRAILERS[i // 3 % len(TRAILERS)]}\n" if i % 10 in (1, 4, 7) else ""
        msg = (
            f"Change {i}\n\nWhat changed and why.\n\n{trailer}"
            "Signed-off-by: Dev <dev@example.com>\n"
        ).encode()
        head = f"commit refs/heads/main\nmark :{i + 1}\n"
        head += f"committer Dev <dev@example.com> {start + i * 60} +0000\ndata {len(msg)}\n"
        yield head.encode() + msg + (f"from :{i}\n" if i else "").encode() + b"\n"
    yield f"commit {eventlog.NOTES_REF}\ncommitter Dev <dev@example.com> {start} +0000\n".encode()
    yield b"data 6\nnotes\n"
    for i in range(0, commits, 10):
        line = (note_event(i, start + i * 60).to_json() + "\n").encode()
        yield f"N inline :{i + 1}\ndata {len(line)}\n".encode() + line
    yield b"\n"


def note_event(i: int, when: int) -> Event:
    """A task_started note with the details commands write (a note, the user's context).
    Its commit is left empty, as fast-import cannot name it: a reader sets it from the
    commit the note is attached to."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(when))
    eid = event_id("bench", str(i))
    details = {"notes": f"Started on change {i}", "user_context": {"branch": "main", "cwd": "."}}
    return Event(eid, stamp, "task_started", "M-001", "task-001", details, None, AUTHOR)


def build(root: Path, commits: int) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    with subprocess.Popen(["git", "fast-import", "--quiet"], cwd=root, stdin=subprocess.PIPE) as p:
        assert p.stdin is not None
        for chunk in stream(commits):
            p.stdin.write(chunk)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    add_plan(root)


def add_plan(root: Path) -> None:
    """The milestones the trailers name (M-001..M-003, tasks task-001..), committed on top."""
    store = Store(discover(root))
    plan.init(store)
    for m in range(3):
        mid = f"M-{m + 1:03d}"
        path = store.paths.milestones / "active" / f"{mid}.yaml"
        store.write_new(path, dump_new(milestone(m, 10), MILESTONE_HEADER.format(id=mid)))
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "Plan"], cwd=root, check=True)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def fresh_clones(root: Path, base: Path, n: int) -> tuple[float, float]:
    """(git fetch of the notes ref, git milestone sync) each in a clone of its own."""
    spec = "refs/notes/milestones:refs/notes/milestones"
    commands = {
        "fetch": ["git", "fetch", "-q", "origin", spec],
        "sync": [str(Path(sys.executable).parent / "git-milestone"), "sync", "--no-push"],
    }
    times = []
    for kind, command in commands.items():
        clone = base / f"clone-{kind}-{n}"
        subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
        start = time.perf_counter()
        subprocess.run(command, cwd=clone, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
        shutil.rmtree(clone)
    return times[0], times[1]


def rounds(root: Path, cache: Path, count: int) -> dict[str, list[float]]:
    kinds = (
        "git log",
        "cold",
        "warm",
        "+1 commit",
        "git log key",
        "status",
        "log --jsonl",
        "git fetch",
        "sync",
    )
    results: dict[str, list[float]] = {k: [] for k in kinds}
    git_log = ["git", "log", "--format=%(trailers)"]
    key_log = ["git", "log", "--format=%(trailers:key=Completes)"]
    status = [str(Path(sys.executable).parent / "git-milestone"), "status"]
    jsonl = [status[0], "log", "--jsonl"]
    subprocess.run(status, cwd=root, capture_output=True, check=True)  # fills the local caches
    for n in range(count):
        results["git log"].append(
            timed(lambda: subprocess.run(git_log, cwd=root, capture_output=True, check=True))
        )
        shutil.rmtree(cache, ignore_errors=True)
        results["cold"].append(timed(lambda: eventlog.all_events(root, cache_dir=cache)))
        results["warm"].append(timed(lambda: eventlog.all_events(root, cache_dir=cache)))
        subprocess.run(
            ["git", "commit", "-q", "--allow-empty", "-m", f"More {n}\n\nTask: M-001/task-9"],
            cwd=root,
            check=True,
        )
        results["+1 commit"].append(timed(lambda: eventlog.all_events(root, cache_dir=cache)))
        subprocess.run(status, cwd=root, capture_output=True, check=True)  # warm after +1
        results["git log key"].append(
            timed(lambda: subprocess.run(key_log, cwd=root, capture_output=True, check=True))
        )
        results["status"].append(
            timed(lambda: subprocess.run(status, cwd=root, capture_output=True, check=True))
        )
        for name in (logcache.CACHE_NAME, eventlog.NOTES_CACHE):  # as a clone that never read
            (root / ".git/milestones" / name).unlink(missing_ok=True)
        results["log --jsonl"].append(
            timed(lambda: subprocess.run(jsonl, cwd=root, capture_output=True, check=True))
        )
        fetched, synced = fresh_clones(root, cache.parent, n)
        results["git fetch"].append(fetched)
        results["sync"].append(synced)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with workspace("git-milestone-log-", args.keep) as base:
        root = base / "repo"
        print(f"building {args.commits} commits ...", flush=True)
        build(root, args.commits)
        events, _ = eventlog.all_events(root)
        print(f"{len(events)} events\n")
        results = rounds(root, base / "cache", args.rounds)
        medians = {k: statistics.median(v) for k, v in results.items()}
        print(f"{'read':<12} {'median s':>9} {'vs peer':>9}  peer")
        for label, median in medians.items():
            peer = PEERS.get(label, "git log")
            print(f"{label:<12} {median:>9.3f} {median / medians[peer]:>8.2f}x  {peer}")
        both = medians["git fetch"] + medians["cold"]
        print(f"\nsync against git fetch + a cold read: {medians['sync'] / both:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
