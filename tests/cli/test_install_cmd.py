"""`git milestone install` / `uninstall` / `init`, and real git commands firing the shims."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

import gitmilestone
from gitmilestone.commands import install
from tests.conftest import git

PACKAGE = Path(gitmilestone.__file__).parent
APPEND = b'#!/bin/sh\necho "Signed-off-by: Legacy Hook" >> "$1"\n'


def hooks(repo: Path) -> Path:
    return repo / ".git" / "hooks"


def put_hook(path: Path, body: bytes, mode: int = 0o755) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    path.chmod(mode)


def commit(
    repo: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-q", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


@pytest.fixture
def with_handlers(repo: Path, tmp_path: Path) -> Callable[[str | None], dict[str, str]]:
    """Point the installed shims at a copy of this package with the given handlers.py (None:
    no handlers module at all), so a subprocess test does not depend on the real one. The
    repository gets a .milestones/ folder: without one the shims never start Python."""

    def make(source: str | None) -> dict[str, str]:
        site = tmp_path / "shadow"
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(
            PACKAGE,
            site / "gitmilestone",
            ignore=shutil.ignore_patterns("__pycache__", "handlers.py"),
        )
        if source is not None:
            (site / "gitmilestone/hooks/handlers.py").write_text(source)
        (repo / ".milestones").mkdir(exist_ok=True)
        for shim in hooks(repo).iterdir():
            if install.is_ours(shim):
                lines = shim.read_text().splitlines(keepends=True)
                fixed = [f"pkgroot='{site}'\n" if x.startswith("pkgroot=") else x for x in lines]
                shim.write_text("".join(fixed))
        return dict(os.environ)

    return make


# -- the commands ----------------------------------------------------------------------------


def test_install_prints_each_hook_and_config_change(
    repo: Path, run_cli: Callable[..., Result]
) -> None:
    result = run_cli("install")

    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "installed  .git/hooks/commit-msg",
        "installed  .git/hooks/post-commit",
        "installed  .git/hooks/post-checkout",
        "installed  .git/hooks/post-merge",
        "installed  .git/hooks/post-rewrite",
        "git config: added notes.rewriteRef=refs/notes/milestones",
        "git config: set notes.rewriteMode=cat_sort_uniq",
        "git config: set merge.milestone.driver (merges .milestones/ files by keys and ids)",
    ]
    again = run_cli("install", "--pre-push")
    assert "already installed  .git/hooks/commit-msg" in again.output
    assert "installed  .git/hooks/pre-push" in again.output
    assert "git config" not in again.output


def test_uninstall_with_nothing_installed(repo: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("uninstall")

    assert result.exit_code == 0
    assert result.output == "no git-milestone hooks installed in .git/hooks\n"


def test_install_outside_a_repository(
    run_cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    result = run_cli("install")

    assert result.exit_code == 1
    assert result.output.startswith("Error: not inside a git repository")
    assert "hint: " in result.output
    assert "Traceback" not in result.output


def test_install_refuses_to_overwrite_a_users_file(
    repo: Path, run_cli: Callable[..., Result]
) -> None:
    put_hook(hooks(repo) / "commit-msg", APPEND)
    put_hook(hooks(repo) / "commit-msg.legacy", b"#!/bin/sh\nexit 0\n")

    result = run_cli("install")

    assert result.exit_code == 1
    assert "Error: both .git/hooks/commit-msg and commit-msg.legacy exist" in result.output
    assert (hooks(repo) / "commit-msg").read_bytes() == APPEND
    assert not (hooks(repo) / "post-commit").exists()


def test_init_installs_hooks_and_sets_the_notes_config(
    repo: Path, run_cli: Callable[..., Result]
) -> None:
    result = run_cli("init")

    assert result.exit_code == 0
    assert "installed  .git/hooks/post-commit" in result.output
    assert "git config: added notes.rewriteRef=refs/notes/milestones" in result.output
    assert install.is_ours(hooks(repo) / "commit-msg")
    assert git(repo, "config", "--get-all", "notes.rewriteRef") == "refs/notes/milestones\n"
    assert git(repo, "config", "notes.rewriteMode") == "cat_sort_uniq\n"
    assert "already installed" in run_cli("init").output
    assert git(repo, "config", "--get-all", "notes.rewriteRef") == "refs/notes/milestones\n"


def test_init_no_hooks_sets_the_config_only(repo: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("init", "--no-hooks")

    assert result.exit_code == 0
    assert "hooks" not in result.output
    assert not any(install.is_ours(p) for p in hooks(repo).glob("*"))
    assert git(repo, "config", "notes.rewriteMode") == "cat_sort_uniq\n"


def test_init_json_lists_the_hook_files(repo: Path, run_cli: Callable[..., Result]) -> None:
    rows = json.loads(run_cli("init", "--json").output)

    assert {"path": ".git/hooks/post-rewrite", "created": True} in rows
    again = json.loads(run_cli("init", "--json").output)
    assert {"path": ".git/hooks/post-rewrite", "created": False} in again


# -- real git commands through the installed shims ------------------------------------------


def test_a_commit_through_the_shims_is_silent_without_handlers(
    repo: Path, with_handlers: Callable[[str | None], dict[str, str]]
) -> None:
    install.install(install.locate())

    done = commit(repo, "--allow-empty", "-m", "first", env=with_handlers(None))

    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert git(repo, "log", "--format=%s") == "first\n"


def test_a_commit_through_the_shims_with_the_real_handlers(repo: Path) -> None:
    install.install(install.locate())

    done = commit(repo, "--allow-empty", "-m", "first")

    assert done.returncode == 0, done.stderr
    assert "hook failed" not in done.stderr
    if importlib.util.find_spec("gitmilestone.hooks.handlers") is None:
        assert (done.stdout, done.stderr) == ("", "")


def test_a_failing_handler_does_not_fail_the_commit(
    repo: Path, with_handlers: Callable[[str | None], dict[str, str]]
) -> None:
    install.install(install.locate())
    env = with_handlers("def commit_msg(args, stdin):\n    raise OSError('disk on fire')\n")

    done = commit(repo, "--allow-empty", "-m", "first", env=env)

    assert done.returncode == 0
    assert done.stderr == (
        "git-milestone: commit-msg hook failed: OSError: disk on fire "
        "(your git command is not affected)\n"
    )


def test_a_foreign_commit_msg_hook_still_runs_first(repo: Path) -> None:
    put_hook(hooks(repo) / "commit-msg", APPEND, mode=0o700)
    install.install(install.locate())

    done = commit(repo, "--allow-empty", "-m", "first")

    assert done.returncode == 0, done.stderr
    assert "Signed-off-by: Legacy Hook" in git(repo, "log", "-1", "--format=%B")


def test_a_failing_foreign_hook_still_blocks_the_commit(repo: Path) -> None:
    git(repo, "commit", "-q", "--allow-empty", "-m", "root")
    put_hook(hooks(repo) / "commit-msg", b"#!/bin/sh\necho 'no WIP commits' >&2\nexit 1\n")
    install.install(install.locate())

    done = commit(repo, "--allow-empty", "-m", "WIP")

    assert done.returncode != 0
    assert "no WIP commits" in done.stderr
    assert git(repo, "log", "--format=%s") == "root\n"


def test_uninstall_restores_the_foreign_hook_byte_for_byte(
    repo: Path, run_cli: Callable[..., Result]
) -> None:
    hook = hooks(repo) / "commit-msg"
    put_hook(hook, APPEND, mode=0o700)
    run_cli("install")

    result = run_cli("uninstall")

    assert "restored  .git/hooks/commit-msg (from commit-msg.legacy)" in result.output
    assert "removed  .git/hooks/post-commit" in result.output
    assert hook.read_bytes() == APPEND
    assert stat.S_IMODE(hook.stat().st_mode) == 0o700
    assert not (hooks(repo) / "commit-msg.legacy").exists()
    assert sorted(p.name for p in hooks(repo).iterdir() if not p.name.endswith(".sample")) == [
        "commit-msg"
    ]


def test_post_rewrite_stdin_reaches_the_legacy_hook_and_ours(
    repo: Path, tmp_path: Path, with_handlers: Callable[[str | None], dict[str, str]]
) -> None:
    theirs, ours = tmp_path / "theirs.txt", tmp_path / "ours.txt"
    put_hook(hooks(repo) / "post-rewrite", f'#!/bin/sh\ncat > "{theirs}"\n'.encode())
    install.install(install.locate())
    env = with_handlers(
        "from pathlib import Path\n"
        "def post_rewrite(args, stdin):\n"
        f"    Path({str(ours)!r}).write_bytes(' '.join(args).encode() + b'|' + stdin)\n"
        "    return 0\n"
    )
    env["TMPDIR"] = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    git(repo, "commit", "-q", "--allow-empty", "-m", "first")
    old = git(repo, "rev-parse", "HEAD").strip()

    done = commit(repo, "--amend", "--allow-empty", "-m", "first, amended", env=env)

    assert done.returncode == 0, done.stderr
    new = git(repo, "rev-parse", "HEAD").strip()
    assert theirs.read_text() == f"{old} {new}\n"
    assert ours.read_text() == f"amend|{old} {new}\n"
    assert not list((tmp_path / "tmp").iterdir())  # the shim's copy of stdin is gone


def test_a_missing_python_skips_our_hook_but_not_the_commit(repo: Path) -> None:
    install.install(install.locate(), python=str(repo / "gone" / "python"))
    (repo / ".milestones").mkdir()

    done = commit(repo, "--allow-empty", "-m", "first")

    assert done.returncode == 0
    assert "commit-msg hook skipped" in done.stderr
    assert "run git milestone install" in done.stderr


def test_an_uninstalled_package_skips_our_hook_but_not_the_commit(
    repo: Path, with_handlers: Callable[[str | None], dict[str, str]], tmp_path: Path
) -> None:
    install.install(install.locate())
    env = with_handlers(None)
    shutil.rmtree(tmp_path / "shadow")  # as if `pip uninstall git-milestone` ran

    done = commit(repo, "--allow-empty", "-m", "first", env=env)

    assert done.returncode == 0
    assert "commit-msg hook skipped (exit 1; run git milestone install)" in done.stderr
    assert git(repo, "log", "--format=%s") == "first\n"


def test_a_repository_without_a_plan_never_starts_python(repo: Path) -> None:
    install.install(install.locate(), python=str(repo / "gone" / "python"))

    done = commit(repo, "--allow-empty", "-m", "first")

    assert (done.returncode, done.stderr) == (0, "")
