"""Time `git milestone diff A B` on a large plan and a long range, beside `git diff --stat`.

    .venv/bin/python bench/bench_diff.py [--milestones 1000] [--tasks 20] [--commits 10000]
                                         [--changed 20] [--rounds 5] [--keep]

Builds a throw-away bare-free repository with `git fast-import`: commit A holds the plan of
bench_analysis.py (1,000 milestones of 20 tasks, 20,000 tasks) as YAML files; then COMMITS
commits, every tenth with a `Completes:` trailer for an open task; then commit B, which moves
the end date of CHANGED milestones, adds a task to each and re-estimates one. Then, in paired
rounds (the order alternating), times as subprocesses

  git diff --stat      `git diff --stat A B -- .milestones` (the peer)
  git log trailers     `git log --format=%(trailers) A..B` (what reading the facts costs git)
  diff (fresh clone)   `git milestone diff A B --format json`, every local cache removed
                       (.git/milestones: parsed files, validation, event log), as in CI
  diff (cold log)      the same with only the event-log cache removed
  diff (warm)          the same, with the cache of the previous run
  diff markdown        `git milestone diff A B --format markdown`, warm

after one warm-up run of each (compiled .pyc files, the validation cache), and prints the
median and p90 of each and the median's ratio to `git diff --stat`. Not part of the test
suite. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from bench_analysis import generate
from benchlib import p90, workspace

BIN = Path(sys.executable).parent
STAMP = 1_790_000_000  # 2026-09-21
DAY = "2026-11-02"


def _blob(path: str, text: str) -> bytes:
    data = text.encode()
    return f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"


def _commit(mark: int, when: int, message: str, files: list[bytes], parent: bool) -> bytes:
    msg = message.encode()
    head = f"commit refs/heads/main\nmark :{mark}\n"
    head += f"committer Dev <dev@example.com> {when} +0000\ndata {len(msg)}\n"
    out = head.encode() + msg + (f"from :{mark - 1}\n" if parent else "").encode()
    return out + b"".join(files) + b"\n"


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)


def stream(plan: list[dict[str, Any]], commits: int, changed: int) -> Iterator[bytes]:
    files = [_blob(f".milestones/active/{d['id']}.yaml", _dump(d)) for d in plan]
    yield _commit(1, STAMP, "Plan\n", files, parent=False)
    open_tasks = [
        (d["id"], t["id"]) for d in plan for t in d["tasks"] if t["status"] != "completed"
    ]
    rng = random.Random(7)
    for i in range(commits):
        body = f"Change {i}\n\nWhat changed and why.\n"
        if i % 10 == 0 and open_tasks:
            mid, tid = open_tasks.pop(rng.randrange(len(open_tasks)))
            body += f"\nCompletes: {mid}/{tid}\n"
        yield _commit(i + 2, STAMP + 60 * (i + 1), body, [], parent=True)
    yield _commit(commits + 2, STAMP + 60 * (commits + 1), "Replan\n", _replan(plan, changed), True)


def _replan(plan: list[dict[str, Any]], changed: int) -> list[bytes]:
    out = []
    for d in plan[:: max(1, len(plan) // changed)][:changed]:
        d = {**d, "timeline": {**d["timeline"], "estimated_end": "2027-06-30"}}
        tasks = [dict(t) for t in d["tasks"]]
        tasks[-1]["estimated_hours"] = tasks[-1]["estimated_hours"] + 4
        tasks.append({"id": "task-900", "title": "Follow-up", "estimated_hours": 4,
                      "status": "pending", "dependencies": []})  # fmt: skip
        out.append(_blob(f".milestones/active/{d['id']}.yaml", _dump({**d, "tasks": tasks})))
    return out


def build(root: Path, milestones: int, tasks: int, commits: int, changed: int) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    plan = generate(milestones, tasks)
    with subprocess.Popen(["git", "fast-import", "--quiet"], cwd=root, stdin=subprocess.PIPE) as p:
        assert p.stdin is not None
        for chunk in stream(plan, commits, changed):
            p.stdin.write(chunk)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    subprocess.run([str(BIN / "git-milestone"), "init", "--no-hooks"], cwd=root, check=True,
                   capture_output=True)  # fmt: skip


CPU: dict[str, list[float]] = {}


def timed(cmd: list[str], root: Path, label: str = "") -> float:
    """Wall time; the CPU time (user + system, the command and its children) goes to CPU, as
    on a loaded machine it tells what the command costs better than the wall clock does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=root, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    CPU.setdefault(label, []).append(cpu)
    return wall


def rounds(root: Path, a: str, b: str, count: int) -> dict[str, list[float]]:
    exe = str(BIN / "git-milestone")
    local = root / ".git" / "milestones"
    commands = {
        "git diff --stat": ["git", "diff", "--stat", a, b, "--", ".milestones"],
        "git log trailers": ["git", "log", "--format=%(trailers)", f"{a}..{b}"],
        "diff (fresh clone)": [exe, "diff", a, b, "--format", "json"],
        "diff (cold log)": [exe, "diff", a, b, "--format", "json"],
        "diff (warm)": [exe, "diff", a, b, "--format", "json"],
        "diff markdown": [exe, "diff", a, b, "--format", "markdown"],
    }
    for cmd in commands.values():
        timed(cmd, root)  # warm-up
    results: dict[str, list[float]] = {k: [] for k in commands}
    for n in range(count):
        order = list(commands) if n % 2 == 0 else list(reversed(commands))
        for label in order:
            if label == "diff (fresh clone)":  # every local cache gone, as in CI
                shutil.rmtree(local, ignore_errors=True)
            if label == "diff (cold log)":  # parsed files cached, the trailers read again
                (local / "eventlog.cache").unlink(missing_ok=True)
            results[label].append(timed(commands[label], root, label))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--milestones", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    os.environ["GIT_MILESTONE_DATE"] = DAY
    with workspace("git-milestone-diff-", args.keep) as base:
        root = base / "repo"
        print(f"building {args.milestones} milestones, {args.commits} commits ...", flush=True)
        build(root, args.milestones, args.tasks, args.commits, args.changed)
        a, b = f"main~{args.commits + 1}", "main"
        results = rounds(root, a, b, args.rounds)
        peer = statistics.median(results["git diff --stat"])
        print(f"\n{os.cpu_count()} CPUs, median of {args.rounds} paired rounds:\n")
        print(f"load average before: {os.getloadavg()[0]:.1f}\n")
        print("| command | median wall | p90 wall | vs git diff --stat | median CPU |")
        print("| --- | --- | --- | --- | --- |")
        for label, times in results.items():
            med = statistics.median(times)
            cpu = statistics.median(CPU[label])
            print(
                f"| {label} | {med:.3f} s | {p90(times):.3f} s | {med / peer:.1f}x | {cpu:.3f} s |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
