"""gitmilestone.commands.install and gitmilestone.hooks.run, called in-process on real repos."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from gitmilestone.commands import install
from gitmilestone.errors import ConflictError, MilestoneError, NotFoundError
from gitmilestone.hooks import run
from tests.conftest import git

FOREIGN = b"#!/bin/sh\necho 'Reviewed-by: me' >> \"$1\"\n"


def hooks(repo: Path) -> Path:
    return repo / ".git" / "hooks"


def ours(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*")) if install.is_ours(p)}


def put_foreign(path: Path, body: bytes = FOREIGN, mode: int = 0o750) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    path.chmod(mode)


# -- install ---------------------------------------------------------------------------------


def test_install_puts_five_executable_shims_in_a_fresh_repo(repo: Path) -> None:
    lines = install.install(install.locate())

    shims = ours(hooks(repo))
    assert sorted(shims) == sorted(install.DEFAULT_HOOKS)
    for name, body in shims.items():
        path = hooks(repo) / name
        assert os.access(path, os.X_OK)
        assert install.MARKER in body
        assert body.startswith(b"#!/bin/sh\n")
        assert b"from gitmilestone.hooks.run import main" in body
        assert sys.executable.encode() in body
        assert f"installed  .git/hooks/{name}" in lines
    assert not (hooks(repo) / "pre-push").exists()


def test_install_twice_changes_nothing(repo: Path) -> None:
    install.install(install.locate())
    before = ours(hooks(repo))

    lines = install.install(install.locate())

    assert ours(hooks(repo)) == before
    assert lines == [f"already installed  .git/hooks/{h}" for h in install.DEFAULT_HOOKS]


def test_pre_push_only_when_asked(repo: Path) -> None:
    install.install(install.locate())
    assert not (hooks(repo) / "pre-push").exists()

    lines = install.install(install.locate(), pre_push=True)

    assert "installed  .git/hooks/pre-push" in lines
    assert install.is_ours(hooks(repo) / "pre-push")


def test_a_changed_shim_is_rewritten(repo: Path) -> None:
    install.install(install.locate(), python="/opt/old/bin/python3")

    lines = install.install(install.locate())

    assert "updated  .git/hooks/post-commit" in lines
    assert sys.executable in (hooks(repo) / "post-commit").read_text()


def test_the_python_path_is_quoted_for_the_shell(repo: Path) -> None:
    install.install(install.locate(), python="/opt/my python/$HOME/bin/python")

    assert "python='/opt/my python/$HOME/bin/python'\n" in (hooks(repo) / "commit-msg").read_text()


def test_core_hooks_path_is_honoured(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", "ci/git-hooks")

    lines = install.install(install.locate())

    assert sorted(ours(repo / "ci/git-hooks")) == sorted(install.DEFAULT_HOOKS)
    assert not ours(hooks(repo))
    assert "installed  ci/git-hooks/commit-msg" in lines


def test_absolute_core_hooks_path_outside_the_repo(repo: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared-hooks"
    git(repo, "config", "core.hooksPath", str(shared))

    lines = install.install(install.locate())

    assert install.is_ours(shared / "post-merge")
    assert f"installed  {shared}/post-merge" in lines


def test_linked_worktree_installs_where_git_looks(repo: Path, tmp_path: Path) -> None:
    git(repo, "commit", "-q", "--allow-empty", "-m", "root")
    worktree = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(worktree))

    install.install(install.locate(worktree))

    assert sorted(ours(hooks(repo))) == sorted(install.DEFAULT_HOOKS)
    where = git(worktree, "rev-parse", "--path-format=absolute", "--git-path", "hooks").strip()
    assert Path(where) == hooks(repo)


def test_a_foreign_hook_is_kept_as_legacy(repo: Path) -> None:
    put_foreign(hooks(repo) / "commit-msg")

    lines = install.install(install.locate())

    legacy = hooks(repo) / "commit-msg.legacy"
    assert legacy.read_bytes() == FOREIGN
    assert stat.S_IMODE(legacy.stat().st_mode) == 0o750
    assert install.is_ours(hooks(repo) / "commit-msg")
    assert (
        "installed  .git/hooks/commit-msg (kept foreign hook as commit-msg.legacy; it runs first)"
        in lines
    )


def test_a_foreign_hook_next_to_a_foreign_legacy_is_refused(repo: Path) -> None:
    put_foreign(hooks(repo) / "post-merge", b"#!/bin/sh\necho new\n")
    put_foreign(hooks(repo) / "post-merge.legacy", b"#!/bin/sh\necho old\n")
    before = sorted(p.name for p in hooks(repo).iterdir())

    with pytest.raises(ConflictError) as err:
        install.install(install.locate())

    assert "post-merge" in err.value.message
    assert "git milestone install" in err.value.hint
    assert sorted(p.name for p in hooks(repo).iterdir()) == before
    assert (hooks(repo) / "post-merge").read_bytes() == b"#!/bin/sh\necho new\n"


def test_a_legacy_hook_alone_is_run_by_the_new_shim(repo: Path) -> None:
    put_foreign(hooks(repo) / "post-commit.legacy")

    lines = install.install(install.locate())

    assert "installed  .git/hooks/post-commit (runs post-commit.legacy first)" in lines
    assert (hooks(repo) / "post-commit.legacy").read_bytes() == FOREIGN


def test_our_shim_moved_aside_by_another_hook_manager(repo: Path) -> None:
    install.install(install.locate())
    shim = hooks(repo) / "commit-msg"
    shim.rename(hooks(repo) / "commit-msg.legacy")
    put_foreign(shim)

    lines = install.install(install.locate())

    assert "already installed  .git/hooks/commit-msg.legacy (run by your commit-msg hook)" in lines
    assert shim.read_bytes() == FOREIGN
    assert "removed  .git/hooks/commit-msg.legacy" in install.uninstall(install.locate())
    assert shim.read_bytes() == FOREIGN


# -- uninstall -------------------------------------------------------------------------------


def test_uninstall_restores_exactly_what_was_there(repo: Path) -> None:
    put_foreign(hooks(repo) / "commit-msg", mode=0o700)
    put_foreign(hooks(repo) / "pre-commit", b"#!/bin/sh\nexit 0\n")
    before = {p.name: (p.read_bytes(), p.stat().st_mode) for p in hooks(repo).iterdir()}
    install.install(install.locate(), pre_push=True)

    lines = install.uninstall(install.locate())

    after = {p.name: (p.read_bytes(), p.stat().st_mode) for p in hooks(repo).iterdir()}
    assert after == before
    assert lines[0] == "restored  .git/hooks/commit-msg (from commit-msg.legacy)"
    assert "removed  .git/hooks/pre-push" in lines
    assert len(lines) == len(install.ALL_HOOKS) + 1
    assert lines[-1] == "git config: removed merge.milestone"


def test_uninstall_with_nothing_installed_says_so(repo: Path) -> None:
    put_foreign(hooks(repo) / "commit-msg")

    assert install.uninstall(install.locate()) == ["no git-milestone hooks installed in .git/hooks"]
    assert (hooks(repo) / "commit-msg").read_bytes() == FOREIGN


def test_uninstall_without_a_hooks_dir(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", "nowhere")

    assert install.uninstall(install.locate()) == ["no git-milestone hooks installed in nowhere"]


# -- git config ------------------------------------------------------------------------------


def test_configure_notes_adds_once_and_keeps_other_refs(repo: Path) -> None:
    git(repo, "config", "notes.rewriteRef", "refs/notes/commits")
    paths = install.locate()

    first = install.configure_notes(paths)
    second = install.configure_notes(paths)

    assert first == [
        "git config: added notes.rewriteRef=refs/notes/milestones",
        "git config: set notes.rewriteMode=cat_sort_uniq",
    ]
    assert second == []
    refs = git(repo, "config", "--get-all", "notes.rewriteRef").split()
    assert refs == ["refs/notes/commits", "refs/notes/milestones"]
    assert git(repo, "config", "notes.rewriteMode").strip() == "cat_sort_uniq"


def test_configure_notes_says_what_mode_it_replaced(repo: Path) -> None:
    git(repo, "config", "notes.rewriteMode", "overwrite")

    lines = install.configure_notes(install.locate())

    assert "git config: set notes.rewriteMode=cat_sort_uniq (was overwrite)" in lines


def test_install_sets_the_notes_config_and_never_a_push_refspec(repo: Path) -> None:
    lines = install.install(install.locate(), pre_push=True)

    assert "git config: added notes.rewriteRef=refs/notes/milestones" in lines
    assert "push" not in git(repo, "config", "--list", "--local")


# -- errors ----------------------------------------------------------------------------------


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as err:
        install.locate(tmp_path)
    assert "not inside a git repository" in err.value.message
    assert err.value.hint


def test_a_bare_repository(tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))

    with pytest.raises(NotFoundError) as err:
        install.locate(bare)
    assert "bare repository" in err.value.message
    assert "work tree" in err.value.hint


def test_an_unwritable_hooks_dir(repo: Path) -> None:
    hooks(repo).mkdir(exist_ok=True)
    hooks(repo).chmod(0o555)
    try:
        with pytest.raises(MilestoneError) as err:
            install.install(install.locate())
    finally:
        hooks(repo).chmod(0o755)
    assert "cannot change the hooks in .git/hooks" in err.value.message
    assert "writable" in err.value.hint
    assert not ours(hooks(repo))


def test_a_hooks_path_that_is_a_file(repo: Path) -> None:
    (repo / "hooks-file").write_text("not a folder\n")
    git(repo, "config", "core.hooksPath", "hooks-file")

    with pytest.raises(MilestoneError, match="cannot change the hooks in hooks-file"):
        install.install(install.locate())


# -- the hook runtime ------------------------------------------------------------------------


def fake_handlers(monkeypatch: pytest.MonkeyPatch, **funcs: Callable[..., object]) -> None:
    module = types.ModuleType(run.HANDLERS)
    for name, func in funcs.items():
        setattr(module, name, func)
    monkeypatch.setitem(sys.modules, run.HANDLERS, module)


def feed_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def boom(args: list[str], stdin: bytes) -> int:
    raise ValueError("bad\nthings")


def test_a_failing_handler_prints_one_line_and_exits_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_handlers(monkeypatch, post_commit=boom)

    assert run.main(["post-commit"]) == 0

    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "git-milestone: post-commit hook failed: ValueError: bad; things "
        "(your git command is not affected)\n"
    )


def test_commit_msg_may_reject_on_purpose_but_not_by_accident(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_handlers(monkeypatch, commit_msg=lambda args, stdin: 1)
    assert run.main(["commit-msg", ".git/COMMIT_EDITMSG"]) == run.REJECT

    fake_handlers(monkeypatch, commit_msg=boom)
    assert run.main(["commit-msg", ".git/COMMIT_EDITMSG"]) == 0
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize("hook", ["pre-push", "post-commit", "post-rewrite"])
def test_other_hooks_never_fail_the_git_command(monkeypatch: pytest.MonkeyPatch, hook: str) -> None:
    def no(args: list[str], stdin: bytes) -> int:
        raise SystemExit(3)

    fake_handlers(monkeypatch, **{hook.replace("-", "_"): no})
    feed_stdin(monkeypatch, b"")

    assert run.main([hook, "origin"]) == 0


def test_a_handler_exiting_is_a_verdict_for_commit_msg(monkeypatch: pytest.MonkeyPatch) -> None:
    def no(args: list[str], stdin: bytes) -> int:
        raise SystemExit("rejected")

    fake_handlers(monkeypatch, commit_msg=no)

    assert run.main(["commit-msg", "msg"]) == run.REJECT


def test_post_rewrite_stdin_and_args_reach_the_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[list[str], bytes]] = []
    fake_handlers(monkeypatch, post_rewrite=lambda args, stdin: seen.append((args, stdin)))
    feed_stdin(monkeypatch, b"aaa bbb\nccc ddd\n")

    assert run.main(["post-rewrite", "amend"]) == 0

    assert seen == [(["amend"], b"aaa bbb\nccc ddd\n")]


def test_other_hooks_leave_stdin_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bytes] = []
    fake_handlers(monkeypatch, post_checkout=lambda args, stdin: seen.append(stdin))
    feed_stdin(monkeypatch, b"not for us")

    run.main(["post-checkout", "a", "b", "1"])

    assert seen == [b""]
    assert sys.stdin.read() == "not for us"


def test_missing_handlers_do_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_handlers(monkeypatch)  # the module exists, the function does not
    assert run.main(["post-merge", "0"]) == 0

    monkeypatch.setitem(sys.modules, run.HANDLERS, None)  # the module does not exist
    assert run.main(["post-merge", "0"]) == 0

    assert capsys.readouterr() == ("", "")


class _BrokenHandlers:
    """Stands in for a handlers module whose own imports fail."""

    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name == run.HANDLERS:
            raise ModuleNotFoundError("No module named 'yaml'", name="yaml")


def test_a_handlers_module_that_cannot_import_is_reported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delitem(sys.modules, run.HANDLERS, raising=False)
    monkeypatch.setattr(sys, "meta_path", [_BrokenHandlers(), *sys.meta_path])

    assert run.main(["post-commit"]) == 0

    assert capsys.readouterr().err == (
        "git-milestone: post-commit hook failed: ModuleNotFoundError: No module named 'yaml' "
        "(your git command is not affected)\n"
    )


def test_skip_hooks_env_runs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_handlers(monkeypatch, commit_msg=lambda args, stdin: 1)
    monkeypatch.setenv("GIT_MILESTONE_SKIP_HOOKS", "1")

    assert run.main(["commit-msg", "msg"]) == 0
    assert run.main([]) == 0


def test_the_runtime_imports_nothing_heavy() -> None:
    code = "import sys, gitmilestone.hooks.run; print(' '.join(sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(proc.stdout.split())
    assert "gitmilestone.hooks.run" in loaded
    assert not loaded & {"click", "pygit2", "jsonschema", "yaml", "ruamel", "rich"}
