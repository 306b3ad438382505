"""Shared fixtures: every test runs sealed off from the user's git config, in real repos."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

from gitmilestone.cli import cli
from gitmilestone.storage import atomic

BIN = Path(sys.executable).parent

# Wall-clock deadlines fail at random on a loaded two-core machine; the suite's time is
# watched as a whole (pytest --durations) instead.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")


RAM = Path("/dev/shm")
RAM_NEEDED = 512 << 20  # the suite's repositories take about 130 MiB
RAM_PREFIX = "git-milestone-tests-"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """The tests' repositories in memory where the machine has room in a tmpfs: the suite
    makes and deletes thousands of small files, and a disk file system's inode bookkeeping
    for them costs more CPU than many a test. An explicit --basetemp is kept."""
    if config.option.basetemp or hasattr(config, "workerinput"):
        return
    base = _ram_base()
    if base is not None:
        config.option.basetemp = str(base / "run")
        config.add_cleanup(lambda: shutil.rmtree(base, ignore_errors=True))


def _ram_base() -> Path | None:
    try:
        if shutil.disk_usage(RAM).free < RAM_NEEDED:
            return None
        for old in RAM.glob(f"{RAM_PREFIX}*"):  # left by a run that was killed
            if not _alive(int(old.name.split("-")[3])):
                shutil.rmtree(old, ignore_errors=True)
        return Path(tempfile.mkdtemp(prefix=f"{RAM_PREFIX}{os.getpid()}-", dir=RAM))
    except (OSError, ValueError, IndexError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: alive
    return True


def sealed_env(home: Path) -> dict[str, str]:
    """No user or system git config, a fixed identity and fixed dates, our venv's bin on PATH."""
    # No template: git's sample hooks are a dozen files per repository, which the suite's
    # thousands of repositories would write and delete for nothing.
    (home / "git-template").mkdir(exist_ok=True)
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n"
        f"\ttemplateDir = {home / 'git-template'}\n"
        # Throw-away repositories: no fsync (as git's own suite runs), no background upkeep.
        "[core]\n\tfsync = none\n[maintenance]\n\tauto = false\n[gc]\n\tauto = 0\n"
    )
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test User",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test User",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_AUTHOR_DATE": "2026-11-02T10:00:00Z",
        "GIT_COMMITTER_DATE": "2026-11-02T10:00:00Z",
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
    }


def seal(mp: pytest.MonkeyPatch, home: Path) -> None:
    """hermetic_seal's settings, for a fixture shared by several tests (built once)."""
    home.mkdir(parents=True, exist_ok=True)
    _seal(mp, home)


def _seal(mp: pytest.MonkeyPatch, home: Path) -> None:
    for name, value in sealed_env(home).items():
        mp.setenv(name, value)
    mp.setattr(atomic, "_ROOTS", [])  # each test opens its own repository
    mp.setattr(atomic, "_TEMP", [])
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "EDITOR", "VISUAL", "GIT_EDITOR"):
        mp.delenv(var, raising=False)


@pytest.fixture(autouse=True)
def hermetic_seal(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No user or system git config, fixed identity and dates, our venv's bin on PATH."""
    _seal(monkeypatch, tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="session")
def demo_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `git milestone demo` repository, built once: read it, or copy it to change it."""
    target = tmp_path_factory.mktemp("demo-build") / "demo"
    with pytest.MonkeyPatch.context() as mp:
        _seal(mp, tmp_path_factory.mktemp("home"))
        result = CliRunner().invoke(cli, ["demo", "--dir", str(target)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture
def demo(repo: Path, demo_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared demo repository as the working directory: only for reading."""
    monkeypatch.chdir(demo_repo)
    return demo_repo


@pytest.fixture
def own_demo(repo: Path, demo_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo repository, to change, as the working directory."""
    target = tmp_path / "demo"
    shutil.copytree(demo_repo, target, symlinks=True)
    monkeypatch.chdir(target)
    return target


def git(cwd: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty git repository in tmp_path, which is also the working directory."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def run_cli(repo: Path) -> Callable[..., Result]:
    """Run a command in-process, like `git milestone ARGS` in the repo."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return run


Prebuilt = Callable[[str, Callable[[Path], Any]], Any]
_BUILT: dict[str, tuple[Path, Any]] = {}


@pytest.fixture
def prebuilt(
    repo: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Prebuilt:
    """`prebuilt(key, build)`: the repository as `build(root)` leaves it, built by real
    commands once per test process, then copied into this test's repository (as git clones
    a work tree, every test gets its own). For fixtures whose set-up is several commands;
    `build` must give the same repository every time (no test parameters in it). Returns
    what `build` returned."""

    def make(key: str, build: Callable[[Path], Any]) -> Any:
        if key not in _BUILT:
            template = tmp_path_factory.mktemp("prebuilt") / "repo"
            shutil.copytree(repo, template, symlinks=True)
            monkeypatch.chdir(template)
            _BUILT[key] = (template, build(template))
        template, value = _BUILT[key]
        shutil.rmtree(repo)
        shutil.copytree(template, repo, symlinks=True)
        monkeypatch.chdir(repo)
        return value

    return make


@pytest.fixture
def initialized(repo: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:
    """A repository after `git milestone init`, with plain sequential IDs for readable tests."""

    def build(root: Path) -> None:
        assert run_cli("init").exit_code == 0
        cfg = root / ".milestones/config/milestone-config.yaml"
        cfg.write_text(cfg.read_text().replace("suffix_length: 4", "suffix_length: 0"))

    prebuilt("initialized", build)
    return repo


def run_exe(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `git milestone` through git, as a user would."""
    return subprocess.run(
        ["git", "milestone", *args], cwd=cwd, capture_output=True, text=True, check=False, env=env
    )


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under .milestones/, to prove a failed command changed nothing."""
    base = root / ".milestones"
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()
    }


@pytest.fixture
def snapshot() -> Iterator[Callable[[Path], dict[str, bytes]]]:
    yield tree_snapshot
