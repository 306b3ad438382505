"""What git-milestone's hooks add to `git commit`, measured in one paired run.

    .venv/bin/python bench/bench_hooks.py [--rounds 30] [--keep]

Builds a throw-away repository with a plan (`git milestone init`, one milestone with tasks),
installs the hooks, and then, round by round, makes the same kind of commit twice: once with
our hooks (core.hooksPath -> the installed shims) and once with none (an empty hooks folder),
in alternating order. The difference of each pair is what the hooks cost; the table shows the
median and 90th percentile of those differences. Two peers run in the same rounds: two no-op
`#!/bin/sh` hooks (commit-msg and post-commit), the floor any hook manager pays, and two hooks
that start this Python as ours do (`python -I -S -c pass`), the floor of a hook in Python.

Scenarios:
  plain       a commit on main whose message names no milestone
  branch      a commit on milestone/M-001/task-001-login: commit-msg adds `Task:`, post-commit
              records the trailer event in notes
  no plan     the hooks installed in a repository without .milestones/ (they must step aside)
Not part of the test suite. See bench/README.md.
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

BIN = Path(sys.executable).parent
NOOP = "#!/bin/sh\nexit 0\n"
PYTHON_NOOP = f"#!/bin/sh\n[ -d .milestones ] || exit 0\n'{sys.executable}' -I -S -c pass\n"


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return proc.stdout


def milestone(root: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "gitmilestone", *args], cwd=root, check=True, capture_output=True
    )


def build(base: Path) -> dict[str, Path]:
    """Two repositories (with and without a plan) and three hooks folders."""
    # As an installed package is: compiled, even where PYTHONDONTWRITEBYTECODE is set.
    package = Path(__file__).resolve().parents[1] / "gitmilestone"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    planned, bare = base / "planned", base / "unplanned"
    for root in (planned, bare):
        root.mkdir()
        git(root, "init", "-q", "-b", "main")
        (root / "README").write_text("bench\n")
        git(root, "add", "README")
        git(root, "commit", "-q", "-m", "start")
    milestone(planned, "init", "--no-hooks")
    config = planned / ".milestones/config/milestone-config.yaml"
    config.write_text(config.read_text().replace("suffix_length: 4", "suffix_length: 0"))
    milestone(planned, "new", "Login")  # M-001
    milestone(planned, "task", "add", "M-001", "Sign in form")  # task-001
    git(planned, "add", ".milestones")
    git(planned, "commit", "-q", "-m", "plan")
    git(planned, "checkout", "-q", "-b", "milestone/M-001/task-001-login")
    hooks = {
        "ours": base / "hooks-ours",
        "none": base / "hooks-none",
        "noop": base / "hooks-noop",
        "python": base / "hooks-python",
    }
    for folder in hooks.values():
        folder.mkdir()
    for root in (planned, bare):
        git(root, "config", "core.hooksPath", str(hooks["ours"]))
    milestone(planned, "install")
    for name in ("commit-msg", "post-commit"):
        for folder, body in ((hooks["noop"], NOOP), (hooks["python"], PYTHON_NOOP)):
            (folder / name).write_text(body)
            (folder / name).chmod(0o755)
    return {"planned": planned, "unplanned": bare, **hooks}


def commit_time(root: Path, hooks: Path, n: int) -> float:
    (root / "work.txt").write_text(f"change {n}\n")
    git(root, "add", "work.txt")
    start = time.perf_counter()
    subprocess.run(
        ["git", "-c", f"core.hooksPath={hooks}", "commit", "-q", "-m", f"Change {n}"],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def paired(root: Path, hooks: Path, none: Path, rounds: int, counter: list[int]) -> list[float]:
    diffs = []
    for r in range(rounds):
        order = [(hooks, 1.0), (none, -1.0)] if r % 2 else [(none, -1.0), (hooks, 1.0)]
        diff = 0.0
        for folder, sign in order:
            counter[0] += 1
            diff += sign * commit_time(root, folder, counter[0])
        diffs.append(diff * 1000)
    return diffs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"
    with workspace("git-milestone-hooks-", args.keep) as base:
        where = build(base)
        counter = [0]
        rows = []
        for label, root_key, on_branch in (
            ("plain commit, our hooks", "planned", False),
            ("branch commit, our hooks", "planned", True),
            ("no plan, our hooks", "unplanned", False),
            ("peer: 2 no-op sh hooks", "planned", False),
            ("peer: 2 no-op Python hooks", "planned", False),
        ):
            root = where[root_key]
            if root_key == "planned":
                branch = "milestone/M-001/task-001-login" if on_branch else "main"
                git(root, "checkout", "-q", branch)
            peer = "python" if "Python" in label else "noop"
            hooks = where[peer] if label.startswith("peer") else where["ours"]
            paired(root, hooks, where["none"], 3, counter)  # warm-up: .pyc files, file cache
            rows.append((label, paired(root, hooks, where["none"], args.rounds, counter)))
        print(f"{'added to git commit':<28} {'median ms':>10} {'p90 ms':>8}")
        for label, diffs in rows:
            print(f"{label:<28} {statistics.median(diffs):>10.1f} {p90(diffs):>8.1f}")
        floor = statistics.median(rows[-1][1])
        plain, branch = (statistics.median(rows[n][1]) / floor for n in (0, 1))
        print(f"\nour hooks vs two Python start-ups: plain {plain:.2f}x, branch {branch:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
