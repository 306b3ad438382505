"""Which phases a new task goes through, configured once: the `task add` flag, else the
milestone's kiro_configuration, else the project's `phases` settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmilestone.core.model import PHASES


def new_task_phases(
    milestone_raw: Mapping[str, Any], config: Mapping[str, Any], flag: bool | None
) -> tuple[str, ...] | None:
    """The phases a new task runs through, in order, or None when it does not use phases.
    `flag` is --phases (True) / --no-phases (False) / neither (None)."""
    project = config.get("phases") or {}
    if project.get("enabled") is False:
        return None
    own = milestone_raw.get("kiro_configuration") or {}
    own = own if isinstance(own, Mapping) else {}
    on = flag
    if on is None:
        on = bool(own["enabled"]) if own.get("enabled") is not None else project.get("new_tasks")
    if not on:
        return None
    listed = own.get("default_phases") or project.get("default_phases") or PHASES
    return tuple(p for p in PHASES if p in listed) or PHASES
