"""`git milestone sync`: exchange milestone notes (and work-in-progress snapshots) with a remote
so every clone converges on the same event log, with nothing lost.

Notes are fetched into refs/notes/remotes/<remote>/milestones (never force-fetched), merged
with `cat_sort_uniq` (lines of both sides, each once, so no conflict is possible) and pushed
without force; a push that loses a race is retried after merging again. Stdlib only: the
opt-in pre-push hook runs this.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from gitmilestone.errors import ConflictError, MilestoneError, NotFoundError
from gitmilestone.git import eventlog, runner

NOTES_REF = eventlog.NOTES_REF
WIP_GLOB = "refs/milestones/wip/*"
ATTEMPTS = 3  # pushes that lose a race to another clone are retried this often


@dataclass
class SyncResult:
    remote: str
    received: int = 0  # events new to this clone
    sent: int = 0  # events new to the remote
    pushed: bool = False
    carried: int = 0  # events of squashed or rebased landings attached to main's commits
    snapshots: list[str] = field(default_factory=list)  # wip refs fetched or pushed
    warnings: list[str] = field(default_factory=list)


def tracking_ref(remote: str) -> str:
    return f"refs/notes/remotes/{remote}/milestones"


def sync(root: Path, git_dir: Path, remote: str | None = None, push: bool = True) -> SyncResult:
    remote = remote or default_remote(root)
    _check_remote(root, remote)
    _refuse_pending_merge(git_dir)
    result = SyncResult(remote)
    before = _ids(root, NOTES_REF)
    for attempt in range(ATTEMPTS):
        _fetch(root, remote, result)
        if attempt == 0:
            result.carried = _carry_landings(root, remote, result)
        if not push or _push(root, remote, result):
            break
    else:
        raise ConflictError(
            f"sync incomplete: {remote} kept changing while we pushed ({ATTEMPTS} tries); "
            "everything fetched is merged here and nothing is lost",
            "run git milestone sync again",
        )
    result.received = len(_ids(root, NOTES_REF) - before)
    return result


def _carry_landings(root: Path, remote: str, result: SyncResult) -> int:
    """Facts of branches that landed on the remote's main branch by squash or rebase (see
    landing.py) are attached there before pushing, so every clone gets them."""
    from gitmilestone.git.landing import carry_landed

    target = _main_branch(root, remote)
    if target is None:
        return 0
    try:
        return sum(x.carried for x in carry_landed(root, target))
    except MilestoneError as err:
        result.warnings.append(f"landed branches not checked: {err.message}")
        return 0


def _main_branch(root: Path, remote: str) -> str | None:
    """The remote's default branch as fetched here (its HEAD, else main or master)."""
    tracking = [f"refs/remotes/{remote}/{name}" for name in ("HEAD", "main", "master")]
    for ref in (*tracking, "refs/heads/main", "refs/heads/master"):
        if _has_ref(root, ref):
            return ref
    return None


def default_remote(root: Path) -> str:
    """The current branch's upstream remote, else `origin`, else the only remote."""
    branch = _git(root, "symbolic-ref", "-q", "--short", "HEAD", check=False).stdout.strip()
    if branch:
        upstream = _git(root, "config", f"branch.{branch}.remote", check=False).stdout.strip()
        if upstream and upstream != ".":
            return upstream
    remotes = _git(root, "remote").stdout.split()
    if "origin" in remotes or len(remotes) == 1:
        return "origin" if "origin" in remotes else remotes[0]
    raise NotFoundError(
        "no remote to sync with" if not remotes else "several remotes and none is origin",
        "name one: git milestone sync <remote>"
        if remotes
        else "add one: git remote add origin <url>",
    )


def _check_remote(root: Path, remote: str) -> None:
    if _git(root, "remote", "get-url", remote, check=False).returncode != 0:
        known = ", ".join(_git(root, "remote").stdout.split()) or "none"
        raise NotFoundError(
            f"no remote named '{remote}' (remotes: {known})",
            "check the name with git remote -v",
        )


def _refuse_pending_merge(git_dir: Path) -> None:
    """A `git notes merge` someone left half done: merging again would bury it."""
    if (git_dir / "NOTES_MERGE_PARTIAL").exists() or (git_dir / "NOTES_MERGE_REF").exists():
        raise ConflictError(
            "a notes merge is in progress in this clone; sync changed nothing",
            f"finish it (git notes --ref={NOTES_REF} merge --commit) or drop it "
            f"(git notes --ref={NOTES_REF} merge --abort), then sync again",
        )


def _fetch(root: Path, remote: str, result: SyncResult) -> None:
    """Fetch what the remote has (notes ref and snapshots) and merge its notes into ours."""
    listed = _git_net(root, "ls-remote", remote, NOTES_REF, WIP_GLOB).stdout.split()
    has_notes = NOTES_REF in listed
    specs = [f"{NOTES_REF}:{tracking_ref(remote)}"] if has_notes else []
    if any(ref.startswith("refs/milestones/wip/") for ref in listed):
        specs.append(f"{WIP_GLOB}:{WIP_GLOB}")
    if specs:
        proc = _git(root, "fetch", "--no-tags", remote, *specs, check=False)
        _fetch_outcome(proc, remote, result)
    if has_notes:
        merge_notes(root, tracking_ref(remote))


def _fetch_outcome(proc: subprocess.CompletedProcess[str], remote: str, result: SyncResult) -> None:
    for flag, ref in _fetched_refs(proc.stderr):
        if ref.startswith("refs/milestones/wip/") and flag in "*+ ":
            result.snapshots.append(f"fetched {ref}")
        elif flag == "!" and ref == tracking_ref(remote):
            raise ConflictError(
                f"{remote}'s milestone notes were rewritten (not a fast-forward of what was "
                "fetched before); sync does not force-fetch notes and changed nothing",
                f"to merge {remote}'s notes as they are now, delete the stale copy "
                f"(git update-ref -d {tracking_ref(remote)}) and sync again; your notes are kept",
            )
        elif flag == "!":
            result.warnings.append(f"kept local {ref}: {remote} has a different snapshot there")
    if proc.returncode != 0 and not result.warnings:
        raise _net_error("fetching from", remote, proc)


_FETCH_LINE = re.compile(r"^ (.) (?:\[[^\]]+\]|\S+)\s+\S+\s+->\s+(\S+)")


def _fetched_refs(stderr: str) -> list[tuple[str, str]]:
    """(flag, local ref) per ref line of `git fetch`'s report (git 2.39 has no --porcelain)."""
    return [(m.group(1), m.group(2)) for m in map(_FETCH_LINE.match, stderr.splitlines()) if m]


def merge_notes(root: Path, ref: str) -> None:
    """Merge `ref`'s notes into ours: every line of both sides, each once."""
    if not _has_ref(root, NOTES_REF):
        theirs = _git(root, "rev-parse", ref).stdout.strip()
        _git(root, "update-ref", NOTES_REF, theirs, "")  # "": only if we still have none
        return
    args = ("notes", f"--ref={NOTES_REF}", "merge", "-q", "-s", "cat_sort_uniq", ref)
    proc = _git(root, *args, check=False)
    if proc.returncode != 0:
        raise MilestoneError(
            f"merging the milestone notes failed: {_first_line(proc.stderr)}",
            "fix what git says (often: set user.name and user.email), then sync again; "
            "nothing was lost",
        )


def _push(root: Path, remote: str, result: SyncResult) -> bool:
    """Push notes and snapshots without force. False when the remote moved on meanwhile."""
    specs = [f"{NOTES_REF}:{NOTES_REF}"] if _has_ref(root, NOTES_REF) else []
    if _git(root, "for-each-ref", "--count=1", "refs/milestones/wip/").stdout.strip():
        specs.append(f"{WIP_GLOB}:{WIP_GLOB}")
    if not specs:
        return True
    theirs = _ids(root, tracking_ref(remote)) if _has_ref(root, tracking_ref(remote)) else set()
    env = {"GIT_MILESTONE_SKIP_HOOKS": "1"}  # our pre-push must not recurse
    proc = _git(root, "push", "--porcelain", remote, *specs, check=False, env=env)
    for flag, ref, summary in _porcelain(proc.stdout, 3):
        if ref.endswith(f":{NOTES_REF}") and flag == "!":
            if "fetch first" in summary or "non-fast-forward" in summary:
                return False  # lost a race: merge what the other clone pushed, try again
            raise _net_error("pushing to", remote, proc)
        if ref.endswith(f":{NOTES_REF}") and flag != "=":
            result.pushed = True
        elif ref.startswith("refs/milestones/wip/") and flag in "*+ ":
            result.snapshots.append(f"pushed {ref.split(':')[0]}")
        elif flag == "!":
            result.warnings.append(f"{remote} kept its own {ref.split(':')[-1]} ({summary})")
    if proc.returncode != 0 and not result.warnings:
        raise _net_error("pushing to", remote, proc)
    if result.pushed:
        result.sent = len(_ids(root, NOTES_REF) - theirs)
        _git(root, "update-ref", tracking_ref(remote), NOTES_REF)
    return True


def _ids(root: Path, ref: str) -> set[str]:
    return {e.id for e in eventlog.note_events(root, ref)[0]}


def _has_ref(root: Path, ref: str) -> bool:
    return _git(root, "rev-parse", "-q", "--verify", ref, check=False).returncode == 0


def _porcelain(out: str, fields: int) -> list[tuple[str, ...]]:
    """Rows of `git fetch/push --porcelain`: a one-character flag, then tab/space fields."""
    rows = []
    for line in out.splitlines():
        if len(line) > 2 and line[0] in " +-*!=t" and line[1] in "\t ":
            rest = line[2:].replace("\t", " ").split(" ", fields - 2)
            if len(rest) == fields - 1:
                rows.append((line[0], *rest))
    return rows


def _net_error(doing: str, remote: str, proc: subprocess.CompletedProcess[str]) -> MilestoneError:
    return MilestoneError(
        f"sync incomplete: {doing} {remote} failed: {_first_line(proc.stderr)}",
        "your events are safe in this clone (whatever was fetched is merged); "
        "fix the connection or permissions and run git milestone sync again",
    )


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("fatal:", "error:", "remote:"))]
    return (errors or lines or ["no message from git"])[0]


def _git(
    root: Path, *args: str, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    proc = runner.git(root, *args, check=False, env=env)
    if check and proc.returncode != 0:
        raise MilestoneError(
            f"git {' '.join(args)} failed: {_first_line(proc.stderr)}",
            "check the repository and run git milestone sync again; nothing was lost",
        )
    return proc


def _git_net(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = _git(root, *args, check=False)
    if proc.returncode not in (0, 2):  # ls-remote --exit-code aside, 2 is never used
        raise _net_error("reaching", args[1], proc)
    return proc
