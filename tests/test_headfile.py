"""HEAD read from git's files gives what `git rev-parse HEAD^{commit}` gives, in each form
git keeps it in; forms it does not read are left to git."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmilestone.git import runner
from gitmilestone.git.headfile import ASK, head_commit
from tests.conftest import git


def rev_parse(root: Path) -> str | None:
    return git(root, "rev-parse", "--verify", "-q", "HEAD^{commit}", check=False).strip() or None


def commit(root: Path, message: str) -> None:
    git(root, "commit", "-q", "--allow-empty", "-m", message)


def same_as_git(root: Path) -> None:
    found = head_commit(str(root))
    assert found != ASK
    assert found == rev_parse(root)
    assert runner.head(root) == rev_parse(root)


def test_every_plain_form_reads_as_git_reads_it(repo: Path, tmp_path: Path) -> None:
    same_as_git(repo)  # unborn: no commit yet
    commit(repo, "one")
    same_as_git(repo)  # a loose ref
    git(repo, "switch", "-q", "-c", "feature/deep/name")
    commit(repo, "two")
    git(repo, "pack-refs", "--all")
    same_as_git(repo)  # packed, the loose file gone
    commit(repo, "three")
    same_as_git(repo)  # loose again, over a stale packed line
    git(repo, "switch", "-q", "--detach", "HEAD~1")
    same_as_git(repo)  # detached
    git(repo, "switch", "-q", "main")
    other = tmp_path / "linked"
    git(repo, "worktree", "add", "-q", "-b", "side", str(other))
    commit(other, "four")
    same_as_git(other)  # a linked work tree: a .git file and a commondir
    same_as_git(repo)
    separate = tmp_path / "separate"
    git(
        tmp_path, "init", "-q", "--separate-git-dir", str(tmp_path / "elsewhere.git"), str(separate)
    )
    same_as_git(separate)
    commit(separate, "five")
    same_as_git(separate)


def test_other_forms_are_left_to_git(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit(repo, "one")
    git(repo, "symbolic-ref", "HEAD", "refs/remotes/origin/main")  # not a branch
    assert head_commit(str(repo)) == ASK
    assert runner.head(repo) == rev_parse(repo)
    git(repo, "symbolic-ref", "HEAD", "refs/heads/main")
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    assert head_commit(str(repo)) == ASK  # git would read the repository GIT_DIR names
    monkeypatch.delenv("GIT_DIR")
    assert head_commit(str(tmp_path / "nothing-here")) == ASK
    (repo / ".git/refs/heads/main").write_text("not a commit id\n")
    assert head_commit(str(repo)) == ASK
