from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.cli.helpers import assert_user_error, ms_file, write_editor


@pytest.fixture
def editor(initialized: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """EDITOR is a script steered by EDIT_FROM/EDIT_TO/EDIT_EXIT; returns where it saves a
    copy of the text it was handed."""
    monkeypatch.setenv("EDITOR", write_editor(tmp_path))
    seen = tmp_path / "seen.yaml"
    monkeypatch.setenv("EDIT_SEEN", str(seen))
    return seen


@pytest.fixture
def milestone(initialized: Path, run_cli: Callable[..., Result]) -> Path:
    run_cli("new", "Auth", "--priority", "medium")
    return ms_file(initialized, "M-001")


def _edit(monkeypatch: pytest.MonkeyPatch, old: str, new: str, exit_code: int = 0) -> None:
    monkeypatch.setenv("EDIT_FROM", old)
    monkeypatch.setenv("EDIT_TO", new)
    monkeypatch.setenv("EDIT_EXIT", str(exit_code))


def _draft(repo: Path) -> Path:
    return repo / ".git/milestones/drafts/M-001.yaml"


def test_a_valid_edit_is_saved(
    milestone: Path, editor: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = milestone.read_text()
    _edit(monkeypatch, "priority: medium", "priority: high  # raised after review")

    result = run_cli("edit", "M-001")

    assert result.output == "Saved M-001 (.milestones/active/M-001.yaml)\n"
    assert editor.read_text() == original
    assert milestone.read_text() == original.replace(
        "priority: medium", "priority: high  # raised after review"
    )
    assert not _draft(milestone.parents[2]).exists()


def test_git_editor_wins_over_editor(
    milestone: Path,
    tmp_path: Path,
    run_cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EDITOR", "false")
    monkeypatch.setenv("GIT_EDITOR", write_editor(tmp_path))
    _edit(monkeypatch, "category: feature", "category: security")

    result = run_cli("edit", "M-001")

    assert result.exit_code == 0, result.output
    assert "category: security\n" in milestone.read_text()


def test_an_invalid_edit_is_kept_as_a_draft(
    milestone: Path, editor: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = milestone.read_text()
    _edit(monkeypatch, "priority: medium", "priority: urgent")

    result = run_cli("edit", "M-001")

    lines = assert_user_error(result, ".milestones/active/M-001.yaml:", "field 'priority'")
    draft = _draft(milestone.parents[2])
    assert str(draft) in lines[-1]
    assert "--discard" in lines[-1]
    assert milestone.read_text() == original
    assert draft.read_text() == original.replace("priority: medium", "priority: urgent")


def test_the_next_edit_starts_from_the_draft(
    milestone: Path, editor: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = milestone.read_text()
    _edit(monkeypatch, "title: Auth", "title: Login")
    run_cli("edit", "M-001")  # valid edit first: the draft must follow the saved file
    _edit(monkeypatch, "priority: medium", "priority: urgent")
    run_cli("edit", "M-001")
    _edit(monkeypatch, "priority: urgent", "priority: low")

    result = run_cli("edit", "M-001")

    assert result.output == "Saved M-001 (.milestones/active/M-001.yaml) from your kept draft\n"
    assert "priority: urgent" in editor.read_text()
    expected = original.replace("title: Auth", "title: Login").replace("medium", "low", 1)
    assert milestone.read_text() == expected
    assert not _draft(milestone.parents[2]).exists()


def test_discard_drops_the_draft(
    milestone: Path, editor: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = milestone.read_text()
    _edit(monkeypatch, "priority: medium", "priority: urgent")
    run_cli("edit", "M-001")
    _edit(monkeypatch, "priority: medium", "priority: critical")

    result = run_cli("edit", "M-001", "--discard")

    assert result.output == "Saved M-001 (.milestones/active/M-001.yaml)\n"
    assert editor.read_text() == original
    assert milestone.read_text() == original.replace("priority: medium", "priority: critical")
    assert not _draft(milestone.parents[2]).exists()


def test_an_editor_that_fails_changes_nothing(
    milestone: Path, editor: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = milestone.read_text()
    _edit(monkeypatch, "priority: medium", "priority: high", exit_code=3)

    result = run_cli("edit", "M-001")

    assert_user_error(result, "the editor exited with status 3", "the file was not changed")
    assert milestone.read_text() == original


def test_no_changes(
    milestone: Path, editor: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = milestone.read_bytes()
    _edit(monkeypatch, "", "")

    result = run_cli("edit", "M-001")

    assert result.output == "No changes to M-001.\n"
    assert milestone.read_bytes() == original
    assert not _draft(milestone.parents[2]).exists()


def test_an_edit_may_not_change_the_id(
    milestone: Path, editor: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = milestone.read_text()
    _edit(monkeypatch, "id: M-001", "id: M-777")

    result = run_cli("edit", "M-001")

    lines = assert_user_error(result, "field 'id'", "the id changed from M-001 to M-777")
    assert "IDs are stable" in lines[-1]
    assert milestone.read_text() == original


def test_broken_yaml_from_the_editor_is_kept_as_a_draft(
    milestone: Path, editor: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = milestone.read_text()
    _edit(monkeypatch, "title: Auth", 'title: "Auth')

    result = run_cli("edit", "M-001")

    assert_user_error(result, "not valid YAML")
    assert milestone.read_text() == original
    assert 'title: "Auth\n' in _draft(milestone.parents[2]).read_text()
