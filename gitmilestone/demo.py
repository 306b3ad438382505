"""`demo`: a small but complete sample project, built with the same code users run."""

from __future__ import annotations

import tempfile
from pathlib import Path

from gitmilestone import git, plan, risks, sessions
from gitmilestone.errors import MilestoneError
from gitmilestone.repo import discover
from gitmilestone.storage.store import Store
from gitmilestone.timeaccount import TimeRules

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


def build_demo(target: Path | None) -> Path:
    root = _prepare(target)
    git.init_repository(root)
    store = Store(discover(root))
    plan.init(store)
    cfg = store.paths.milestones / "config" / "milestone-config.yaml"
    # Readable IDs for the tour: a one-person plan does not need the collision suffix.
    cfg.write_text(cfg.read_text().replace("suffix_length: 4", "suffix_length: 0"))
    (root / "README.md").write_text("# Shop\n\nA sample project planned with git-milestone.\n")
    git.commit_all(root, "Start planning with git-milestone")
    _plan_milestones(store)
    git.commit_all(root, "Plan milestones M-001 to M-004")
    _work(store, root)
    _pause_checkout(store, root)
    return root


def _prepare(target: Path | None) -> Path:
    if target is None:
        return Path(tempfile.mkdtemp(prefix="git-milestone-demo-")).resolve()
    if target.exists() and any(target.iterdir()):
        raise MilestoneError(f"{target} exists and is not empty", "give --dir a new folder")
    target.mkdir(parents=True, exist_ok=True)
    return target.resolve()


def _plan_milestones(store: Store) -> None:
    specs = [
        plan.NewMilestone(
            "User authentication",
            "Sign-up, login and sessions",
            "high",
            "feature",
            "2026-11-02",
            "2026-11-20",
            40,
        ),
        plan.NewMilestone(
            "Payments API",
            "Checkout through an external payment provider",
            "critical",
            "feature",
            "2026-11-16",
            "2026-12-11",
            60,
            requires=("M-001",),
        ),
        plan.NewMilestone(
            "UI components",
            "Design system and shared components",
            "medium",
            "feature",
            "2026-11-23",
            "2026-12-18",
            48,
        ),
        plan.NewMilestone(
            "Testing framework",
            "End-to-end tests for checkout",
            "medium",
            "testing",
            "2026-12-14",
            "2027-01-08",
            32,
            requires=("M-002", "M-003"),
        ),
    ]
    # (title, hours, the tasks of the same milestone it waits for)
    tasks: dict[str, list[tuple[str, int, tuple[str, ...]]]] = {
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
            ("Navigation", 12, ("task-001",)),
        ],
        "M-004": [("Test harness", 12, ()), ("Checkout scenarios", 16, ("task-001",))],
    }
    for spec in specs:
        m = plan.new_milestone(store, spec)
        for title, hours, depends in tasks[m.id]:
            plan.add_task(store, m.id, plan.NewTask(title, hours, depends=depends))
        plan.add_criterion(store, m.id, f"{spec.title} reviewed and merged with tests passing")
        plan.add_deliverable(store, m.id, spec.title, "code", ("Code review approved",), None)
        for description, probability, impact, mitigation in _RISKS.get(m.id, []):
            risks.add_risk(store, m.id, risks.NewRisk(description, probability, impact, mitigation))
    plan.set_values(store, "M-002", [f"rollback_plan={_ROLLBACK}"])


def _work(store: Store, root: Path) -> None:
    steps = [
        ("M-001/task-001", "completed", "Add users table"),
        ("M-001/task-002", "completed", "Sign sessions with JWT"),
        ("M-001/task-003", "completed", "Add login endpoint"),
        ("M-001/task-004", "completed", "Add password reset flow"),
        ("M-002/task-001", "completed", "Add payment provider adapter"),
        ("M-002/task-002", "in_progress", "Start checkout endpoint"),
        ("M-003/task-001", "completed", "Add design tokens"),
        ("M-003/task-002", "blocked", "Start form components"),
    ]
    for ref, status, subject in steps:
        reason = "Waiting for the design review" if status == "blocked" else None
        plan.set_task_status(store, ref, status, reason)
        trailer = "Completes" if status == "completed" else "Task"
        git.commit_all(root, f"{subject}\n\n{trailer}: {ref}\nTime-Spent: 2h\n")
    plan.complete(
        store, "M-001", "Password reset took longer than planned: mail templates.", force=False
    )
    git.commit_all(root, "Complete M-001\n\nMilestone: M-001\n")


def _pause_checkout(store: Store, root: Path) -> None:
    """Work on the checkout endpoint, interrupted: a resume point with uncommitted work."""
    sessions.start(store.paths, "M-002", "task-002")
    api = root / "src" / "checkout.py"
    api.parent.mkdir(exist_ok=True)
    api.write_text("def checkout(cart):\n    validate(cart)\n    # TODO: charge the card\n")
    sessions.pause(
        store.paths,
        "Checkout endpoint: cart validation done, the payment call is next",
        ["Call the provider adapter from checkout()", "Handle declined cards"],
        TimeRules.from_config(store.config()),
    )
