"""A repository with a reviewed branch, shared by the `diff` tests and the forge-recipe test:
on `feature`, two tasks completed by `Completes:` trailers, a date moved, a risk and a task
added. Built with the CLI and plain commits (trailers are all the history needs), so its
commit ids are the same on every run."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

DATE = "2026-11-10"


def commit(root: Path, message: str, *, allow_empty: bool = False) -> None:
    env = {**os.environ, "GIT_MILESTONE_SKIP_HOOKS": "1"}
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    extra = ["--allow-empty"] if allow_empty else []
    subprocess.run(["git", "commit", "-q", *extra, "-m", message], cwd=root, check=True, env=env)


def ok(run_cli: Callable[..., Result], *args: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == 0, result.output


def build(root: Path, run_cli: Callable[..., Result]) -> None:
    """`main` with a two-milestone plan, then `feature` checked out with the changes."""
    ok(run_cli, "new", "Build the API")
    ok(run_cli, "new", "Ship the docs")
    for title in ("Design", "Endpoints", "Tests"):
        ok(run_cli, "task", "add", "M-001", title, "--hours", "16")
    ok(run_cli, "task", "add", "M-002", "Write the guide", "--hours", "8")
    for mid in ("M-001", "M-002"):
        ok(run_cli, "criteria", "add", mid, "p95 latency under 200 ms")
    ok(run_cli, "set", "M-001", "timeline.estimated_end=2026-11-20")
    ok(
        run_cli,
        "set",
        "M-002",
        "dependencies.requires=[M-001]",
        "timeline.estimated_end=2026-11-27",
    )
    commit(root, "Plan the API")
    subprocess.run(["git", "checkout", "-q", "-b", "feature"], cwd=root, check=True)
    commit(root, "Design the API\n\nCompletes: M-001/task-001\n", allow_empty=True)
    commit(root, "Add the endpoints\n\nCompletes: M-001/task-002\n", allow_empty=True)
    ok(run_cli, "set", "M-001", "timeline.estimated_end=2026-11-25")
    ok(run_cli, "task", "add", "M-002", "Screenshots", "--hours", "4")
    ok(run_cli, "risk", "add", "M-001", "Auth provider late", "-p", "0.5", "-i", "high",
       "-m", "Stub the provider")  # fmt: skip
    commit(root, "Replan the docs")


_BUILT: dict[str, Path] = {}


def reviewed_repo(root: Path, run_cli: Callable[..., Result], cache: Callable[[str], Path]) -> None:
    """build() once per test process, then a copy of that repository into `root` (an
    initialized empty one): the commits are the same either way, and twenty CLI calls saved
    per test keep the suite fast."""
    if "repo" not in _BUILT:
        build(root, run_cli)
        _BUILT["repo"] = cache("diff-repo") / "repo"
        shutil.copytree(root, _BUILT["repo"], symlinks=True)
        return
    for child in root.iterdir():  # root itself stays: it is the working directory
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(_BUILT["repo"], root, symlinks=True, dirs_exist_ok=True)
