"""Wall time of `git milestone` commands against `git status` and bare Python start-up.

    .venv/bin/python bench/bench_cli.py [--rounds 20] [--milestones 25] [--tasks 8] [--keep]

Builds a throw-away repository with the library code (25 milestones of 8 tasks, some with
design/spec/task/execute phases, one commit per milestone with trailers) and the demo
(`git milestone demo`: 4 milestones, signed approvals, sessions), then runs every command as a
subprocess, interleaved round by round so drift in machine load hits all of them alike. Not
part of the test suite. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchlib import p90, workspace

from gitmilestone.commands import plan
from gitmilestone.core.phases import phase_template
from gitmilestone.git.repo import discover
from gitmilestone.storage.store import Store
from gitmilestone.storage.templates import MILESTONE_HEADER
from gitmilestone.storage.yamledit import dump_new

BIN = Path(sys.executable).parent
STATUSES = ("completed", "completed", "in_progress", "pending", "pending", "blocked")
PHASE_STATES = ("completed", "approved", "in_progress", "pending")

COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "git status": ["git", "status"],
    "git milestone -h": ["git", "milestone", "-h"],
    "git milestone status": ["git", "milestone", "status"],
    "git milestone list --json": ["git", "milestone", "list", "--json"],
    "demo: git milestone status": ["git", "milestone", "status"],
    "demo: status --json": ["git", "milestone", "status", "--json"],
}
DEMO = "demo: "  # rows run in the demo repository


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return proc.stdout


def task(m: int, t: int) -> dict[str, object]:
    status = STATUSES[(m + t) % len(STATUSES)]
    data: dict[str, object] = {
        "id": f"task-{t + 1:03d}",
        "title": f"Task {t + 1} of milestone {m + 1}: build, test, document",
        "estimated_hours": 2 + (m * t) % 13,
        "status": status,
        "assigned_to": f"dev-{t % 4 + 1}",
        "dependencies": [f"task-{t:03d}"] if t else [],
    }
    if status == "blocked":
        data["blocked_reason"] = "Waiting for review"
    if t % 3 == 0:
        workflow = phase_template()
        for i, phase in enumerate(workflow["phases"].values()):
            phase["status"] = PHASE_STATES[(m + t + i) % len(PHASE_STATES)]
        data["kiro_workflow"] = workflow
    return data


def milestone(m: int, tasks: int) -> dict[str, object]:
    spec = plan.NewMilestone(
        title=f"Milestone {m + 1}: feature area {m % 7}",
        description="Generated for the benchmark",
        priority=("critical", "high", "medium", "low")[m % 4],
        start=f"2026-{m % 12 + 1:02d}-01",
        end=f"2026-{m % 12 + 1:02d}-25",
        hours=8.0 * tasks,
    )
    defaults = {"priority": "medium", "category": "feature", "estimated_hours": 0}
    requires = (f"M-{m:03d}",) if m else ()
    data = plan.milestone_template(
        f"M-{m + 1:03d}", spec, defaults | {"buffer_percentage": 20}, requires
    )
    data["success_criteria"] = ["All tasks done", "p95 latency under 200 ms"]
    data["risks"] = [{"description": "Scope creep", "probability": 0.3, "impact": "medium"}]
    data["tasks"] = [task(m, t) for t in range(tasks)]
    return data


def initialized_store(root: Path) -> Store:
    """A new repository with the benchmark's identity, after `git milestone init`."""
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Bench")
    git(root, "config", "user.email", "bench@example.com")
    store = Store(discover(root))
    plan.init(store)
    return store


def build_repo(root: Path, milestones: int, tasks: int) -> None:
    store = initialized_store(root)
    for m in range(milestones):
        mid = f"M-{m + 1:03d}"
        path = store.paths.milestones / "active" / f"{mid}.yaml"
        store.write_new(path, dump_new(milestone(m, tasks), MILESTONE_HEADER.format(id=mid)))
        git(root, "add", "-A")
        message = f"Plan {mid}\n\nMilestone: {mid}\nCompletes: {mid}/task-001\n"
        git(root, "commit", "-q", "-m", message)


def time_once(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr.decode()}")
    return elapsed * 1000


def measure(root: Path, demo: Path, rounds: int) -> dict[str, list[float]]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    where = {name: demo if name.startswith(DEMO) else root for name in COMMANDS}
    for name, cmd in COMMANDS.items():  # warm-up: .pyc files, the local caches, the OS cache
        time_once(cmd, where[name], env)
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, cmd in COMMANDS.items():
            samples[name].append(time_once(cmd, where[name], env))
    return samples


def table(samples: dict[str, list[float]]) -> list[str]:
    git_ms = statistics.median(samples["git status"])
    py_ms = statistics.median(samples["python -c pass"])
    head = f"{'command':<28}{'median ms':>10}{'p90 ms':>9}{'x git status':>14}{'x python':>10}"
    lines = [head, "-" * len(head)]
    for name, values in samples.items():
        med = statistics.median(values)
        lines.append(
            f"{name:<28}{med:>10.1f}{p90(values):>9.1f}{med / git_ms:>14.2f}{med / py_ms:>10.2f}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--milestones", type=int, default=25)
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="Keep the repository and print it.")
    args = parser.parse_args()
    with (
        workspace("git-milestone-bench-", args.keep) as root,
        workspace("git-milestone-bench-demo-", args.keep) as elsewhere,
    ):
        build_repo(root, args.milestones, args.tasks)
        demo = elsewhere / "demo"
        subprocess.run(
            [sys.executable, "-m", "gitmilestone", "demo", "--dir", str(demo)],
            capture_output=True,
            check=True,
        )
        samples = measure(root, demo, args.rounds)
        print(
            f"{args.milestones} milestones x {args.tasks} tasks, {args.rounds} interleaved rounds,"
            f" Python {sys.version.split()[0]}, {git(root, 'version').strip()}"
        )
        print("\n".join(table(samples)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
