"""Reading trailers from history (git/history.py): a message's own control characters stay
inside its field, a crafted author time is bounded, dates are git's own, and a record that
cannot be split is an error, never a misread."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from gitmilestone.errors import MilestoneError
from gitmilestone.git import history
from gitmilestone.git.history import scan_rows
from tests.conftest import git


@pytest.fixture
def based(initialized: Path) -> Path:
    """An initialized repository with its plan committed."""
    git(initialized, "add", "-A")
    git(initialized, "commit", "-q", "--no-verify", "-m", "Plan")
    return initialized


def crafted(root: Path, message: str, when: str = "1700000000") -> str:
    """A commit on top of HEAD as anyone can write one (`hash-object --literally`, no checks
    and no hooks), made HEAD."""
    head = git(root, "rev-parse", "HEAD").strip()
    tree = git(root, "rev-parse", "HEAD^{tree}").strip()
    body = (
        f"tree {tree}\nparent {head}\nauthor Eve <eve@example.com> {when} +0000\n"
        f"committer Eve <eve@example.com> 1700000000 +0000\n\n{message}"
    )
    sha = (
        subprocess.run(
            ["git", "hash-object", "-t", "commit", "-w", "--literally", "--stdin"],
            cwd=root,
            input=body.encode(),
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    git(root, "update-ref", "HEAD", sha)
    return sha


def in_history(root: Path) -> set[str]:
    return set(git(root, "rev-list", "HEAD").split())


def test_separators_in_a_trailer_stay_inside_it(
    based: Path, run_cli: Callable[..., Result]
) -> None:
    real = {git(based, "rev-parse", "HEAD").strip()}
    forged = "f" * 40  # a record smuggled into a trailer: it must not become a commit
    real.add(crafted(based, f"x\n\nTask: M-001/a\x1e{forged}\x1f2026\x1fM <m>\x1f1 \x1f"))
    real.add(crafted(based, "y\n\nCompletes: M-001/t-2\nTime-Spent: 1h\x1f\x1e"))
    real.add(crafted(based, "z\n\nCompletes: M-001/t-3"))

    walk = scan_rows(based, ["HEAD"])

    assert {sha.hex() for sha in walk.activity.order} == in_history(based) >= real
    assert {row[8] for row in walk.rows} <= real
    result = run_cli("log", "--jsonl")
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert {e["task_id"] for e in events} == {"t-2", "t-3"}
    assert "Task: 'M-001/a" in result.stderr and "malformed" in result.stderr  # said, skipped
    assert run_cli("status").exit_code == 0


@pytest.mark.parametrize(
    ("when", "stamp"),
    [
        ("951782400", "2000-02-29T00:00:00.000Z"),
        ("99999999999", "5138-11-16T09:46:39.000Z"),
        ("18446744073709551615", "1970-01-01T00:00:00.000Z"),  # past git's range: the epoch
        ("99999999999999999999999", "1970-01-01T00:00:00.000Z"),
    ],
)
def test_author_dates_are_git_s_own_and_crafted_ones_bounded(
    based: Path, run_cli: Callable[..., Result], when: str, stamp: str
) -> None:
    sha = crafted(based, "Work\n\nCompletes: M-001/t-1", when)
    shown = git(
        based, "log", "-1", "--date=format-local:%Y-%m-%dT%H:%M:%S.000Z", "--format=%ad", sha
    ).strip()
    assert shown == stamp or int(when) > 10**12  # git's own date, where git has one

    walk = scan_rows(based, ["HEAD"])

    assert [row[1] for row in walk.rows] == [stamp]
    assert walk.activity.when[0] == (int(when) if int(when) < 10**12 else 0)
    assert run_cli("status").exit_code == 0
    assert run_cli("log").exit_code == 0  # the cache keeps the time, whatever its size


def test_dates_match_git_s_at_any_offset(based: Path) -> None:
    """Events carry the author date in UTC, whatever zone the author wrote it in."""
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-03-29T01:30:00+05:45"}
    subprocess.run(
        ["git", "commit", "-q", "--allow-empty", "--no-verify", "-m", "w\n\nCompletes: M-1/t-1"],
        cwd=based,
        env=env,
        check=True,
    )
    rows = scan_rows(based, ["HEAD"]).rows
    assert [row[1] for row in rows] == ["2026-03-28T19:45:00.000Z"]


@pytest.mark.parametrize(
    "ids",
    [
        ["a" * 39],  # too short
        ["a" * 40, "b" * 39 + "c" * 2],  # two ids whose lengths add up
        ["a" * 38 + " b"],  # what bytes.fromhex would pass over
        ["2026-11-02T10:00:00.000Z"],  # a field shifted into the id column
    ],
)
def test_a_record_that_cannot_be_split_is_an_error_not_a_misread(ids: list[str]) -> None:
    with pytest.raises(MilestoneError, match="cannot be split") as caught:
        history._binary_ids(ids)
    assert "git fsck" in caught.value.hint


def test_ids_of_either_hash_format_are_read() -> None:
    sha1, sha256 = "ab" * 20, "cd" * 32
    assert history._binary_ids([sha1, sha1]) == [bytes.fromhex(sha1)] * 2
    assert history._binary_ids([sha256]) == [bytes.fromhex(sha256)]
    assert history._binary_ids([]) == []
