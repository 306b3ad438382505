"""`status --json` and `show --json` follow schemas/status.schema.json and show.schema.json,
checked on real output with tasks done by a trailer, by a note and in the file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from tests.conftest import git

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def validator(name: str) -> Draft202012Validator:
    loaded = {n: json.loads((SCHEMAS / f"{n}.schema.json").read_text()) for n in ("status", "show")}
    registry: Registry[Any] = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in loaded.values()
    )
    return Draft202012Validator(loaded[name], registry=registry)


def test_status_and_show_json_follow_their_schemas(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    assert run_cli("new", "Auth", "--hours", "8").exit_code == 0
    for title in ("Login", "Reset", "Tokens"):
        assert run_cli("task", "add", "M-001", title, "--hours", "2").exit_code == 0
    git(initialized, "add", "-A")
    git(initialized, "commit", "-qm", "Plan")
    git(initialized, "commit", "-q", "--allow-empty", "-m", "Login\n\nCompletes: M-001/task-001")
    assert run_cli("task", "done", "M-001/task-002").exit_code == 0

    status = json.loads(run_cli("status", "--json").output)
    shown = json.loads(run_cli("show", "M-001", "--json").output)

    assert list(validator("status").iter_errors(status)) == []
    assert list(validator("show").iter_errors(shown)) == []
    sources = {t["id"]: t["source"] for t in shown["computed"]["task_list"]}
    assert sources == {"task-001": "trailer", "task-002": "file", "task-003": "file"}
