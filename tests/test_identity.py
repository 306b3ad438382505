"""The identity events are recorded under is the author identity git itself would write."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitmilestone.git.eventlog import identity

PIECES = st.text(alphabet="ab é.,:;<>\"\\'\n\t", max_size=8)


def git_says(root: Path) -> str:
    out = subprocess.run(
        ["git", "var", "GIT_AUTHOR_IDENT"], cwd=root, capture_output=True, text=True, check=False
    ).stdout.strip()
    return out[: out.rfind(">") + 1] if ">" in out else "unknown"


# The repository is only read: one for every example is right.
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=PIECES, email=PIECES)
def test_the_identity_is_what_git_writes_for_the_author(repo: Path, name: str, email: str) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GIT_AUTHOR_NAME", name)
        mp.setenv("GIT_AUTHOR_EMAIL", email)
        assert identity(repo) == git_says(repo)


def test_without_the_variables_git_is_asked(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GIT_AUTHOR_NAME")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "ann@example.com")
    (repo / ".git/config").write_text("[user]\n\tname = Ann From Config\n")
    assert identity(repo) == "Ann From Config <ann@example.com>" == git_says(repo)
