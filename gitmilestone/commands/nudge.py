"""One line for a clone that plans with git-milestone but has none of its hooks (a fresh
clone: hooks are not cloned), so progress from commits is not silently lost.

The usual case costs one stat(): the commit-msg shim where git keeps hooks by default. Only
when it is missing are git's config (core.hooksPath, milestone.suggestInstall) and the plan's
config (`hooks.suggest_install`) read."""

from __future__ import annotations

from gitmilestone.errors import MilestoneError
from gitmilestone.workspace import Workspace

SKIPPED = frozenset({"init", "install", "uninstall", "demo"})
LINE = (
    "hint: this clone has no git-milestone hooks, so commits do not update progress; run "
    "`git milestone install` (or `git config milestone.suggestInstall false` to stop this hint)"
)


def missing_hooks_hint(ws: Workspace, command: str | None) -> str | None:
    from gitmilestone.commands.install import hooks_dir, is_ours
    from gitmilestone.git.repo import local_flag

    if command in SKIPPED or not ws.paths.milestones.is_dir():
        return None
    if is_ours(ws.paths.common_dir / "hooks" / "commit-msg"):
        return None
    said = local_flag(ws.paths.common_dir, "milestone", "suggestinstall")
    if said is None:  # not in the repository's own config file: git reads every file
        asked = ws.git("config", "--bool", "--get", "milestone.suggestInstall", check=False)
        said = asked.stdout.strip() != "false"
    if said is False or is_ours(hooks_dir(ws.paths) / "commit-msg"):
        return None
    try:
        wanted = (ws.store.config().get("hooks") or {}).get("suggest_install", True)
    except MilestoneError:  # a broken config is the command's own error to report
        return None
    return LINE if wanted is not False else None
