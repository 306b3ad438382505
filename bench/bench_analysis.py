"""Time `critical-path` and `schedule` on a large plan, and show that they grow linearly.

    .venv/bin/python bench/bench_analysis.py [--milestones 1000] [--tasks 20] [--rounds 5]
                                             [--repo [--keep]]

Builds the plan in memory (1,000 milestones of 20 tasks by default: milestone and task
dependencies within and across milestones, finished and half-done work, deadlines, PERT
estimates on some tasks), then times what each command computes and renders, at 1/4, 1/2 and
the full size. Doubling the plan should about double the time. `--repo` also writes the full
plan into a throw-away repository and times the two commands end to end, as subprocesses.
Not part of the test suite. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchlib import workspace

from gitmilestone.analysis import pert, schedule
from gitmilestone.analysis.calendar import WorkCalendar
from gitmilestone.core.model import Milestone, Settings
from gitmilestone.render import analysis as render

START = dt.date(2026, 11, 2)
SETTINGS = Settings()
BIN = Path(sys.executable).parent


def task_data(rng: random.Random, m: int, t: int) -> dict[str, Any]:
    deps = [f"task-{t:03d}"] if t else []
    if t > 3 and rng.random() < 0.3:
        deps.append(f"task-{t - 3:03d}")
    if m > 3 and t == 0:
        deps.append(f"M-{m - 3:04d}/task-{rng.randrange(5) + 1:03d}")  # across milestones
    data: dict[str, Any] = {
        "id": f"task-{t + 1:03d}",
        "title": f"Task {t + 1} of milestone {m + 1}",
        "estimated_hours": rng.choice([2, 4, 6, 8, 12, 16]),
        "status": rng.choice(["completed", "in_progress", "pending", "pending", "pending"]),
        "dependencies": deps,
    }
    if data["status"] == "in_progress":
        data["progress"] = rng.choice([25, 50, 75])
    if rng.random() < 0.1:
        data |= {"optimistic_hours": 2, "most_likely_hours": 6, "pessimistic_hours": 14}
    return data


def milestone_data(rng: random.Random, m: int, tasks: int) -> dict[str, Any]:
    requires = [f"M-{m - 1:04d}"] if m else []
    if m > 10 and rng.random() < 0.5:
        requires.append(f"M-{m - rng.randrange(2, 10):04d}")
    end = START + dt.timedelta(days=7 * (m // 4 + 1))
    return {
        "schema_version": 1,
        "id": f"M-{m:04d}",
        "title": f"Milestone {m + 1}",
        "timeline": {
            "estimated_end": end.isoformat(),
            "estimated_hours": 0,
            "buffer_percentage": 20,
        },
        "dependencies": {"requires": sorted(set(requires)), "enables": [], "external": []},
        "tasks": [task_data(rng, m, t) for t in range(tasks)],
    }


def generate(milestones: int, tasks: int, seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [milestone_data(rng, m, tasks) for m in range(milestones)]


def to_model(plan: list[dict[str, Any]]) -> list[Milestone]:
    return [
        Milestone.from_dict(d, path=f".milestones/active/{d['id']}.yaml", location="active")
        for d in plan
    ]


def critical_path(ms: list[Milestone]) -> int:
    """What `git milestone critical-path --all` computes and renders, after loading."""
    net = schedule.build(ms, WorkCalendar(START), SETTINGS, 20)
    result = net.solve()
    items = schedule.items(net, result)
    chain = schedule.chain_items(net, result, items)
    lines = render.critical_path_lines(schedule.summary(net, result), chain, items, True)
    return len(lines)


def schedule_view(ms: list[Milestone]) -> int:
    """What `git milestone schedule` computes and renders, after loading (PERT included)."""
    net = schedule.build(ms, WorkCalendar(START), SETTINGS, 20)
    result = net.solve()
    items = schedule.items(net, result)
    odds = pert.by_milestone(net)
    return len(render.schedule_lines(schedule.summary(net, result), items, odds))


def once(fn: Callable[[], object]) -> float:
    gc.collect()  # start each run with the same garbage: none
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def best_seconds(fn: Callable[[], object], rounds: int) -> float:
    """The fastest of `rounds` runs: other load on the machine only ever adds time."""
    return min(once(fn) for _ in range(rounds))


def size_of(ms: list[Milestone]) -> int:
    g = schedule.build(ms, WorkCalendar(START), SETTINGS, 20).graph
    return len(g.nodes) + g.edge_count


def interleaved(plans: list[list[Milestone]], rounds: int) -> list[tuple[float, float]]:
    """Best times per plan, every plan timed in each round, so that a change in machine load
    hits all sizes alike."""
    best = [(float("inf"), float("inf"))] * len(plans)
    for _ in range(rounds):
        for n, ms in enumerate(plans):
            cp = once(functools.partial(critical_path, ms))
            sc = once(functools.partial(schedule_view, ms))
            best[n] = (min(best[n][0], cp), min(best[n][1], sc))
    return best


def in_memory(milestones: int, tasks: int, rounds: int) -> None:
    plans = [to_model(generate(milestones // share, tasks)) for share in (4, 2, 1)]
    print(f"In memory, best of {rounds} interleaved rounds (parsing the files not included):\n")
    print("| size | nodes + edges | critical-path | ratio | schedule | ratio | µs per node+edge |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    times = interleaved(plans, rounds)
    for n, (ms, (cp, sc)) in enumerate(zip(plans, times, strict=True)):
        ratios = (
            ["-", "-"] if not n else [f"{cp / times[n - 1][0]:.2f}", f"{sc / times[n - 1][1]:.2f}"]
        )
        size = size_of(ms)
        label = f"{len(ms):,} milestones / {len(ms) * tasks:,} tasks"
        cells = [label, f"{size:,}", f"{cp * 1000:.0f} ms", ratios[0], f"{sc * 1000:.0f} ms"]
        cells += [ratios[1], f"{cp / size * 1e6:.1f} / {sc / size * 1e6:.1f}"]
        print("| " + " | ".join(cells) + " |")


def write_repo(root: Path, milestones: int, tasks: int) -> None:
    import yaml

    subprocess.run(["git", "init", "-q", str(root)], check=True)
    init = [str(BIN / "git-milestone"), "init", "--no-hooks"]
    subprocess.run(init, cwd=root, check=True, capture_output=True)
    for data in generate(milestones, tasks):
        text = yaml.safe_dump(data, sort_keys=False, default_flow_style=False)
        (root / ".milestones/active" / f"{data['id']}.yaml").write_text(text)


def time_command(root: Path, args: list[str], rounds: int) -> float:
    run = functools.partial(
        subprocess.run,
        [str(BIN / "git-milestone"), *args],
        cwd=root,
        check=True,
        capture_output=True,
    )
    run()  # warm-up: fills the validation cache, as any second run finds it
    return best_seconds(run, rounds)


def end_to_end(milestones: int, tasks: int, rounds: int, keep: bool) -> None:
    with workspace("git-milestone-bench-analysis-", keep) as root:
        write_repo(root, milestones, tasks)
        print(f"\nEnd to end in {root} ({milestones:,} files), best of {rounds} runs:\n")
        print("| command | wall time |")
        print("| --- | --- |")
        for command in ("critical-path", "schedule"):
            args = [command, "--from", START.isoformat()]
            wall = time_command(root, args, rounds)
            print(f"| `git milestone {' '.join(args)}` | {wall * 1000:.0f} ms |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--milestones", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repo", action="store_true", help="also time the commands end to end")
    parser.add_argument("--keep", action="store_true", help="--repo: keep the repository")
    args = parser.parse_args()
    in_memory(args.milestones, args.tasks, args.rounds)
    if args.repo:
        end_to_end(args.milestones, args.tasks, max(1, args.rounds // 2), args.keep)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
