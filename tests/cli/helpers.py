"""Small helpers shared by the CLI tests: where files are, and what a user error looks like."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from click.testing import Result

from gitmilestone.storage.schema import parse_value
from gitmilestone.storage.yamledit import Document, parse_path

ACTIVE = ".milestones/active"
COMPLETED = ".milestones/completed"


def ms_file(repo: Path, mid: str, where: str = "active") -> Path:
    return repo / ".milestones" / where / f"{mid}.yaml"


def assert_user_error(result: Result, *expected: str) -> list[str]:
    """Exit 1, one `Error:` line naming what is wrong, then a `hint:` line, no traceback.
    Returns the output lines for further checks."""
    out = result.output
    assert result.exit_code == 1, out
    assert "Traceback" not in out
    lines = [line for line in out.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1, out
    assert any(line.startswith("hint: ") for line in lines), out
    for text in expected:
        assert text in errors[0], f"{text!r} not in {errors[0]!r}"
    return lines


def changed_lines(before: str, after: str) -> list[str]:
    """The `-`/`+` lines of a unified diff, without the file headers."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


EDITOR_SCRIPT = """\
import os, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
seen = os.environ.get("EDIT_SEEN")
if seen:
    open(seen, "w", encoding="utf-8").write(text)
old, new = os.environ.get("EDIT_FROM", ""), os.environ.get("EDIT_TO", "")
if old:
    assert old in text, f"editor did not find {old!r}"
    text = text.replace(old, new)
open(path, "w", encoding="utf-8").write(text)
sys.exit(int(os.environ.get("EDIT_EXIT", "0")))
"""


def write_editor(folder: Path, name: str = "editor.py", script: str = EDITOR_SCRIPT) -> str:
    """An editor command that rewrites the file as EDIT_FROM/EDIT_TO say and saves a copy of
    what it was given to EDIT_SEEN."""
    path = folder / name
    path.write_text(script, encoding="utf-8")
    return f"{sys.executable} {path}"


def write_unchecked(repo: Path, mid: str, *assignments: str) -> None:
    """Change a file as a hand edit or a merge would: `set` refuses to write a broken plan."""
    path = ms_file(repo, mid)
    doc = Document(path.read_text())
    for assignment in assignments:
        key, _, value = assignment.partition("=")
        doc.set(parse_path(key), parse_value(value))
    path.write_text(doc.dump())
