"""`demo`: a small but complete sample project, built with the same code users run."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from gitmilestone.analysis.timeaccount import TimeRules
from gitmilestone.commands import plan, risks, sessions
from gitmilestone.commands.demo_approvals import ensure_identity
from gitmilestone.core import clock
from gitmilestone.core.model import today
from gitmilestone.errors import MilestoneError
from gitmilestone.git import objects as git
from gitmilestone.git import runner
from gitmilestone.git.repo import discover
from gitmilestone.storage.store import Store

_RISKS = {
    "M-002": [
        (
            "Third-party payment API may change",
            0.3,
            "high",
            "Adapter layer with a fallback provider",
        ),
        ("Provider sandbox access arrives late", 0.5, "medium", "Start with recorded responses"),
    ],
    "M-003": [
        (
            "Key front-end developer may be unavailable",
            0.2,
            "medium",
            "Pair on components, document the design system",
        )
    ],
}
_ROLLBACK = "Switch checkout back to the old provider with the checkout_v2 feature flag"
# A two-person team. alice has payments and the release at once, so her first week is
# overbooked and levelling moves the end date (`git milestone schedule --by-person`); bob's
# tasks follow one another.
_TEAM = """\
  team_members:
    - {name: alice, hours_per_week: 40}
    - {name: bob, hours_per_week: 40}
"""
_OWNER = {"M-002": "alice", "M-003": "bob", "M-004": "bob", "M-005": "alice"}


def build_demo(target: Path | None) -> Path:
    root = _prepare(target)
    try:
        _build(root)
    except (MilestoneError, OSError) as err:
        said = err.message if isinstance(err, MilestoneError) else str(err)
        raise MilestoneError(
            f"the demo stopped half-way: {said}; what it built so far is in {root}",
            f"delete it (rm -rf {root}) and run `git milestone demo` again",
        ) from None
    return root


def _build(root: Path) -> None:
    git.init_repository(root)
    ensure_identity(root)
    # A sample to look around in, built without hooks: no hint to install them on each command.
    runner.git(root, "config", "milestone.suggestInstall", "false")
    store = Store(discover(root))
    plan.init(store)
    cfg = store.paths.milestones / "config" / "milestone-config.yaml"
    # Readable IDs for the tour: a one-person plan does not need the collision suffix.
    text = cfg.read_text().replace("suffix_length: 4", "suffix_length: 0")
    cfg.write_text(text.replace("  team_members: []\n", _TEAM))
    (root / "README.md").write_text("# Shop\n\nA sample project planned with git-milestone.\n")
    # Dated around today, so the demo always shows a project three weeks in, with a pace to
    # forecast from.
    start = today() - dt.timedelta(days=24)
    git.commit_all(root, "Start planning with git-milestone", _at(start, -1))
    with clock.dated(_at(start, 0)):
        _plan_milestones(store, start)
    git.commit_all(root, "Plan milestones M-001 to M-005", _at(start, 0))
    _work(store, root, start)
    _sign_design(store, root, start)
    _pause_checkout(store, root, start)


def _prepare(target: Path | None) -> Path:
    if target is None:
        return Path(tempfile.mkdtemp(prefix="git-milestone-demo-")).resolve()
    if target.exists() and any(target.iterdir()):
        raise MilestoneError(f"{target} exists and is not empty", "give --dir a new folder")
    target.mkdir(parents=True, exist_ok=True)
    return target.resolve()


def _day(start: dt.date, offset: int) -> str:
    return (start + dt.timedelta(days=offset)).isoformat()


def _at(start: dt.date, offset: int) -> dt.datetime:
    """10:00 UTC, `offset` days after the demo project's start."""
    day = start + dt.timedelta(days=offset)
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.timezone.utc)


# (title, description, priority, category, first and last day of the project, hours, requires)
_MILESTONES = [
    ("User authentication", "Sign-up, login and sessions", "high", "feature", 0, 18, 40, ()),
    ("Payments API", "Checkout through an external payment provider", "critical", "feature",
     14, 39, 60, ("M-001",)),
    ("UI components", "Design system and shared components", "medium", "feature", 21, 46, 48, ()),
    ("Testing framework", "End-to-end tests for checkout", "medium", "testing", 42, 67, 32,
     ("M-002", "M-003")),
]  # fmt: skip
# (title, hours, the tasks of the same milestone it waits for)
_TASKS: dict[str, list[tuple[str, int, tuple[str, ...]]]] = {
    "M-001": [
        ("Database schema", 6, ()),
        ("JWT sessions", 8, ("task-001",)),
        ("Login endpoint", 8, ("task-002",)),
        ("Password reset", 10, ("task-001",)),
    ],
    "M-002": [
        ("Provider adapter", 12, ()),
        ("Checkout endpoint", 16, ("task-001",)),
        ("Webhooks", 12, ("task-002",)),
        ("Refunds", 10, ("task-003",)),
    ],
    "M-003": [
        ("Design tokens", 8, ()),
        ("Form components", 16, ("task-001",)),
        ("Navigation", 12, ("task-002",)),
    ],
    "M-004": [("Test harness", 12, ()), ("Checkout scenarios", 16, ("task-001",))],
}


def _plan_milestones(store: Store, start: dt.date) -> None:
    specs = [
        plan.NewMilestone(title, about, prio, cat, _day(start, a), _day(start, b), hours,
                          requires=requires)
        for title, about, prio, cat, a, b, hours, requires in _MILESTONES
    ]  # fmt: skip
    tasks = _TASKS
    for spec in specs:
        m = plan.new_milestone(store, spec)
        for title, hours, depends in tasks[m.id]:
            owner = _OWNER.get(m.id)
            plan.add_task(store, m.id, plan.NewTask(title, hours, owner, depends=depends))
        plan.add_criterion(store, m.id, f"{spec.title} reviewed and merged with tests passing")
        plan.add_deliverable(store, m.id, spec.title, "code", ("Code review approved",), None)
        for description, probability, impact, mitigation in _RISKS.get(m.id, []):
            risks.add_risk(store, m.id, risks.NewRisk(description, probability, impact, mitigation))
    plan.set_values(store, "M-002", [f"rollback_plan={_ROLLBACK}"])
    release = plan.NewMilestone(
        "Release 1.0",
        "Ship the shop",
        start=_day(start, 24),
        end=_day(start, 41),
        template="release",
    )
    m = plan.new_milestone(store, release)
    plan.set_values(store, m.id, [f"tasks.{t.id}.assigned_to=alice" for t in m.tasks])


def _work(store: Store, root: Path, start: dt.date) -> None:
    steps = [  # (day of the project, task, its new status, commit subject)
        (2, "M-001/task-001", "completed", "Add users table"),
        (4, "M-001/task-002", "completed", "Sign sessions with JWT"),
        (8, "M-001/task-003", "completed", "Add login endpoint"),
        (11, "M-001/task-004", "completed", "Add password reset flow"),
        (16, "M-002/task-001", "completed", "Add payment provider adapter"),
        (18, "M-002/task-002", "in_progress", "Start checkout endpoint"),
        (22, "M-003/task-001", "completed", "Add design tokens"),
        (23, "M-003/task-002", "blocked", "Start form components"),
    ]
    for day, ref, status, subject in steps:
        reason = "Waiting for the design review" if status == "blocked" else None
        with clock.dated(_at(start, day)):
            plan.set_task_status(store, ref, status, reason, noted=status != "completed")
        trailer = "Completes" if status == "completed" else "Task"
        message = f"{subject}\n\n{trailer}: {ref}\nTime-Spent: 2h\n"
        git.commit_all(root, message, _at(start, day))
    with clock.dated(_at(start, 23)):
        lesson = "Password reset took longer than planned: mail templates."
        plan.complete(store, "M-001", lesson, force=False)
    git.commit_all(root, "Complete M-001\n\nMilestone: M-001\n", _at(start, 23))


def _sign_design(store: Store, root: Path, start: dt.date) -> None:
    """The checkout endpoint's design, approved through a signed gate (see demo_approvals)."""
    from gitmilestone.commands.demo_approvals import sign_the_design_gate

    sign_the_design_gate(store, _at(start, 23) + dt.timedelta(hours=2))
    git.commit_all(root, "Approve the checkout design", _at(start, 23) + dt.timedelta(hours=4))


def _pause_checkout(store: Store, root: Path, start: dt.date) -> None:
    """Work on the checkout endpoint, interrupted: a resume point with uncommitted work.
    Dated, two hours from 15:00, so every run shows the same times."""
    began = _at(start, 23) + dt.timedelta(hours=5)
    with clock.dated(began):
        sessions.start(store.paths, "M-002", "task-002")
    api = root / "src" / "checkout.py"
    api.parent.mkdir(exist_ok=True)
    api.write_text("def checkout(cart):\n    validate(cart)\n    # TODO: charge the card\n")
    with clock.dated(began + dt.timedelta(hours=2)):
        sessions.pause(
            store.paths,
            "Checkout endpoint: cart validation done, the payment call is next",
            ["Call the provider adapter from checkout()", "Handle declined cards"],
            TimeRules.from_config(store.config()),
        )
