"""Put the hook shims in place and take them away again; set the notes config they rely on.

This is the slow path (subprocess git, file renames). What the shims run at commit time is
`gitmilestone.hooks.run`, which must stay light. Returns lines describing each change; never
prints.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from gitmilestone.errors import ConflictError, MilestoneError, NotFoundError
from gitmilestone.git import runner
from gitmilestone.git.repo import RepoPaths, discover
from gitmilestone.resources import data_dir

DEFAULT_HOOKS = ("commit-msg", "post-commit", "post-checkout", "post-merge", "post-rewrite")
OPT_IN_HOOKS = ("pre-push",)  # syncs notes on every push, so only when asked for
ALL_HOOKS = DEFAULT_HOOKS + OPT_IN_HOOKS
MARKER = b"7c1e2a9b-git-milestone-hook"
NOTES_REF = "refs/notes/milestones"
REWRITE_MODE = "cat_sort_uniq"

Shown = Callable[[Path], str]


def locate(start: Path | None = None) -> RepoPaths:
    """The repository to install into. A bare one is named as such, not as 'no repository'."""
    try:
        return discover(start)
    except NotFoundError:
        proc = runner.git(start, "rev-parse", "--is-bare-repository", check=False)
        if proc.stdout.strip() == "true":
            raise NotFoundError(
                "this is a bare repository: git runs no commit hooks without a work tree",
                "run git milestone install inside a clone with a work tree",
            ) from None
        raise


def hooks_dir(paths: RepoPaths) -> Path:
    """Where git looks for hooks: honours core.hooksPath and linked worktrees."""
    out = _git(paths, "rev-parse", "--git-path", "hooks").strip()
    # git prints a path relative to the directory it ran in, which _git makes the root.
    return Path(os.path.normpath(paths.root / out))


def render_shim(hook: str, python: str) -> str:
    template = (data_dir("hooks") / "shim.sh").read_text(encoding="utf-8")
    # The folder holding the gitmilestone package, so the shim can skip site-packages.
    pkgroot = str(Path(__file__).resolve().parents[2])
    return (
        template.replace("{HOOK}", hook)
        .replace("{PYTHON}", shlex.quote(python))
        .replace("{PKGROOT}", shlex.quote(pkgroot))
    )


def is_ours(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return MARKER in fh.read(4096)
    except OSError:  # missing, a directory, unreadable: not a shim we wrote
        return False


class Change(NamedTuple):
    """What happened to one hook file, for a line of output or a row of JSON."""

    action: str  # installed, updated, already installed, removed, restored
    path: str  # as the user sees it
    note: str = ""

    @property
    def line(self) -> str:
        return f"{self.action}  {self.path}{self.note}"


def install(paths: RepoPaths, *, pre_push: bool = False, python: str | None = None) -> list[str]:
    """Install the shims (pre-push only with `pre_push`), then the notes and merge config."""
    from gitmilestone.commands.mergeconfig import configure_driver

    changes = install_hooks(paths, pre_push=pre_push, python=python)
    return [c.line for c in changes] + configure_notes(paths) + configure_driver(paths, python)


def install_hooks(
    paths: RepoPaths, *, pre_push: bool = False, python: str | None = None
) -> list[Change]:
    folder = hooks_dir(paths)
    hooks = ALL_HOOKS if pre_push else DEFAULT_HOOKS
    _refuse_conflicts(folder, hooks, paths.rel)
    interpreter = _interpreter(python)
    with _writing(folder, paths.rel):
        folder.mkdir(parents=True, exist_ok=True)
        _check_writable(folder)
        return [_install_one(folder / h, render_shim(h, interpreter), paths.rel) for h in hooks]


def uninstall(paths: RepoPaths) -> list[str]:
    """Remove our shims and put back what each one replaced, exactly as it was; then the
    merge driver's config and .gitattributes line."""
    from gitmilestone.commands.mergeconfig import remove_attribute, remove_driver

    folder = hooks_dir(paths)
    shown = paths.rel
    with _writing(folder, shown):
        changes = [_uninstall_one(folder / h, shown) for h in ALL_HOOKS]
    done = [c.line for c in changes if c]
    done = done or [f"no git-milestone hooks installed in {shown(folder)}"]
    return done + remove_driver(paths) + remove_attribute(paths)


def configure_notes(paths: RepoPaths) -> list[str]:
    """Let milestone notes follow amend and rebase, merging rather than replacing."""
    lines = []
    refs = _git(paths, "config", "--get-all", "notes.rewriteRef", check=False).split()
    if NOTES_REF not in refs:
        _git(paths, "config", "--add", "notes.rewriteRef", NOTES_REF)
        lines.append(f"git config: added notes.rewriteRef={NOTES_REF}")
    modes = _git(paths, "config", "--get-all", "notes.rewriteMode", check=False).split()
    if modes[-1:] != [REWRITE_MODE]:
        _git(paths, "config", "--replace-all", "notes.rewriteMode", REWRITE_MODE)
        was = f" (was {modes[-1]})" if modes else ""
        lines.append(f"git config: set notes.rewriteMode={REWRITE_MODE}{was}")
    return lines


def _install_one(path: Path, shim: str, shown: Shown) -> Change:
    legacy = _legacy(path)
    if is_ours(path):
        if path.read_bytes() == shim.encode() and os.access(path, os.X_OK):
            return Change("already installed", shown(path))
        os.replace(_stage(path.parent, shim), path)
        return Change("updated", shown(path))
    if os.path.lexists(path) and is_ours(legacy):
        # Another hook manager moved our shim aside and runs it from there.
        return Change("already installed", shown(legacy), f" (run by your {path.name} hook)")
    staged = _stage(path.parent, shim)
    note = f" (runs {legacy.name} first)" if os.access(legacy, os.X_OK) else ""
    if os.path.lexists(path):
        os.rename(path, legacy)  # a rename keeps the user's file exactly: bytes, mode, links
        note = f" (kept foreign hook as {legacy.name}; it runs first)"
    os.replace(staged, path)
    return Change("installed", shown(path), note)


def _uninstall_one(path: Path, shown: Shown) -> Change | None:
    legacy = _legacy(path)
    if is_ours(legacy):  # another hook manager moved our shim aside; its own hook stays
        legacy.unlink()
        return Change("removed", shown(legacy))
    if not is_ours(path):
        return None
    if os.path.lexists(legacy):
        os.replace(legacy, path)  # a rename: the user's file comes back byte for byte, mode too
        return Change("restored", shown(path), f" (from {legacy.name})")
    path.unlink()
    return Change("removed", shown(path))


def _refuse_conflicts(folder: Path, hooks: tuple[str, ...], shown: Shown) -> None:
    """Checked for every hook before anything changes, so a refusal leaves all as it was."""
    for hook in hooks:
        path, legacy = folder / hook, _legacy(folder / hook)
        foreign = os.path.lexists(path) and not is_ours(path)
        if foreign and os.path.lexists(legacy) and not is_ours(legacy):
            raise ConflictError(
                f"both {shown(path)} and {legacy.name} exist and neither is a "
                f"git-milestone hook; the {hook} hook was not installed, nothing was changed",
                f"merge {legacy.name} into {hook} (or move one of them away), then run "
                "git milestone install again",
            )


def _legacy(path: Path) -> Path:
    return path.with_name(path.name + ".legacy")


def _interpreter(python: str | None) -> str:
    # Not resolved: a virtualenv's python is a symlink, and resolving it would leave the venv.
    exe = python or sys.executable
    if not exe:
        raise MilestoneError(
            "cannot tell which Python runs git-milestone, so the hooks would not find it",
            "run git milestone install from the installed git-milestone command",
        )
    return os.path.abspath(exe)


def _stage(folder: Path, text: str) -> Path:
    """The shim in a temp file next to its final place, so the swap is one rename."""
    import tempfile  # only when a hook is written: `status` asks only whether they are there

    fd, tmp = tempfile.mkstemp(prefix=".git-milestone.", suffix=".tmp", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o755)
    return Path(tmp)


def _check_writable(folder: Path) -> None:
    # Mode bits too: root may write anywhere, but a read-only hooks dir is a user's decision.
    if not os.access(folder, os.W_OK) or not folder.stat().st_mode & 0o222:
        raise PermissionError(13, "Permission denied", str(folder))


@contextlib.contextmanager
def _writing(folder: Path, shown: Shown) -> Iterator[None]:
    """Turns a file-system failure under the hooks dir into an error the user can act on."""
    try:
        yield
    except OSError as exc:
        where = shown(folder)
        raise MilestoneError(
            f"cannot change the hooks in {where}: {exc.strerror or exc}",
            f"make {where} writable, or point core.hooksPath at a directory you can write",
        ) from exc


def _git(paths: RepoPaths, *args: str, check: bool = True) -> str:
    from gitmilestone.git.runner import git

    proc = git(paths.root, *args, check=False)
    if check and proc.returncode != 0:
        raise MilestoneError(
            f"git {' '.join(args)} failed: {proc.stderr.strip()}",
            "check that the repository and its .git/config are readable and writable",
        )
    return proc.stdout
