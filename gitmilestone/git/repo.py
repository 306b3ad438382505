"""Where things are: the work tree, the git directory and `.milestones/` (stdlib only)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from gitmilestone.errors import MilestoneError, NotFoundError
from gitmilestone.git import runner

MILESTONES_DIR = ".milestones"


class RepoPaths(NamedTuple):
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


# Any of these changes where git looks: git itself is asked.
_DISCOVERY_ENVIRONMENT = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
)


def discover(start: Path | None = None) -> RepoPaths:
    """Find the repository around `start` the way git itself does (GIT_DIR, worktrees...):
    from the files where they have the plain form, else by asking git."""
    return found_in_files(start) or asked_git(start)


def found_in_files(start: Path | None = None) -> RepoPaths | None:
    """The work tree holding `start` and its git folders, read from disk as git would find
    them: a `.git` folder, or a `.git` file naming a linked work tree's folder, owned by this
    user, with no core.worktree, core.bare, include or per-worktree config. Anything else
    (an environment variable that moves the search, a bare repository, a folder inside .git,
    a symbolic link for .git) is None: git decides, one process later."""
    if any(name in os.environ for name in _DISCOVERY_ENVIRONMENT):
        return None
    try:
        here = Path(os.path.realpath(start if start is not None else os.getcwd()))
        for top in (here, *here.parents):
            if top.name == ".git" or (top / "HEAD").is_file():
                return None  # inside a git folder, or a bare repository
            dot = top / ".git"
            if dot.is_symlink() or not dot.exists():
                continue
            return _plain(top, dot)
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _plain(top: Path, dot: Path) -> RepoPaths | None:
    if dot.is_dir():
        git_dir = dot
    else:
        line = dot.read_text(encoding="utf-8").strip()
        if not line.startswith("gitdir: "):
            return None
        git_dir = Path(os.path.normpath(top / line[len("gitdir: ") :]))
    common = git_dir
    if (git_dir / "commondir").is_file():
        pointer = (git_dir / "commondir").read_text(encoding="utf-8").strip()
        common = Path(os.path.normpath(git_dir / pointer))
    if not (git_dir / "HEAD").is_file() or (git_dir / "config.worktree").exists():
        return None
    me = os.geteuid()
    if any(p.stat().st_uid != me for p in (top, dot, git_dir)):
        return None  # git's safe.directory rules apply: let git say
    if not _plain_config(common):
        return None
    return RepoPaths(root=top, git_dir=git_dir, common_dir=common)


def _plain_config(common: Path) -> bool:
    """No setting in the repository's config that moves the work tree (core.worktree,
    core.bare) and no include that could."""
    entries = _config_entries(common)
    if entries is None:
        return False
    for section, key, value in entries:
        moves = key == "worktree" or (key == "bare" and _flag(value) is not False)
        if section == "core" and moves:
            return False
    return True


def local_flag(common: Path, section: str, key: str) -> bool | None:
    """A yes/no setting as the repository's own config file sets it (the last time, as git
    reads it), which beats the global and system files; None where it is not set there or
    something may beat it (an include, per-worktree config, settings in the environment)."""
    if "GIT_CONFIG_PARAMETERS" in os.environ or "GIT_CONFIG_COUNT" in os.environ:
        return None
    entries = _config_entries(common)
    found = [v for s, k, v in entries or () if (s, k) == (section, key)]
    return _flag(found[-1]) if found and entries is not None else None


def _config_entries(common: Path) -> list[tuple[str, str, str | None]] | None:
    """(section, key, value) of the repository's config file, names in lower case (a key
    without `=` has the value None); None where it includes other files."""
    if (common / "config.worktree").exists() or any(common.glob("worktrees/*/config.worktree")):
        return None
    try:
        text = (common / "config").read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    section, out = "", []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].split(";", 1)[0].strip()
        if line.startswith("["):
            section = line.strip("[] ").lower()
            if "include" in section:
                return None
        elif line:
            key, sep, value = (part.strip() for part in line.partition("="))
            out.append((section, key.lower(), value if sep else None))
    return out


def _flag(value: str | None) -> bool | None:
    """A config value read as git reads a yes/no setting; None when it is neither."""
    if value is None:
        return True
    return {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False,
            "off": False, "0": False, "": False}.get(value.strip('"').lower())  # fmt: skip


def asked_git(start: Path | None = None) -> RepoPaths:
    """discover, by `git rev-parse`."""
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
