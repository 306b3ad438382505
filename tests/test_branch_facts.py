"""The branch rule for facts: a fact recorded on a branch counts on that branch and on the
branches it is merged into, nowhere else; one recorded before the branch has a commit of its
own waits for that commit instead of landing on the commit the branch came from."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gitmilestone.cli import cli
from gitmilestone.core.events import task_facts
from gitmilestone.git.eventlog import record_event
from gitmilestone.git.repo import discover
from gitmilestone.workspace import Workspace
from tests.conftest import Prebuilt, git

TASKS = ("task-001", "task-002", "task-003")


def done_here(root: Path) -> set[str]:
    facts = task_facts(Workspace.open(root).log.scoped)
    return {t for (_, t), f in facts.items() if f.completed}


@pytest.fixture
def planned(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:

    def build(root: Path) -> None:
        assert run_cli("new", "Auth", "--hours", "8").exit_code == 0
        for title in ("Login", "Reset", "Tokens"):
            assert run_cli("task", "add", "M-001", title).exit_code == 0
        git(root, "add", "-A")
        git(root, "commit", "-qm", "Plan")

    prebuilt("test_branch_facts.planned", build)
    return initialized


def test_a_task_done_on_a_new_branch_stays_off_main_until_merged(
    planned: Path, run_cli: Callable[..., Result]
) -> None:
    git(planned, "switch", "-q", "-c", "pr/x")
    assert run_cli("task", "done", "M-001/task-001").exit_code == 0
    assert done_here(planned) == {"task-001"}

    git(planned, "switch", "-q", "main")
    assert done_here(planned) == set()

    git(planned, "switch", "-q", "pr/x")
    git(planned, "commit", "-q", "--allow-empty", "-m", "Login")
    git(planned, "switch", "-q", "main")
    assert done_here(planned) == set()

    git(planned, "merge", "-q", "--no-ff", "-m", "Merge pr/x", "pr/x")
    assert done_here(planned) == {"task-001"}


# -- a model of branches, commits and facts ----------------------------------------------------


@dataclass
class Model:
    """Commits as their sets of ancestors; a fact is attached to a commit, or waits on a
    branch that shares its commit with another branch until that branch's next commit."""

    ancestors: dict[int, frozenset[int]] = field(default_factory=lambda: {0: frozenset({0})})
    branches: dict[str, int] = field(default_factory=lambda: {"main": 0})
    current: str = "main"
    attached: dict[int, set[str]] = field(default_factory=dict)
    waiting: dict[str, set[str]] = field(default_factory=dict)

    def view(self) -> set[str]:
        head = self.branches[self.current]
        seen = set(self.waiting.get(self.current, set()))
        for c in self.ancestors[head]:
            seen |= self.attached.get(c, set())
        return seen

    def record(self, task: str) -> None:
        head = self.branches[self.current]
        shared = any(
            head in self.ancestors[c] for b, c in self.branches.items() if b != self.current
        )
        if shared:
            self.waiting.setdefault(self.current, set()).add(task)
        else:
            self.attached.setdefault(head, set()).add(task)

    def commit(self, parents: tuple[int, ...], hook: bool) -> None:
        new = len(self.ancestors)
        self.ancestors[new] = frozenset({new}).union(*(self.ancestors[p] for p in parents))
        self.branches[self.current] = new
        if hook:  # post-commit attaches what waited; a merge runs post-merge instead
            self.attached[new] = self.waiting.pop(self.current, set())


OPS = st.one_of(
    st.tuples(st.just("record"), st.sampled_from(TASKS)),
    st.tuples(st.just("commit"), st.just("")),
    st.tuples(st.just("branch"), st.just("")),
    st.tuples(st.just("switch"), st.sampled_from("0123")),
    st.tuples(st.just("merge"), st.sampled_from("0123")),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A planned repository with hooks, built once and copied for each example."""
    return tmp_path_factory.mktemp("template") / "repo"


def _build_template(path: Path) -> None:
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(path)
        assert runner.invoke(cli, ["init"]).exit_code == 0
        cfg = path / ".milestones/config/milestone-config.yaml"
        cfg.write_text(cfg.read_text().replace("suffix_length: 4", "suffix_length: 0"))
        assert runner.invoke(cli, ["new", "Auth"]).exit_code == 0
        for title in ("Login", "Reset", "Tokens"):
            assert runner.invoke(cli, ["task", "add", "M-001", title]).exit_code == 0
    git(path, "add", "-A")
    git(path, "commit", "-qm", "Plan")


@settings(max_examples=8)
@given(ops=st.lists(OPS, max_size=6))
@example(
    ops=[("branch", ""), ("commit", ""), ("record", "task-001"), ("switch", "1"), ("commit", "")]
)
def test_every_branch_sees_what_the_model_says(
    template: Path, tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[str, str]]
) -> None:
    if not template.exists():
        _build_template(template)
    root = tmp_path_factory.mktemp("ex") / "repo"
    shutil.copytree(template, root, symlinks=True)
    model = Model()
    for kind, arg in ops:
        _apply(root, model, kind, arg)
        assert done_here(root) == model.view(), (kind, arg)


def _apply(root: Path, model: Model, kind: str, arg: str) -> None:
    names = sorted(model.branches)
    if kind == "record":
        record_event(discover(root), "task_completed", "M-001", arg)
        model.record(arg)
    elif kind == "commit":
        # A new commit each time: with the tests' fixed clock, the same message on the same
        # parent would be the very same commit on two branches, which the model does not know.
        git(root, "commit", "-q", "--allow-empty", "-m", f"work {len(model.ancestors)}")
        model.commit((model.branches[model.current],), hook=True)
    elif kind == "branch":
        name = f"b{len(names)}"
        git(root, "switch", "-q", "-c", name)
        model.branches[name] = model.branches[model.current]
        model.current = name
    elif kind == "switch":
        model.current = names[int(arg) % len(names)]
        git(root, "switch", "-q", model.current)
    else:
        other = names[int(arg) % len(names)]
        head, theirs = model.branches[model.current], model.branches[other]
        if other == model.current or theirs in model.ancestors[head]:
            return  # nothing to merge: git says "Already up to date"
        git(root, "merge", "-q", "--no-ff", "-m", f"Merge {other}", other)
        model.commit((head, theirs), hook=False)
