"""Where things are: the work tree, the git directory and `.milestones/` (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gitmilestone.errors import MilestoneError, NotFoundError
from gitmilestone.git import runner

MILESTONES_DIR = ".milestones"


@dataclass(frozen=True)
class RepoPaths:
    root: Path  # top of the work tree
    git_dir: Path  # this worktree's git directory
    common_dir: Path  # shared git directory: refs, config, local caches

    @property
    def milestones(self) -> Path:
        return self.root / MILESTONES_DIR

    @property
    def local_dir(self) -> Path:
        """Local-only state: caches, drafts, logs. Never committed, always rebuildable."""
        return self.common_dir / "milestones"

    def rel(self, path: Path) -> str:
        """A path as the user sees it: relative to the repository root where possible."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


def discover(start: Path | None = None) -> RepoPaths:
    """Find the repository around `start` the way git itself does (GIT_DIR, worktrees...)."""
    asked = ("rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir")
    try:
        proc = runner.git(start, *asked, check=False)
    except FileNotFoundError as exc:
        raise MilestoneError("git is not installed or not on PATH", "install git first") from exc
    if proc.returncode != 0 and "must be run in a work tree" in proc.stderr:
        raise NotFoundError(
            "this is a bare repository: it has no work tree for .milestones/",
            "run git milestone inside a clone with a work tree (git clone <this> <folder>)",
        )
    if proc.returncode != 0:
        where = start or Path.cwd()
        raise NotFoundError(
            f"not inside a git repository: {where}",
            "run this inside a git work tree, or create one with `git init`",
        )
    lines = proc.stdout.splitlines()
    if len(lines) < 3:
        raise NotFoundError(
            "this repository has no work tree (bare repository)",
            "run git milestone inside a clone with a work tree",
        )
    top, git_dir, common = (Path(x) for x in lines[:3])
    if not common.is_absolute():
        common = (Path(start or Path.cwd()) / common).resolve()
    return RepoPaths(root=top, git_dir=git_dir, common_dir=common)


def bare(start: Path | None = None) -> RepoPaths | None:
    """A bare repository's paths (its git directory stands for the root), else None: for
    commands that read only objects and refs, such as a server-side `diff A B`."""
    proc = runner.git(start, "rev-parse", "--is-bare-repository", "--absolute-git-dir", check=False)
    lines = proc.stdout.split()
    if proc.returncode != 0 or lines[:1] != ["true"] or len(lines) < 2:
        return None
    git_dir = Path(lines[1])
    return RepoPaths(root=git_dir, git_dir=git_dir, common_dir=git_dir)
