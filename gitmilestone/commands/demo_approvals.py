"""The demo's signed approval gate: a throw-away ssh key made inside the demo repository's
.git/ folder, its allowed-signers entry, and the checkout endpoint's design approved with it,
so `git milestone verify` has a real signature to check even for a brand-new git user."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import warnings
from pathlib import Path

from gitmilestone.commands import plan, workflow
from gitmilestone.core import clock, phases
from gitmilestone.git import eventlog, runner, signing
from gitmilestone.git import objects as git
from gitmilestone.storage.store import Store

TASK = "M-002/task-002"
_FALLBACK = ("git-milestone demo", "demo@git-milestone.invalid")


def sign_the_design_gate(store: Store, when: dt.datetime) -> bool:
    """Set up signing (when ssh-keygen is there), commit it, then walk the checkout
    endpoint's design phase through its gate at `when`. Returns whether the approval is
    signed. The phase changes are left for the caller to commit."""
    root = store.paths.root
    email = ensure_identity(root)
    signed = _signing_key(store, email)
    cfg = store.paths.milestones / "config" / "milestone-config.yaml"
    if signed:
        text = cfg.read_text(encoding="utf-8")
        cfg.write_text(text.replace("require_signatures: false", "require_signatures: true"))
    with clock.dated(when):
        plan.set_values(store, TASK.split("/")[0], ["tasks.task-002.kiro_workflow.enabled=true"])
    git.commit_all(root, "Turn on phases for the checkout endpoint; sign approvals", when)
    with clock.dated(when + dt.timedelta(hours=1)):
        workflow.start(store, TASK, "design")
        workflow.complete(store, TASK, "design")
        workflow.approve(store, TASK, "design")
        workflow.start(store, TASK, "spec")
    return signed


def ensure_identity(root: Path) -> str:
    """The user's git e-mail, or, for a user who has not set one yet, the demo's own,
    set in the demo repository only (notes and approvals need an identity)."""
    email = phases.email_of(eventlog.identity(root))
    if "@" in email:
        return email
    runner.git(root, "config", "user.name", _FALLBACK[0])
    runner.git(root, "config", "user.email", _FALLBACK[1])
    return _FALLBACK[1]


def _signing_key(store: Store, email: str) -> bool:
    root = store.paths.root
    if shutil.which("ssh-keygen") is None:
        warnings.warn(
            "ssh-keygen is not installed: the demo's approval is recorded unsigned",
            stacklevel=2,
        )
        return False
    key = store.paths.git_dir / "milestones" / "demo-approval-key"
    key.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "ssh-keygen",
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "git-milestone demo key",
            "-f",
            str(key),
        ],
        check=True,
        capture_output=True,
    )
    runner.git(root, "config", "gpg.format", "ssh")
    runner.git(root, "config", "user.signingkey", str(key))
    public = key.with_suffix(".pub").read_text(encoding="utf-8").split()
    allowed = root / signing.ALLOWED_SIGNERS
    allowed.write_text(
        "# Who may sign approvals: <e-mail> <ssh public key> (ssh-keygen allowed-signers).\n"
        f"{email} {public[0]} {public[1]} demo\n",
        encoding="utf-8",
    )
    return True
