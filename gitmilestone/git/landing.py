"""Facts of a branch that landed on main as new commits: a forge's "squash and merge" or
"rebase and merge", or `git merge --squash`. Stdlib only: the post-merge hook runs this.

No hook fires for such a landing, and the branch's commits, which hold its note events, never
become part of main. The evidence that main holds them is in the history itself:
- rebase: a commit on main has the same patch (`git patch-id --stable`) as a branch commit;
- squash: a commit on main has the patch of the whole branch (merge base to tip), or its
  message lists the branch's commits (GitHub writes `* <subject>` for each).
For each landing found, rewrite.carry attaches to the commit on main every note event of the
commits it replaces, with their ids, and turns trailer facts its message no longer states
into note events; so carrying again, or in another clone, adds nothing twice.
"""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from gitmilestone.core.events import commit_events
from gitmilestone.git import eventlog, rewrite, runner

LIMIT = 2000  # commits examined on each side: landings are recent, histories may be huge


@dataclass
class Landing:
    commit: str  # the commit on the target branch
    sources: list[str]  # the branch commits it stands for, oldest first
    how: str  # rebase | squash
    carried: int = 0  # events attached by this run
    tip: str = field(default="", repr=False)


def carry_landed(
    root: Path, onto: str = "HEAD", sources: list[str] | None = None, since: str | None = None
) -> list[Landing]:
    """Find the landings on `onto` of the branches `sources` (default: every local and
    remote-tracking branch not merged into it) and carry their facts. `since`: look only at
    `onto`'s commits after that one (post-merge passes ORIG_HEAD)."""
    landings = find_landings(root, onto, sources, since)
    for landing in landings:
        landing.carried = rewrite.carry(root, {landing.commit: landing.sources}, folded=True)
    return landings


def check_rev(root: Path, rev: str) -> str:
    """The commit `rev` names; NotFoundError when there is none."""
    args = ("rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}")
    proc = runner.git(root, *args, check=False)
    if proc.returncode != 0:
        from gitmilestone.errors import NotFoundError

        raise NotFoundError(f"no branch or commit named {rev!r}", "check it with git log -1 " + rev)
    return proc.stdout.strip()


def find_landings(
    root: Path, onto: str = "HEAD", sources: list[str] | None = None, since: str | None = None
) -> list[Landing]:
    tips, exclude = _sources(root, onto, sources)
    not_onto = [f"^{x}" for x in [*exclude, onto]]
    with_facts = _with_facts(root, _rev_list(root, [*tips, *not_onto]) if tips else [])
    if not with_facts:
        return []
    if sources is None:  # of all branches, only those holding one of these commits
        tips = _holding(root, onto, with_facts)
    ranges = {tip: _rev_list(root, [tip, *not_onto]) for tip in tips}
    tips = [tip for tip in tips if with_facts.intersection(ranges[tip])]
    # Each branch's own stretch of the target: another branch forked after a landing must
    # not hide it.
    after = [f"^{since}"] if since else []
    landed = {tip: _rev_list(root, [onto, f"^{tip}", *after]) for tip in tips}
    every = sorted({c for commits in landed.values() for c in commits})
    if not every:
        return []
    by_patch = _first_by_patch(patch_ids(root, every))
    found = _rebased(root, with_facts, by_patch)
    done = {s for landing in found for s in landing.sources}
    for tip in tips:
        commits = [c for c in reversed(ranges[tip]) if c not in done]
        if with_facts.intersection(commits):
            squash = _squashed(root, tip, onto, commits, landed[tip], by_patch)
            if squash is not None:
                found.append(squash)
                done.update(squash.sources)
    return found


def _sources(root: Path, onto: str, sources: list[str] | None) -> tuple[list[str], list[str]]:
    """Tips to look at and commits to leave out (`A..B` leaves out A)."""
    if sources is None:
        fmt = "--format=%(objectname)"
        refs = ("refs/heads", "refs/remotes")
        listed = _git(root, "for-each-ref", fmt, f"--no-merged={onto}", *refs)
        return sorted(set(listed.split())), []
    # rev-parse has no --end-of-options before git 2.43 (it would echo it): refuse options.
    proc = runner.git(root, "rev-parse", *sources, "--", check=False)
    if proc.returncode != 0 or any(x.startswith("-") for x in sources):
        from gitmilestone.errors import NotFoundError

        raise NotFoundError(
            f"no such branch, commit or range: {' '.join(sources)}",
            "name a branch (origin/feature), a commit or a range (main..feature); "
            "fetch it first if it is on the remote",
        )
    tips: list[str] = []
    exclude: list[str] = []
    for line in proc.stdout.split():
        if line != "--":
            (exclude if line.startswith("^") else tips).append(line.lstrip("^"))
    return tips, exclude


def _holding(root: Path, onto: str, commits: set[str]) -> list[str]:
    """Tips of the local and remote-tracking branches, not merged into `onto`, that contain
    one of `commits` (one git call, however many branches there are)."""
    contains = [f"--contains={c}" for c in sorted(commits)]
    args = ("for-each-ref", "--format=%(objectname)", f"--no-merged={onto}", *contains)
    return sorted(set(_git(root, *args, "refs/heads", "refs/remotes").split()))


def _with_facts(root: Path, commits: list[str]) -> set[str]:
    """The commits holding milestone facts: a note, or one of our trailers."""
    if not commits:
        return set()
    noted = set(eventlog.note_texts(root, only=commits))
    infos = rewrite.commit_infos(root, [c for c in commits if c not in noted])
    return noted | {sha for sha, info in infos.items() if commit_events(info)[0]}


def _rebased(root: Path, with_facts: set[str], on_target: dict[str, str]) -> list[Landing]:
    found = []
    for sha, pid in patch_ids(root, sorted(with_facts)).items():
        if pid in on_target:
            found.append(Landing(on_target[pid], [sha], "rebase"))
    return found


def _squashed(
    root: Path, tip: str, onto: str, commits: list[str], landed: list[str],
    by_patch: dict[str, str],
) -> Landing | None:  # fmt: skip
    """The commit on the target that `commits` (the branch up to `tip`) were squashed into."""
    if not landed:
        return None
    base = _git(root, "merge-base", "--end-of-options", onto, tip).strip()
    whole = _patch_id(root, _run(root, "diff", "--no-color", "--end-of-options", base, tip))
    if whole and whole in by_patch and by_patch[whole] in landed:
        return Landing(by_patch[whole], commits, "squash", tip=tip)
    listed = _listing(root, commits, landed)
    if listed is None or not _files(root, "diff", base, tip) & _files(root, "diff", f"{listed}^!"):
        return None  # a list of subjects alone could name another branch's commits
    return Landing(listed, commits, "squash", tip=tip)


def _files(root: Path, *args: str) -> set[str]:
    """The paths a diff touches."""
    out = _git(root, *args[:1], "--name-only", "--no-renames", "--end-of-options", *args[1:])
    return set(out.splitlines())


def _listing(root: Path, commits: list[str], landed: list[str]) -> str | None:
    """The commit on the target whose message lists every one of `commits`: by subject as
    `* subject` lines (GitHub's squash message) or by id as `commit <id>` lines (the message
    `git merge --squash` prepares)."""
    subjects = Counter(_messages(root, commits, "%s").values())
    for sha, body in _messages(root, landed, "%B").items():
        lines = body.splitlines()
        listed = Counter(line[2:].strip() for line in lines if line.startswith("* "))
        named = {line[7:].strip() for line in lines if line.startswith("commit ")}
        if (subjects and not subjects - listed) or named.issuperset(commits):
            return sha
    return None


def patch_ids(root: Path, commits: list[str]) -> dict[str, str]:
    """commit -> `git patch-id --stable` of its change (merges and empty commits have none)."""
    if not commits:
        return {}
    patches = _run(root, "log", "--no-walk=unsorted", "--stdin", "-p", "--no-color",
                   "--format=commit %H", stdin="\n".join(commits).encode())  # fmt: skip
    out = _run(root, "patch-id", "--stable", stdin=patches).decode()
    pairs = (line.split() for line in out.splitlines())
    return {sha: pid for pid, sha in (p for p in pairs if len(p) == 2)}


def _first_by_patch(ids: dict[str, str]) -> dict[str, str]:
    """patch id -> the oldest commit with it (ids come newest first)."""
    out: dict[str, str] = {}
    for sha, pid in ids.items():
        out[pid] = sha
    return out


def _patch_id(root: Path, diff: bytes) -> str | None:
    if not diff.strip():
        return None
    out = _run(root, "patch-id", "--stable", stdin=diff).decode().split()
    return out[0] if out else None


def _messages(root: Path, commits: list[str], fmt: str) -> dict[str, str]:
    if not commits:
        return {}
    # -z: every field ends with NUL, which a message never holds (git cuts it there).
    text = _run(root, "log", "--no-walk=unsorted", "-z", "--stdin", f"--format=%H%x00{fmt}",
                stdin="\n".join(commits).encode()).decode("utf-8", "replace")  # fmt: skip
    fields = text.split("\0")
    return {fields[at]: fields[at + 1] for at in range(0, len(fields) - 2, 2)}


def _rev_list(root: Path, revs: list[str]) -> list[str]:
    """Commits (no merges), newest first, at most LIMIT."""
    args = ("rev-list", "--no-merges", f"--max-count={LIMIT}", "--end-of-options", *revs)
    return _git(root, *args).split()


def _git(root: Path, *args: str) -> str:
    return runner.git(root, *args, check=False).stdout


def _run(root: Path | None, *args: str, stdin: bytes | None = None) -> bytes:
    """git with bytes in and out: patches need not be UTF-8."""
    env = {k: v for k, v in os.environ.items() if k != "GIT_INDEX_FILE"}
    proc = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True,
                          env=env, check=False)  # fmt: skip
    return proc.stdout
