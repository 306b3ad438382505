"""Snapshots of uncommitted work: built without touching the work tree or the index, restored
only where nothing would be overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmilestone.errors import ConflictError
from gitmilestone.git import snapshot
from gitmilestone.git.repo import RepoPaths, discover
from tests.conftest import git
from tests.test_sessions import commit

ODD = "we*ird [name].txt"  # a file name that is also a glob pattern


@pytest.fixture
def work(repo: Path) -> RepoPaths:
    """A commit, then one staged, one unstaged, one deleted and two untracked files."""
    commit(repo, "base", **{"a.txt": "a\n", "b.txt": "b\n", "gone.txt": "x\n"})
    (repo / "a.txt").write_text("a\nmore\n")
    (repo / "b.txt").write_text("b\nstaged\n")
    git(repo, "add", "b.txt")
    (repo / "gone.txt").unlink()
    (repo / "new").mkdir()
    (repo / "new/u.txt").write_text("untracked\n")
    (repo / ODD).write_text("odd\n")
    (repo / ".gitignore").write_text("*.log\n")
    (repo / "debug.log").write_text("ignored\n")
    return discover(repo)


def state_of(root: Path) -> tuple[bytes, str, dict[str, bytes]]:
    """The index file byte for byte, git's status, and every file in the work tree."""
    files = {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }
    status = git(root, "--no-optional-locks", "status", "--porcelain")
    return (root / ".git/index").read_bytes(), status, files


def pause(paths: RepoPaths) -> str:
    found = snapshot.check_settled(paths, "pause")
    head = git(paths.root, "rev-parse", "HEAD").strip()
    return snapshot.create(paths, "session-20261102-001", head, "half way", found)


def wipe(root: Path) -> None:
    git(root, "reset", "-q", "--hard")
    git(root, "clean", "-qfdx")


def test_changes_sorts_files_by_kind(work: RepoPaths) -> None:
    found = snapshot.changes(work.root)

    assert found.staged == ("b.txt",)
    assert sorted(found.unstaged) == ["a.txt", "gone.txt"]
    assert sorted(found.untracked) == [".gitignore", "new/u.txt", ODD]
    assert found.conflicted == ()
    assert found.as_dict()["staged"] == ["b.txt"]


def test_a_snapshot_leaves_the_work_tree_and_index_exactly_as_they_were(work: RepoPaths) -> None:
    before = state_of(work.root)

    sha = pause(work)

    assert state_of(work.root) == before
    assert git(work.root, "rev-parse", "refs/milestones/wip/session-20261102-001").strip() == sha
    assert git(work.root, "stash", "list") == ""  # the user's stash is not used


def test_a_snapshot_has_the_shape_of_a_stash(work: RepoPaths) -> None:
    sha = pause(work)
    head, index, untracked = git(work.root, "rev-list", "--parents", "-n1", sha).split()[1:]

    assert head == git(work.root, "rev-parse", "HEAD").strip()
    assert git(work.root, "show", f"{index}:b.txt") == "b\nstaged\n"
    assert git(work.root, "show", f"{index}:a.txt") == "a\n"  # the index holds the old a.txt
    assert git(work.root, "show", f"{sha}:a.txt") == "a\nmore\n"
    assert "gone.txt" not in git(work.root, "ls-tree", "-r", "--name-only", sha)
    names = git(work.root, "ls-tree", "-r", "--name-only", untracked).splitlines()
    assert sorted(names) == [".gitignore", "new/u.txt", ODD]  # ignored files stay out


def test_state_tells_whether_the_work_tree_still_matches(work: RepoPaths) -> None:
    sha = pause(work)

    assert snapshot.state(work, sha) == "matches"
    (work.root / "a.txt").write_text("changed again\n")
    assert snapshot.state(work, sha) == "differs"
    wipe(work.root)
    assert snapshot.state(work, sha) == "clean"


def test_state_sees_the_work_committed(repo: Path) -> None:
    commit(repo, "base", **{"a.txt": "a\n"})
    (repo / "a.txt").write_text("a2\n")
    git(repo, "add", "a.txt")
    sha = pause(discover(repo))
    git(repo, "commit", "-qm", "the work", "--no-verify")

    assert snapshot.state(discover(repo), sha) == "committed"


def test_restore_brings_back_staged_unstaged_and_untracked(work: RepoPaths) -> None:
    before = state_of(work.root)
    sha = pause(work)
    wipe(work.root)

    done = snapshot.restore(work, "session-20261102-001", sha)

    _index, status, files = state_of(work.root)
    assert (status, {k: v for k, v in files.items() if k != "debug.log"}) == (
        before[1],
        {k: v for k, v in before[2].items() if k != "debug.log"},
    )
    assert done.index_kept and not done.conflicts
    assert set(done.files) >= {"a.txt", "b.txt", "gone.txt", "new/u.txt", ODD}


def test_restore_when_it_already_matches_changes_nothing(work: RepoPaths) -> None:
    sha = pause(work)
    before = state_of(work.root)

    assert snapshot.restore(work, "session-20261102-001", sha).already
    assert state_of(work.root) == before


@pytest.mark.parametrize(
    ("name", "text"),
    [("a.txt", "my newer edit\n"), ("new/u.txt", "someone else's file\n"), ("b.txt", "x\n")],
)
def test_restore_refuses_to_overwrite_local_changes(work: RepoPaths, name: str, text: str) -> None:
    sha = pause(work)
    wipe(work.root)
    (work.root / name).parent.mkdir(exist_ok=True)
    (work.root / name).write_text(text)
    before = state_of(work.root)

    with pytest.raises(ConflictError, match=f"would overwrite uncommitted changes in: .*{name}"):
        snapshot.restore(work, "session-20261102-001", sha)

    assert state_of(work.root) == before


def test_restore_refuses_to_overwrite_an_ignored_file(repo: Path) -> None:
    commit(repo, "base", **{".gitignore": "*.log\n"})
    (repo / "keep.log").write_text("x\n")
    git(repo, "add", "-f", "keep.log")
    paths = discover(repo)
    sha = pause(paths)
    git(repo, "rm", "-q", "--cached", "keep.log")  # now an ignored, untracked file again

    with pytest.raises(ConflictError, match=r"keep\.log"):
        snapshot.restore(paths, "session-20261102-001", sha)
    assert (repo / "keep.log").read_text() == "x\n"


def test_unrelated_local_changes_do_not_block_a_restore(work: RepoPaths) -> None:
    sha = pause(work)
    wipe(work.root)
    (work.root / "mine.txt").write_text("unrelated\n")

    snapshot.restore(work, "session-20261102-001", sha)

    assert (work.root / "mine.txt").read_text() == "unrelated\n"
    assert (work.root / "a.txt").read_text() == "a\nmore\n"


def test_restore_on_top_of_new_commits(work: RepoPaths) -> None:
    sha = pause(work)
    wipe(work.root)
    commit(work.root, "elsewhere", **{"other.txt": "new file\n"})

    done = snapshot.restore(work, "session-20261102-001", sha)

    assert not done.conflicts
    assert (work.root / "a.txt").read_text() == "a\nmore\n"
    assert (work.root / "other.txt").read_text() == "new file\n"


def test_restore_that_conflicts_with_new_commits_says_so(work: RepoPaths) -> None:
    sha = pause(work)
    wipe(work.root)
    commit(work.root, "clash", **{"a.txt": "a\nsomething else\n", "b.txt": "b\nother\n"})

    done = snapshot.restore(work, "session-20261102-001", sha)

    assert "a.txt" in done.conflicts
    assert not done.index_kept
    assert git(work.root, "rev-parse", "refs/milestones/wip/session-20261102-001").strip() == sha


@pytest.mark.parametrize("busy", ["MERGE_HEAD", "rebase-merge", "rebase-apply", "CHERRY_PICK_HEAD"])
def test_no_snapshot_during_a_rebase_or_merge(work: RepoPaths, busy: str) -> None:
    marker = work.git_dir / busy
    if busy.startswith("rebase"):
        marker.mkdir()
    else:
        marker.write_text(git(work.root, "rev-parse", "HEAD"))

    with pytest.raises(ConflictError, match="cannot pause during a") as err:
        snapshot.check_settled(work, "pause")
    assert "--abort" in err.value.hint


def test_no_snapshot_with_conflicts_in_the_index(repo: Path) -> None:
    commit(repo, "base", **{"a.txt": "a\n"})
    git(repo, "checkout", "-qb", "side")
    commit(repo, "side", **{"a.txt": "side\n"})
    git(repo, "checkout", "-q", "main")
    commit(repo, "main", **{"a.txt": "main\n"})
    git(repo, "merge", "-q", "side", check=False)
    (repo / ".git/MERGE_HEAD").unlink()  # only the unmerged entries remain

    with pytest.raises(ConflictError, match=r"unresolved conflicts in the index: a\.txt"):
        snapshot.check_settled(discover(repo), "pause")


def test_resolve_needs_the_commit_in_this_clone(work: RepoPaths) -> None:
    sha = pause(work)
    git(work.root, "update-ref", "-d", "refs/milestones/wip/session-20261102-001")

    assert snapshot.resolve(work, sha) == sha  # not yet pruned
    assert snapshot.resolve(work, None) is None
    assert snapshot.resolve(work, "0" * 40) is None


def test_a_second_pause_moves_the_ref_forward(work: RepoPaths) -> None:
    first = pause(work)
    wipe(work.root)
    (work.root / "a.txt").write_text("later\n")  # no untracked files this time
    second = pause(work)

    parents = git(work.root, "rev-list", "--parents", "-n1", second).split()[1:]
    assert parents[3] == first  # the ref only moves forward: a push needs no force
    assert git(work.root, "rev-parse", f"{parents[2]}^{{tree}}").strip() == snapshot.EMPTY_TREE
    assert snapshot.state(work, second) == "matches"
    wipe(work.root)
    snapshot.restore(work, "session-20261102-001", second)
    assert (work.root / "a.txt").read_text() == "later\n"
    assert not (work.root / "new").exists()
    wipe(work.root)
    snapshot.restore(work, "session-20261102-001", first)  # an earlier pause, still reachable
    assert (work.root / "new/u.txt").read_text() == "untracked\n"
