"""The `merge=milestone` driver on a 200-task milestone file, against `git merge-file`.

    .venv/bin/python bench/bench_merge.py [--tasks 200] [--rounds 20] [--keep]

Writes a milestone file with --tasks tasks (each with a title, status, hours, an assignee and
dependencies, a comment on every tenth) and, per scenario, the two sides of a merge. Then, in
interleaved rounds, runs what git runs for each file: `python -m gitmilestone merge-file
%O %A %B %P` (the driver as `git milestone install` registers it, a fresh process each time),
and as the peer `git merge-file` on the same three files. Prints the median and 90th
percentile in milliseconds and the driver's median as a multiple of the peer's.

Scenarios:
  far apart    different fields of tasks far apart (git's text merge is clean too)
  neighbours   different fields on neighbouring lines (a text conflict; the driver merges)
  both add     each side adds 5 tasks at the end (a text conflict; the driver keeps both)
  conflict     both sides change one status differently (one value between markers)
  (floor)      the start-up the driver cannot avoid (`python -c "import yaml, subprocess"`),
               against `git --version`
Not part of the test suite. See bench/README.md.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchlib import p90, workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gitmilestone.storage.yamledit import dump_new


def plan_text(tasks: int) -> str:
    items = [
        {
            "id": f"task-{i:03d}",
            "title": f"Task number {i}",
            "status": "pending",
            "estimated_hours": 4 + i % 7,
            "assigned_to": f"dev{i % 5}",
            "dependencies": [f"task-{i - 1:03d}"] if i > 1 else [],
        }
        for i in range(1, tasks + 1)
    ]
    data = {"schema_version": 1, "id": "M-001", "title": "Big milestone", "priority": "high",
            "timeline": {"estimated_start": "2026-11-01", "estimated_hours": 900},
            "success_criteria": ["All tasks done"], "tasks": items}  # fmt: skip
    text = dump_new(data, "# Milestone M-001: a large plan\n")
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if line.startswith("- id: task-") and line.endswith("0"):
            lines[n] = line + "  # checkpoint"
    return "\n".join(lines)


def sides(base: str, tasks: int) -> dict[str, tuple[str, str]]:
    def status(text: str, tid: str, value: str) -> str:
        old = f"- id: {tid}  # checkpoint\n" if tid.endswith("0") else f"- id: {tid}\n"
        head, _, rest = text.partition(old)
        return head + old + rest.replace("status: pending", f"status: {value}", 1)

    def added(text: str, first: int) -> str:
        extra = "".join(f"- id: task-{first + i}\n  title: New {i}\n" for i in range(5))
        return text + extra

    last = f"task-{tasks:03d}"
    return {
        "far apart": (status(base, "task-002", "completed"), status(base, last, "blocked")),
        "neighbours": (
            base.replace("title: Task number 7\n", "title: Task seven\n"),
            status(base, "task-007", "completed"),
        ),
        "both add": (added(base, 500), added(base, 600)),
        "conflict": (status(base, "task-050", "completed"), status(base, "task-050", "blocked")),
    }


def run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run, in ms. On a busy machine the CPU
    time is the steadier figure: waiting for a core adds wall time only."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


Times = dict[str, dict[str, list[tuple[float, float]]]]


def measure(base: Path, args: argparse.Namespace) -> Times:
    # As an installed package is: compiled, even where PYTHONDONTWRITEBYTECODE is set.
    package = Path(__file__).resolve().parents[1] / "gitmilestone"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    text = plan_text(args.tasks)
    (base / "O.yaml").write_text(text)
    cases = sides(text, args.tasks)
    for name, (ours, theirs) in cases.items():
        slug = name.replace(" ", "-")
        (base / f"{slug}.A").write_text(ours)
        (base / f"{slug}.B").write_text(theirs)
    times: Times = {n: {"driver": [], "peer": []} for n in cases}
    times["(floor)"] = {"driver": [], "peer": []}
    driver = [sys.executable, "-m", "gitmilestone", "merge-file"]
    peer = ["git", "merge-file", "-L", "o", "-L", "b", "-L", "t"]
    floor = [sys.executable, "-c", "import yaml, subprocess"]
    for _ in range(args.rounds + 1):  # the first round warms caches and is dropped
        for name in cases:
            slug = name.replace(" ", "-")
            shutil.copy(base / f"{slug}.A", base / "work.yaml")
            args_ = ["O.yaml", "work.yaml", f"{slug}.B", "M-001.yaml"]
            times[name]["driver"].append(run([*driver, *args_], base))
            shutil.copy(base / f"{slug}.A", base / "work.yaml")
            times[name]["peer"].append(run([*peer, "work.yaml", "O.yaml", f"{slug}.B"], base))
        times["(floor)"]["driver"].append(run(floor, base))
        times["(floor)"]["peer"].append(run(["git", "--version"], base))
    return {n: {w: v[1:] for w, v in t.items()} for n, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with workspace("git-milestone-bench-merge-", args.keep) as base:
        times = measure(base, args)
    print(f"merge driver on a {args.tasks}-task file, {args.rounds} rounds (ms)\n")
    print(f"{'scenario':<11} {'driver':>7} {'p90':>7} {'cpu':>6} {'merge-file':>11} {'p90':>6} "
          f"{'cpu':>5} {'ratio':>6}")  # fmt: skip
    for name, t in times.items():
        d, p = ([wall for wall, _ in t[w]] for w in ("driver", "peer"))
        dc, pc = (statistics.median(cpu for _, cpu in t[w]) for w in ("driver", "peer"))
        md, mp = statistics.median(d), statistics.median(p)
        print(f"{name:<11} {md:7.1f} {p90(d):7.1f} {dc:6.1f} {mp:11.1f} {p90(p):6.1f} "
              f"{pc:5.1f} {md / mp:5.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
