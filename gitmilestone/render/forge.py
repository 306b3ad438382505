"""Lint findings in the forms CI forges read: GitHub Actions workflow commands (annotations
on the pull request's files) and GitLab's Code Quality report (codeclimate JSON)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from gitmilestone.analysis.quality import Finding

GITHUB_LEVELS = {"error": "error", "warning": "warning"}  # anything else: notice
GITLAB_SEVERITIES = {"error": "major", "warning": "minor"}  # anything else: info


def _data(text: str) -> str:
    """Escaping of a workflow command's message, as the Actions runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(findings: Sequence[Finding]) -> list[str]:
    """`::error file=…,line=…,title=…::message` per finding."""
    out = []
    for f in findings:
        level = GITHUB_LEVELS.get(f.severity, "notice")
        props = [f"file={_prop(f.path)}"]
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_prop(f'{f.code} {f.name} ({f.milestone})')}")
        out.append(f"::{level} {','.join(props)}::{_data(f'{f.message} (hint: {f.hint})')}")
    return out


def codeclimate(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """GitLab Code Quality issues. The fingerprint leaves the line out, so a finding keeps
    its identity when lines above it move."""
    return [
        {
            "description": f"{f.milestone}: {f.message}",
            "check_name": f"{f.code} {f.name}",
            "fingerprint": _fingerprint(f),
            "severity": GITLAB_SEVERITIES.get(f.severity, "info"),
            "location": {"path": f.path, "lines": {"begin": f.line or 1}},
        }
        for f in findings
    ]


def _fingerprint(f: Finding) -> str:
    key = "\x1f".join((f.code, f.path, f.milestone, f.field or "", f.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
