"""Bad input: every case gives one `Error:` line naming the file (line, field), a `hint:`,
exit 1, no traceback, and leaves every file under .milestones/ exactly as it was."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from gitmilestone.storage import atomic
from tests.cli.helpers import assert_user_error, ms_file
from tests.conftest import Prebuilt, tree_snapshot

M2 = ".milestones/active/M-002.yaml"
CONFIG = ".milestones/config/milestone-config.yaml"


@pytest.fixture
def two(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:

    def build(root: Path) -> None:
        run_cli("new", "Auth")
        run_cli("new", "Payments")
        run_cli("task", "add", "M-001", "Schema")

    prebuilt("test_errors.two", build)
    return initialized


@pytest.fixture
def unchanged(two: Path) -> Iterator[Callable[[], None]]:
    """Call it after the change that breaks things; the test fails if the command wrote."""
    before: dict[str, bytes] = {}

    def arm() -> None:
        before.update(tree_snapshot(two))

    yield arm
    assert before, "the test never took its snapshot"
    assert tree_snapshot(two) == before


READS = [("status",), ("list",), ("show", "M-002"), ("task", "list")]
WRITES = [
    ("set", "M-002", "priority=high"),
    ("new", "Docs"),  # the next ID depends on every file
]
ON_M1 = [("set", "M-001", "priority=high"), ("task", "add", "M-001", "Login")]


@pytest.mark.parametrize("args", READS + WRITES, ids=" ".join)
def test_malformed_yaml(
    two: Path,
    run_cli: Callable[..., Result],
    unchanged: Callable[[], None],
    args: tuple[str, ...],
) -> None:
    (two / M2).write_text("schema_version: 1\nid: M-002\ntitle: Payments\n  priority: high\n")
    unchanged()

    lines = assert_user_error(run_cli(*args), f"{M2}:4: not valid YAML")

    assert "fix the YAML syntax" in lines[-1]


@pytest.mark.parametrize("args", ON_M1, ids=" ".join)
def test_a_broken_file_does_not_stop_work_on_another(
    two: Path, run_cli: Callable[..., Result], args: tuple[str, ...]
) -> None:
    (two / M2).write_text("schema_version: 1\nid: M-002\ntitle: Payments\n  priority: high\n")
    broken = (two / M2).read_bytes()

    result = run_cli(*args)

    assert result.exit_code == 0, result.output
    assert (two / M2).read_bytes() == broken
    assert run_cli("show", "M-001").exit_code == 0


@pytest.mark.parametrize("args", [*READS, WRITES[0], ("edit", "M-002")], ids=" ".join)
def test_schema_violation_in_a_file(
    two: Path,
    run_cli: Callable[..., Result],
    unchanged: Callable[[], None],
    args: tuple[str, ...],
) -> None:
    path = two / M2
    path.write_text(path.read_text().replace("priority: medium", "priority: urgent"))
    unchanged()

    lines = assert_user_error(run_cli(*args), f"{M2}:6: field 'priority'", "'urgent'")

    assert lines[-1] == "hint: use one of: critical, high, medium, low"


@pytest.mark.parametrize(
    "args",
    [
        ("show", "M-404"),
        ("set", "M-404", "priority=high"),
        ("edit", "M-404"),
        ("complete", "M-404"),
        ("criteria", "add", "M-404", "x"),
        ("task", "add", "M-404", "x"),
        ("task", "list", "M-404"),
        ("task", "start", "M-404/task-001"),
        ("task", "done", "M-001/task-404"),
        ("task", "block", "task-404", "-r", "x"),
    ],
    ids=" ".join,
)
def test_unknown_id(
    two: Path,
    run_cli: Callable[..., Result],
    unchanged: Callable[[], None],
    args: tuple[str, ...],
) -> None:
    unchanged()

    lines = assert_user_error(run_cli(*args), "unknown")

    assert "404" in lines[0]
    assert "shows every ID" in lines[-1]


@pytest.mark.parametrize(
    "args",
    [
        ("status",),
        ("list",),
        ("show", "M-001"),
        ("new", "First"),
        ("set", "M-001", "priority=high"),
        ("task", "list"),
        ("validate",),
        ("fix-ids",),
        ("complete", "M-001"),
    ],
    ids=" ".join,
)
def test_missing_milestones_folder(
    repo: Path, run_cli: Callable[..., Result], args: tuple[str, ...]
) -> None:
    lines = assert_user_error(run_cli(*args), f"no .milestones/ in {repo}")

    assert lines[-1] == "hint: run `git milestone init` to start planning in this repository"
    assert not (repo / ".milestones").exists()


@pytest.mark.parametrize("args", [("init",), ("status",), ("new", "First")], ids=" ".join)
def test_outside_a_git_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    from click.testing import CliRunner

    from gitmilestone.cli import cli

    plain = tmp_path / "plain"
    plain.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(plain)

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)

    lines = assert_user_error(result, f"not inside a git repository: {plain}")
    assert "git init" in lines[-1]
    assert list(plain.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ("set", "M-001", "priority=high"),
        ("task", "add", "M-001", "Login"),
        ("task", "done", "M-001/task-001"),
        ("criteria", "add", "M-001", "Fast"),
        ("complete", "M-001", "--force"),
    ],
    ids=" ".join,
)
def test_read_only_milestone_file(
    two: Path,
    run_cli: Callable[..., Result],
    unchanged: Callable[[], None],
    args: tuple[str, ...],
) -> None:
    path = ms_file(two, "M-001")
    path.chmod(0o444)
    unchanged()

    lines = assert_user_error(run_cli(*args), ".milestones/active/M-001.yaml: file is read-only")

    assert "chmod u+w .milestones/active/M-001.yaml" in lines[-1]
    assert path.stat().st_mode & 0o777 == 0o444


@pytest.mark.parametrize(
    "args", [("status",), ("show", "M-002"), ("set", "M-002", "priority=high")], ids=" ".join
)
def test_symlink_out_of_the_repository(
    two: Path,
    tmp_path: Path,
    run_cli: Callable[..., Result],
    unchanged: Callable[[], None],
    args: tuple[str, ...],
) -> None:
    outside = tmp_path / "elsewhere.yaml"
    path = two / M2
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    kept = outside.read_bytes()
    unchanged()

    lines = assert_user_error(run_cli(*args), f"{M2}: leads outside the repository")

    assert "replace the symlink" in lines[-1]
    assert outside.read_bytes() == kept
    assert path.is_symlink()


def test_lessons_learned_symlinked_out_of_the_repository(
    two: Path,
    tmp_path: Path,
    run_cli: Callable[..., Result],
    unchanged: Callable[[], None],
) -> None:
    outside = tmp_path / "lessons.md"
    outside.write_text("# Lessons learned\n")
    lessons = two / ".milestones/completed/lessons-learned.md"
    lessons.unlink()
    lessons.symlink_to(outside)
    unchanged()

    assert_user_error(run_cli("complete", "M-002", "-m", "x"), "lessons-learned.md: leads outside")

    assert outside.read_text() == "# Lessons learned\n"


@pytest.mark.parametrize(
    "args",
    [("set", "M-001", "priority=high"), ("task", "done", "M-001/task-001"), ("edit", "M-001")],
    ids=" ".join,
)
def test_another_writer_holds_the_lock(
    two: Path,
    run_cli: Callable[..., Result],
    unchanged: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
) -> None:
    monkeypatch.setenv("EDITOR", "sed -i s/medium/high/")
    monkeypatch.setattr(atomic, "LOCK_WAIT", 0.3)  # a writer waits this long, then gives up
    lock = ms_file(two, "M-001").with_name("M-001.yaml.lock")
    lock.write_text(f"{os.getpid()}\n")  # held by a live process
    unchanged()

    lines = assert_user_error(run_cli(*args))

    assert lines[0] == (
        "Error: .milestones/active/M-001.yaml: "
        "the file is being changed by another git-milestone process (0.3s)"
    )
    assert "remove .milestones/active/M-001.yaml.lock" in lines[-1]
    assert lock.exists(), "the other writer's lock must not be taken away"


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("bar_width: 20", "bar_width: wide", ":51: field 'status.bar_width'"),
        ("digits: 3", "digits: 0", ":10: field 'ids.digits'"),
        ("  enabled: true", "  enabled: true: yes", ":26: not valid YAML"),
    ],
)
@pytest.mark.parametrize("args", [("status",), ("new", "Docs"), ("task", "add", "M-001", "x")])
def test_bad_config_value(
    two: Path,
    run_cli: Callable[..., Result],
    unchanged: Callable[[], None],
    old: str,
    new: str,
    where: str,
    args: tuple[str, ...],
) -> None:
    cfg = two / CONFIG
    cfg.write_text(cfg.read_text().replace(old, new))
    unchanged()

    assert_user_error(run_cli(*args), f"{CONFIG}{where}")


def test_unreadable_milestone_file_is_not_a_crash(
    two: Path, run_cli: Callable[..., Result], unchanged: Callable[[], None]
) -> None:
    (two / M2).write_bytes(b"schema_version: 1\nid: M-002\ntitle: \xff\xfe\n")
    unchanged()

    lines = assert_user_error(run_cli("status"), f"{M2}: not UTF-8 text")

    assert "UTF-8" in lines[-1]


def test_a_milestone_file_that_is_a_list(
    two: Path, run_cli: Callable[..., Result], unchanged: Callable[[], None]
) -> None:
    (two / M2).write_text("- id: M-002\n")
    unchanged()

    assert_user_error(run_cli("status"), f"{M2}:1: expected a mapping")


def test_errors_go_to_stderr(two: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("show", "M-404")

    assert result.stdout == ""
    assert result.stderr.startswith("Error: unknown milestone 'M-404'\nhint: ")


def test_read_only_lessons_learned_stops_complete_before_it_moves_anything(
    two: Path, run_cli: Callable[..., Result], unchanged: Callable[[], None]
) -> None:
    lessons = two / ".milestones/completed/lessons-learned.md"
    lessons.chmod(0o444)
    unchanged()

    assert_user_error(
        run_cli("complete", "M-002"), ".milestones/completed/lessons-learned.md: file is read-only"
    )


@pytest.mark.parametrize("args", [("status",), ("validate",), ("set", "M-002", "priority=low")])
def test_a_key_given_twice_is_an_error_not_a_silent_choice(
    two: Path, run_cli: Callable[..., Result], unchanged: Callable[[], None], args: tuple[str, ...]
) -> None:
    path = two / M2
    path.write_text(path.read_text().replace("priority: medium", "priority: high\npriority: low"))
    unchanged()

    result = run_cli(*args)

    assert result.exit_code == 1
    assert f"{M2}:7: not valid YAML: key 'priority' appears twice in one mapping" in result.output
    assert "keep one of the two" in result.output


@pytest.mark.parametrize("args", [("init",), ("status",), ("sync",)])
def test_a_bare_repository_is_named_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    from click.testing import CliRunner

    from gitmilestone.cli import cli
    from tests.conftest import git

    bare = tmp_path / "bare.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    before = sorted(p.name for p in bare.iterdir())
    monkeypatch.chdir(bare)

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)

    lines = assert_user_error(result, "this is a bare repository")
    assert "clone with a work tree" in lines[-1]
    assert sorted(p.name for p in bare.iterdir()) == before  # nothing written there


def test_damaged_notes_are_one_error_line(two: Path, run_cli: Callable[..., Result]) -> None:
    from tests.conftest import git

    git(two, "commit", "-q", "--allow-empty", "-m", "base")
    # The notes ref names an object that is not there.
    (two / ".git/refs/notes").mkdir(parents=True, exist_ok=True)
    (two / ".git/refs/notes/milestones").write_text("0123456789" * 4 + "\n")

    lines = assert_user_error(run_cli("log"), "cannot read the notes in refs/notes/milestones")

    assert "git milestone sync" in lines[-1]


def test_a_failing_git_command_becomes_one_error_line() -> None:
    import subprocess

    from gitmilestone.cli import _git_failure

    exc = subprocess.CalledProcessError(128, ["git", "cat-file", "--batch"], "", "fatal: bad\nmore")
    assert _git_failure(exc) == [
        "Error: git cat-file --batch failed (exit 128): fatal: bad",
        "hint: fix what git reports (`git status` and `git fsck` help), then run the command "
        "again; files git-milestone writes are only replaced once complete",
    ]
    assert _git_failure(ValueError("a bug")) == []
