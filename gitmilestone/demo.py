"""`demo`: a small but complete sample project, built with the same code users run."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gitmilestone import git, plan
from gitmilestone.errors import MilestoneError
from gitmilestone.repo import discover
from gitmilestone.storage.store import Store
from gitmilestone.storage.yamledit import Document

_RISKS: dict[str, list[dict[str, Any]]] = {
    "M-002": [
        {
            "id": "risk-001",
            "description": "Third-party payment API may change",
            "probability": 0.3,
            "impact": "high",
            "mitigation": "Adapter layer with a fallback provider",
            "status": "open",
        }
    ],
    "M-003": [
        {
            "id": "risk-001",
            "description": "Key front-end developer may be unavailable",
            "probability": 0.2,
            "impact": "medium",
            "mitigation": "Pair on components, document the design system",
            "status": "open",
        }
    ],
}


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
    tasks = {
        "M-001": [
            ("Database schema", 6),
            ("JWT sessions", 8),
            ("Login endpoint", 8),
            ("Password reset", 10),
        ],
        "M-002": [
            ("Provider adapter", 12),
            ("Checkout endpoint", 16),
            ("Webhooks", 12),
            ("Refunds", 10),
        ],
        "M-003": [("Design tokens", 8), ("Form components", 16), ("Navigation", 12)],
        "M-004": [("Test harness", 12), ("Checkout scenarios", 16)],
    }
    for spec in specs:
        m = plan.new_milestone(store, spec)
        for title, hours in tasks[m.id]:
            plan.add_task(store, m.id, plan.NewTask(title, hours))
        plan.add_criterion(store, m.id, f"{spec.title} reviewed and merged with tests passing")
        plan.add_deliverable(store, m.id, spec.title, "code", ("Code review approved",), None)
        for risk in _RISKS.get(m.id, []):
            store.edit(store.resolve(m.id), _appender(["risks"], risk))


def _appender(path: list[str | int], item: dict[str, Any]) -> Callable[[Document], None]:
    return lambda doc: doc.append(path, item)


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
