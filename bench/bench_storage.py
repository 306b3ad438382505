"""Whole-plan reads at scale: the storage tiers against the file tier, `git status` and, when
it is installed, Taskwarrior on the same plan.

    .venv/bin/python bench/bench_storage.py [--milestones 1000] [--tasks 20] [--rounds 7]

Builds a throw-away repository (the milestone files of bench_cli.py, written with PyYAML's C
dumper for speed, one commit), then in interleaved rounds times: `git status`, `python -c
pass`, `status`, `status --json` and `list` in a clone in the automatic tier (the index), and
`status` in a clone pinned to the file tier (both clones with the hooks installed, as their
users would have them). Then `status` after a commit, each round anew: one that edits a
milestone's title (no date moves), one that completes a task in a file and one that completes a
task by a `Completes:` trailer (every later milestone's dates move: the bench plan is one
chain). Then `clone` + `sync` + the first `status`. Peak memory (max RSS) of the indexed `status` is
reported too. Taskwarrior (`task summary`, `task projects`) joins the
rounds only when `task` is on PATH: the benchmark installs nothing. Not part of the suite.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import yaml
from bench_cli import git, initialized_store, milestone
from benchlib import p90, workspace

from gitmilestone.storage.templates import MILESTONE_HEADER

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
GM = ["git", "milestone"]


def build(root: Path, milestones: int, tasks: int) -> None:
    root.mkdir()
    store = initialized_store(root)
    for m in range(milestones):
        mid = f"M-{m + 1:03d}"
        text = yaml.dump(milestone(m, tasks), Dumper=yaml.CSafeDumper, sort_keys=False)
        path = store.paths.milestones / "active" / f"{mid}.yaml"
        path.write_text(MILESTONE_HEADER.format(id=mid) + text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Plan\n\nMilestone: M-001\nCompletes: M-001/task-001\n")


def task_data(base: Path, milestones: int, tasks: int) -> Path:
    """The same plan as Taskwarrior data: a project per milestone, a task per task, completed
    where the milestone file says so. Written in Taskwarrior 2's own file format (one
    `[name:"value" ...]` line per task), as `task import` would leave it, in a moment."""
    data = base / "taskdata"
    data.mkdir()
    entry = "1764547200"  # 2025-12-01, the same for every task: the data stays reproducible
    files: dict[str, list[str]] = {"pending": [], "completed": []}
    for m in range(milestones):
        spec = milestone(m, tasks)
        mid = f"M-{m + 1:03d}"
        for n, t in enumerate(spec["tasks"]):  # type: ignore[arg-type]
            done = t.get("status") == "completed"
            uid = uuid.UUID(int=m * 1_000_000 + n + 1)
            fields = {
                "description": str(t["title"]).replace('"', "'"),
                "entry": entry,
                "modified": entry,
                "project": mid,
                "status": "completed" if done else "pending",
                "uuid": str(uid),
            }
            if done:
                fields["end"] = entry
            line = "[" + " ".join(f'{k}:"{v}"' for k, v in fields.items()) + "]"
            files["completed" if done else "pending"].append(line)
    for name, lines in files.items():
        (data / f"{name}.data").write_text("".join(f"{line}\n" for line in lines))
    (base / "taskrc").write_text(
        f"data.location={data}\nconfirmation=off\nhooks=off\nnews.version=2.6.2\n"
    )
    return data


def run(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Wall milliseconds and peak resident memory (KiB) of one run."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = (time.perf_counter() - start) * 1000
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}")
    return elapsed, usage.ru_maxrss


def commands(
    indexed: Path, filed: Path, taskdata: Path | None
) -> dict[str, tuple[list[str], Path]]:
    out = {
        "python -c pass": ([sys.executable, "-c", "pass"], indexed),
        "git status": (["git", "status"], indexed),
        "status (index)": ([*GM, "status"], indexed),
        "status --json (index)": ([*GM, "status", "--json"], indexed),
        "list (index)": ([*GM, "list"], indexed),
        "status (file tier)": ([*GM, "status"], filed),
    }
    if taskdata is not None:
        task = ["task", f"rc:{taskdata.parent / 'taskrc'}"]
        out["task summary"] = ([*task, "summary"], taskdata)
        out["task projects"] = ([*task, "projects"], taskdata)
    return out


def interleaved(cmds: dict[str, tuple[list[str], Path]], rounds: int) -> dict[str, list[float]]:
    for cmd, cwd in cmds.values():
        run(cmd, cwd)  # warm-up: .pyc files, the index, the OS file cache
    samples: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(rounds):
        for name, (cmd, cwd) in cmds.items():
            samples[name].append(run(cmd, cwd)[0])
    return samples


def after_edit(root: Path, rounds: int) -> list[float]:
    """`status` right after one milestone's title was edited and committed, each round anew:
    an edit that moves no date."""
    path = root / ".milestones/active/M-001.yaml"
    out = []
    for i in range(rounds):
        text = re.sub(r"(?m)^title: .*$", f"title: 'Milestone 1, renamed {i}'", path.read_text())
        path.write_text(text)
        git(root, "commit", "-qam", f"Rename {i}")
        out.append(run(["git", "milestone", "status"], root)[0])
    return out


def after_completing(root: Path, rounds: int, by_trailer: bool) -> list[float]:
    """`status` right after a task was completed in a milestone half way down the chain of
    milestones (every later date moves): by editing its file, or by a `Completes:` trailer."""
    out = []
    for i in range(rounds):
        mid = f"M-{len(list((root / '.milestones/active').glob('*.yaml'))) // 2 + i:03d}"
        path = root / ".milestones/active" / f"{mid}.yaml"
        tid = next(
            t["id"] for t in yaml.safe_load(path.read_text())["tasks"] if t["status"] == "pending"
        )
        if by_trailer:
            git(root, "commit", "-q", "--allow-empty", "-m", f"Work\n\nCompletes: {mid}/{tid}")
        else:
            at = path.read_text().index(f"- id: {tid}\n")  # its own status, not a phase's
            text = path.read_text()
            done = text[at:].replace("\n  status: pending", "\n  status: completed", 1)
            path.write_text(text[:at] + done)
            git(root, "commit", "-qam", f"Complete {mid}/{tid}")
        out.append(run(["git", "milestone", "status"], root)[0])
    return out


def first_after_clone(origin: Path, base: Path, rounds: int) -> tuple[list[float], list[float]]:
    """(sync, first status) in fresh clones."""
    syncs, firsts = [], []
    for i in range(rounds):
        clone = base / f"clone-{i}"
        git(base, "clone", "-q", str(origin), str(clone))
        syncs.append(run(["git", "milestone", "sync", "--no-push"], clone)[0])
        firsts.append(run(["git", "milestone", "status"], clone)[0])
        shutil.rmtree(clone)
    return syncs, firsts


def row(name: str, values: list[float], peer: float) -> str:
    med = statistics.median(values)
    return f"{name:<34}{med:>10.1f}{p90(values):>9.1f}{med / peer:>10.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--milestones", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with workspace("git-milestone-storage-", args.keep) as base:
        origin = base / "origin"
        build(origin, args.milestones, args.tasks)
        indexed, filed = base / "indexed", base / "filed"
        git(base, "clone", "-q", str(origin), str(indexed))
        git(base, "clone", "-q", str(origin), str(filed))
        (filed / ".git/milestones").mkdir(parents=True, exist_ok=True)
        (filed / ".git/milestones/storage-backend").write_text("file\n")
        for clone in (indexed, filed):  # a working clone, as its user set it up
            run([*GM, "install"], clone)
        taskdata = None
        if shutil.which("task") is not None:
            taskdata = task_data(base, args.milestones, args.tasks)
        samples = interleaved(commands(indexed, filed, taskdata), args.rounds)
        samples["status after a title edit+commit"] = after_edit(indexed, args.rounds)
        samples["status after a task done in a file"] = after_completing(
            indexed, args.rounds, False
        )
        samples["status after a Completes: trailer"] = after_completing(indexed, args.rounds, True)
        syncs, firsts = first_after_clone(origin, base, max(args.rounds // 2, 2))
        samples["sync in a fresh clone"] = syncs
        samples["first status after clone+sync"] = firsts
        _, rss = run(["git", "milestone", "status"], indexed)
        print(
            f"{args.milestones} milestones x {args.tasks} tasks, {args.rounds} rounds,"
            f" Python {sys.version.split()[0]}, {git(base, 'version').strip()},"
            f" Taskwarrior: {'yes' if taskdata else 'not installed'}"
        )
        warm = statistics.median(samples["status (index)"])
        head = f"{'command':<34}{'median ms':>10}{'p90 ms':>9}{'x status':>10}"
        print("\n".join([head, "-" * len(head)]))
        print("\n".join(row(name, values, warm) for name, values in samples.items()))
        print(f"peak memory of status (index): {rss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
