"""The forge recipes in docs/ci/ run as written: their git-milestone commands, on a local
clone of a reviewed branch, give annotations, a Code Quality report and the stored PR comment."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from tests.cli.diffrepo import DATE, reviewed_repo
from tests.conftest import git

TOP = Path(__file__).resolve().parents[2]
EXPECTED = TOP / "tests/data/diff-expected.md"
SKIPPED = ("pip install", "gh pr comment", "curl ")  # installing and posting need the forge


@pytest.fixture
def checkout(
    initialized: Path,
    tmp_path: Path,
    run_cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """The CI job's clone of the pull request's head."""
    monkeypatch.setenv("GIT_MILESTONE_DATE", DATE)
    reviewed_repo(initialized, run_cli, tmp_path_factory.mktemp)
    clone = tmp_path / "ci"
    git(tmp_path, "clone", "-q", str(initialized), str(clone))
    git(clone, "checkout", "-q", "feature")
    return clone


def run_script(clone: Path, commands: list[str], substitute: dict[str, str]) -> list[str]:
    """Each command as the runner would: bash -e, the forge's variables filled in."""
    outputs = []
    for command in commands:
        if any(skip in command for skip in SKIPPED):
            continue
        for name, value in substitute.items():
            command = command.replace(name, value)
        proc = subprocess.run(["bash", "-e", "-c", command], cwd=clone, capture_output=True,
                              text=True, env=dict(os.environ))  # fmt: skip
        assert proc.returncode == 0, f"{command}\n{proc.stdout}\n{proc.stderr}"
        outputs.append(proc.stdout)
    return outputs


def test_the_github_workflow_and_the_gitlab_job(checkout: Path) -> None:
    workflow = yaml.safe_load((TOP / "docs/ci/github-workflow.yml").read_text())
    steps = workflow["jobs"]["plan"]["steps"]
    commands = [s["run"] for s in steps if "git " in s.get("run", "")]

    outputs = run_script(checkout, commands, {"${{ github.base_ref }}": "main"})

    annotations = [line for out in outputs for line in out.splitlines() if line.startswith("::")]
    assert annotations
    assert all(line.startswith(("::warning file=.milestones/", "::notice file=.milestones/"))
               for line in annotations)  # fmt: skip
    if os.environ.get("UPDATE_EXPECTED"):  # after a deliberate change of the output
        EXPECTED.write_text((checkout / "plan-diff.md").read_text())
    assert _ids_out(checkout / "plan-diff.md") == _ids_out(EXPECTED)
    (checkout / "plan-diff.md").unlink()

    # The GitLab job, in the same clone.
    job = yaml.safe_load((TOP / "docs/ci/gitlab-ci.yml").read_text())["plan-review"]
    variables = {"$CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}

    run_script(checkout, job["script"], variables)

    report = json.loads((checkout / job["artifacts"]["reports"]["codequality"]).read_text())
    assert report and {"description", "check_name", "fingerprint", "severity", "location"} <= set(
        report[0]
    )
    assert report[0]["location"]["path"].startswith(".milestones/active/")
    assert isinstance(report[0]["location"]["lines"]["begin"], int)
    assert len({r["fingerprint"] for r in report}) == len(report)
    if os.environ.get("UPDATE_EXPECTED"):  # after a deliberate change of the output
        EXPECTED.write_text((checkout / "plan-diff.md").read_text())
    assert _ids_out(checkout / "plan-diff.md") == _ids_out(EXPECTED)


def test_annotations_escape_what_would_end_a_property_or_a_message() -> None:
    from gitmilestone.analysis.quality import Finding
    from gitmilestone.render.forge import codeclimate, github_lines

    f = Finding("MS002", "error", "M-1", ".milestones/active/a,b:c.yaml", ["title"],
                "100% wrong\nreally", "fix it", line=3)  # fmt: skip

    [line] = github_lines([f])
    [issue] = codeclimate([f])

    assert line == (
        "::error file=.milestones/active/a%2Cb%3Ac.yaml,line=3,"
        "title=MS002 no-success-criteria (M-1)::100%25 wrong%0Areally (hint: fix it)"
    )
    assert issue["severity"] == "major"
    assert issue["location"] == {"path": ".milestones/active/a,b:c.yaml", "lines": {"begin": 3}}
    moved = codeclimate([dataclasses.replace(f, line=9)])
    assert moved[0]["fingerprint"] == issue["fingerprint"]  # lines above it moved: same issue


def _ids_out(path: Path) -> str:
    """The comment with commit ids as a placeholder: they change with every change to the
    files `init` writes, and say nothing about the comment's shape."""
    return re.sub(r"\b[0-9a-f]{7}\b", "<commit>", path.read_text())
