"""The approvals `status` warns about: apart from the quality reports, whose analysis a
plain `status` does not need to import."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gitmilestone.core import phases


def approval_alert_lines(approvals: Sequence[Mapping[str, Any]]) -> list[str]:
    """`status`: the approvals that fail their checks, with how to see more."""
    failed = [a for a in approvals if a["failed"]]
    if not failed:
        return []
    out = ["", "APPROVALS NOT VERIFIED"]
    for a in failed:
        where = f"{a['ref']} {a['phase']}" if a["phase"] else a["ref"]
        out.append(f"  {where}: {phases.approval_text(a)}")
    return [*out, "  details: git milestone verify"]
