"""HEAD, a ref and a new commit's object read from git's files give what git gives, in each
form git keeps them in; forms not read here are left to git. A private ref written as a file
is one git reads and deletes."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmilestone.git import runner
from gitmilestone.git.headfile import (
    ASK,
    head_commit,
    loose_object,
    ref_value,
    write_private_ref,
)
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


NOTES = "refs/notes/milestones"


def ref_as_git(root: Path, name: str) -> str | None:
    return git(root, "rev-parse", "-q", "--verify", name, check=False).strip() or None


def test_a_ref_reads_as_git_reads_it_loose_packed_or_missing(repo: Path) -> None:
    commit(repo, "one")
    assert ref_value(str(repo), NOTES) is None  # no note yet: no ref
    git(repo, "notes", "--ref", NOTES, "add", "-m", "first", "HEAD")
    assert ref_value(str(repo), NOTES) == ref_as_git(repo, NOTES)  # loose
    git(repo, "pack-refs", "--all")
    assert not (repo / ".git" / NOTES).exists()
    assert ref_value(str(repo), NOTES) == ref_as_git(repo, NOTES)  # packed
    git(repo, "notes", "--ref", NOTES, "append", "-m", "second", "HEAD")
    assert ref_value(str(repo), NOTES) == ref_as_git(repo, NOTES)  # loose over a stale line
    for odd in ("HEAD", "refs/../HEAD", "refs/notes/.hidden", "refs//x", "refs"):
        assert ref_value(str(repo), odd) == ASK


def test_a_ref_is_left_to_git_in_a_reftable_or_with_git_dir_set(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit(repo, "one")
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    assert ref_value(str(repo), NOTES) == ASK
    assert not write_private_ref(str(repo), "refs/notes/x", "a" * 40)
    monkeypatch.delenv("GIT_DIR")
    (repo / ".git/reftable").mkdir()
    assert ref_value(str(repo), NOTES) == ASK
    assert not write_private_ref(str(repo), "refs/notes/x", "a" * 40)
    assert not (repo / ".git/refs/notes/x").exists()


def test_a_new_commit_is_read_from_its_loose_object_and_a_packed_one_is_left_to_git(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit(repo, "Add login\n\nTask: M-001/task-001")
    sha = rev_parse(repo)
    assert sha is not None
    body = git(repo, "cat-file", "commit", sha).encode()
    assert loose_object(str(repo), sha) == b"commit %d\x00" % len(body) + body
    monkeypatch.setenv("GIT_OBJECT_DIRECTORY", str(repo / ".git/objects"))
    assert loose_object(str(repo), sha) is None  # git may look elsewhere
    monkeypatch.delenv("GIT_OBJECT_DIRECTORY")
    git(repo, "repack", "-adq")
    git(repo, "prune-packed")
    assert loose_object(str(repo), sha) is None
    assert loose_object(str(repo), "not an id") is None
    (repo / ".git/objects" / sha[:2]).mkdir(exist_ok=True)
    (repo / ".git/objects" / sha[:2] / sha[2:]).write_bytes(b"not zlib")
    assert loose_object(str(repo), sha) is None


def test_a_private_ref_written_as_a_file_is_read_and_deleted_by_git(repo: Path) -> None:
    commit(repo, "one")
    sha = rev_parse(repo)
    assert sha is not None
    name = "refs/notes/milestones-tmp/123-abcd"
    assert write_private_ref(str(repo), name, sha)
    assert ref_as_git(repo, name) == sha
    assert not write_private_ref(str(repo), name, sha)  # never over a ref that is there
    for bad_name, bad_id in (("refs/../../outside", sha), ("refs/notes/y", "HEAD")):
        assert not write_private_ref(str(repo), bad_name, bad_id)
    assert not (repo.parent / "outside").exists()
    git(repo, "update-ref", "-d", name)
    assert ref_as_git(repo, name) is None


def test_the_repository_found_in_files_is_the_one_git_finds(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gitmilestone.git.repo import asked_git, found_in_files

    def same(where: Path) -> None:
        monkeypatch.chdir(where)
        found = found_in_files()
        assert found is not None, where
        assert found == asked_git(), where

    commit(repo, "one")
    (repo / "deep/er").mkdir(parents=True)
    same(repo)
    same(repo / "deep/er")
    linked = tmp_path / "linked"
    git(repo, "worktree", "add", "-q", "-b", "side", str(linked))
    (linked / "sub").mkdir()
    same(linked / "sub")
    separate = tmp_path / "separate"
    git(tmp_path, "init", "-q", "--separate-git-dir", str(tmp_path / "sep.git"), str(separate))
    same(separate)
    (tmp_path / "via").symlink_to(repo / "deep")
    same(tmp_path / "via")  # git and the files both see the physical path


def test_a_repository_found_otherwise_is_left_to_git(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gitmilestone.git.repo import discover, found_in_files

    commit(repo, "one")
    assert found_in_files(repo) is not None
    git(repo, "config", "core.worktree", str(repo))
    assert found_in_files(repo) is None
    git(repo, "config", "--unset", "core.worktree")
    git(repo, "config", "include.path", str(tmp_path / "more.gitconfig"))
    assert found_in_files(repo) is None
    git(repo, "config", "--unset", "include.path")
    assert found_in_files(repo / ".git") is None  # inside the git folder
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert found_in_files(repo) is None
    assert discover(repo).root == repo.resolve()  # git answers
    monkeypatch.delenv("GIT_CEILING_DIRECTORIES")
    bare = tmp_path / "bare.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    assert found_in_files(bare) is None
    assert found_in_files(tmp_path / "no-repo-here") is None


@pytest.mark.parametrize("value", ["false", "true", "off", "yes", "0", None])
def test_a_yes_no_setting_reads_as_git_reads_it_or_is_left_to_git(
    repo: Path, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    from gitmilestone.git.repo import local_flag

    config = repo / ".git/config"
    if value is None:
        config.write_text(config.read_text() + "[milestone]\n\tsuggestInstall\n")
    else:
        git(repo, "config", "milestone.suggestInstall", value)
    asked = git(repo, "config", "--bool", "--get", "milestone.suggestInstall").strip()
    assert local_flag(repo / ".git", "milestone", "suggestinstall") is (asked == "true")
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", "'milestone.suggestinstall'='true'")
    assert local_flag(repo / ".git", "milestone", "suggestinstall") is None


def test_a_setting_not_in_the_repository_s_own_file_is_left_to_git(repo: Path) -> None:
    from gitmilestone.git.repo import local_flag

    common = repo / ".git"
    assert local_flag(common, "milestone", "suggestinstall") is None  # global may set it
    git(repo, "config", "milestone.suggestInstall", "false")
    git(repo, "config", "include.path", "other.gitconfig")
    assert local_flag(common, "milestone", "suggestinstall") is None  # it may say otherwise
