"""install.sh end to end: a real virtualenv, pip install, the command on PATH, the man page,
and an uninstall that removes all of it. Takes about 10 s (pip installs from the index)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from gitmilestone import __version__

ROOT = Path(__file__).resolve().parent.parent
INSTALL = ROOT / "install.sh"


def run(
    cmd: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def path_without_dev_venv(bindir: Path) -> str:
    """PATH with the installed bin dir first and every other folder holding a git-milestone
    (this checkout's .venv/bin, an install on the host) removed, so only the installed
    git-milestone can answer."""
    dirs = os.environ["PATH"].split(os.pathsep)
    rest = [p for p in dirs if p and not (Path(p) / "git-milestone").exists()]
    return os.pathsep.join([str(bindir), *rest])


def test_install_run_uninstall(tmp_path: Path) -> None:
    home, bindir = tmp_path / "home" / "git-milestone", tmp_path / "prefix" / "bin"
    env = {**os.environ, "GIT_MILESTONE_HOME": str(home), "GIT_MILESTONE_BIN": str(bindir)}
    proc = run([str(INSTALL)], cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Installed: {bindir}/git-milestone" in proc.stdout

    link = bindir / "git-milestone"
    assert link.is_symlink()
    assert Path(os.readlink(link)) == home / "venv" / "bin" / "git-milestone"
    man = bindir.parent / "share" / "man" / "man1" / "git-milestone.1"
    assert man.read_text(encoding="utf-8").startswith(".TH GIT-MILESTONE 1")
    status_page = man.parent / "git-milestone-status.1"
    assert status_page.read_text(encoding="utf-8").startswith(".TH GIT-MILESTONE-STATUS 1")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = run([str(link), "--version"], cwd=elsewhere)
    assert (proc.returncode, proc.stdout.strip()) == (0, f"git-milestone, version {__version__}")

    user_env = {**os.environ, "PATH": path_without_dev_venv(bindir)}
    proc = run(["sh", "-c", "command -v git-milestone"], cwd=elsewhere, env=user_env)
    assert proc.stdout.strip() == str(link)
    proc = run(["git", "milestone", "-h"], cwd=elsewhere, env=user_env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage: git milestone [OPTIONS] COMMAND [ARGS]...")
    assert "status" in proc.stdout

    proc = run([str(INSTALL), "--uninstall"], cwd=elsewhere, env=env)
    assert proc.returncode == 0, proc.stderr
    assert not link.exists() and not link.is_symlink()
    assert not (home / "venv").exists()
    assert not home.exists()
    assert not man.exists() and not status_page.exists()
    # Our link is gone from PATH; a git-milestone the host installed itself may still answer.
    proc = run(["sh", "-c", "command -v git-milestone"], cwd=elsewhere, env=user_env)
    assert proc.stdout.strip() != str(link)


def test_uninstall_when_nothing_is_installed_is_fine(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "GIT_MILESTONE_HOME": str(tmp_path / "home"),
        "GIT_MILESTONE_BIN": str(tmp_path / "bin"),
    }
    proc = run([str(INSTALL), "--uninstall"], cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "uninstalled" in proc.stdout
    assert list(tmp_path.iterdir()) == []


def test_help_and_unknown_options(tmp_path: Path) -> None:
    proc = run([str(INSTALL), "--help"], cwd=tmp_path)
    assert proc.returncode == 0
    assert "--uninstall" in proc.stdout
    proc = run([str(INSTALL), "--bogus"], cwd=tmp_path)
    assert proc.returncode == 1
    assert "unknown option --bogus" in proc.stderr
