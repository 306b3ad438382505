"""Time the dashboards on a large plan: text against `status`, the web page's build, size and
load in headless Chromium.

    .venv/bin/python bench/bench_dashboard.py [--milestones 1000] [--tasks 20] [--rounds 5]
                                              [--commits 200] [--keep]

Writes bench_analysis.py's plan (1,000 milestones of 20 tasks by default) into a throw-away
repository with a history of commits carrying Completes:/Time-Spent: trailers, then runs, as
subprocesses, in interleaved rounds after one warm-up each:
`status --level simple` (every milestone, one line each), `status` (the level the size picks),
`dashboard` (text, piped) and `dashboard --web`; the median of each and `dashboard`'s as a
multiple of `status --level simple`. Then the page's size, and the load event of the page in
headless Chromium (best of the rounds, a fresh tab each). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_analysis import write_repo
from benchlib import p90, workspace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
COMMANDS = {
    "status --level simple": ["status", "--level", "simple"],
    "status": ["status"],
    "dashboard": ["dashboard"],
    "dashboard --web": ["dashboard", "--web"],
}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def build(root: Path, milestones: int, tasks: int, commits: int) -> None:
    write_repo(root, milestones, tasks)
    git(root, "config", "user.name", "Bench")
    git(root, "config", "user.email", "bench@example.com")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Plan")
    for n in range(commits):
        mid, task = n % milestones, n // milestones + 1
        stamp = f"2026-11-{n % 28 + 1:02d}T10:00:00Z"
        message = f"Work {n}\n\nCompletes: M-{mid:04d}/task-{task:03d}\nTime-Spent: 2h\n"
        env = ["-c", "core.hooksPath=/dev/null"]
        subprocess.run(
            ["git", *env, "commit", "-q", "--allow-empty", "-m", message],
            cwd=root,
            check=True,
            capture_output=True,
            env={
                "GIT_AUTHOR_DATE": stamp,
                "GIT_COMMITTER_DATE": stamp,
                "PATH": str(BIN) + ":/usr/bin:/bin",
            },
        )


def once(root: Path, args: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, with the git it runs) of one command. On a busy
    machine the CPU time says what the command costs; the wall time what a user waits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([str(BIN / "git-milestone"), *args], cwd=root, capture_output=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"git milestone {' '.join(args)} failed:\n{proc.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def measure(root: Path, rounds: int) -> dict[str, list[tuple[float, float]]]:
    for args in COMMANDS.values():
        once(root, args)  # warm-up: .pyc files, the validation cache, the OS cache
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, args in COMMANDS.items():
            samples[name].append(once(root, args))
    return samples


def browser_load(page: Path, rounds: int) -> tuple[float, list[str]] | None:
    from tests.chromium import Browser, find

    binary = find()
    if binary is None:
        return None
    with Browser(binary) as b:
        loads = [b.load(page.as_uri()) for _ in range(rounds)]
    return min(x.load_seconds for x in loads), loads[-1].console


def report(samples: dict[str, list[tuple[float, float]]], page: Path, rounds: int) -> None:
    def median(name: str, which: int) -> float:
        return statistics.median(s[which] for s in samples[name])

    base = [median("status --level simple", 0), median("status --level simple", 1)]
    print(
        "| command | wall median | wall p90 | CPU median | x status --level simple (wall / CPU) |"
    )
    print("| --- | --- | --- | --- | --- |")
    for name, values in samples.items():
        wall, cpu = median(name, 0), median(name, 1)
        print(f"| `git milestone {name}` | {wall * 1000:.0f} ms | "
              f"{p90([v[0] for v in values]) * 1000:.0f} ms | {cpu * 1000:.0f} ms | "
              f"{wall / base[0]:.2f} / {cpu / base[1]:.2f} |")  # fmt: skip
    size = page.stat().st_size
    print(f"\nindex.html: {size / 1e6:.2f} MB ({size:,} bytes)")
    loaded = browser_load(page, rounds)
    if loaded is None:
        print("Chromium load: skipped (no chromium on PATH)")
        return
    seconds, console = loaded
    print(
        f"Chromium load event: {seconds * 1000:.0f} ms (best of {rounds}); "
        f"console: {console or 'empty'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--milestones", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the repository")
    args = parser.parse_args()
    with workspace("git-milestone-bench-dashboard-", args.keep) as root:
        build(root, args.milestones, args.tasks, args.commits)
        print(f"{args.milestones:,} milestones / {args.milestones * args.tasks:,} tasks, "
              f"{args.commits} commits; {args.rounds} interleaved rounds\n")  # fmt: skip
        samples = measure(root, args.rounds)
        report(samples, root / ".git/milestones/dashboard/index.html", args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
