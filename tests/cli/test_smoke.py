from __future__ import annotations

from pathlib import Path

from tests.conftest import run_exe


def test_help_through_git(repo: Path) -> None:
    proc = run_exe(repo, "--help")
    assert proc.returncode == 0
    assert "Plan and track milestones" in proc.stdout
