"""The storage logs: JSON Lines under .git/milestones/logs/, local and never committed.

storage-events.jsonl: index built, verified, repaired, rebuilt, migrations and rollbacks.
scale-events.jsonl: the tier the plan's size calls for changed.
performance-metrics.jsonl: one line per indexed read (files, cache hits, parses, time), from
which `storage status` reports the cache hit rates.
A log past MAX_BYTES keeps its newer half, so the logs never grow without bound.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path
from typing import Any

STORAGE = "storage-events.jsonl"
SCALE = "scale-events.jsonl"
PERFORMANCE = "performance-metrics.jsonl"
MAX_BYTES = 1 << 20


def log(local_dir: Path, name: str, event: str, **details: Any) -> None:
    """Append one event; a log that cannot be written (read-only .git) is skipped."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    line = json.dumps({"timestamp": stamp, "event": event, **details}, default=str)
    path = local_dir / "logs" / name
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        if path.stat().st_size > MAX_BYTES:
            _halve(path)


def _halve(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(lines[len(lines) // 2 :]), encoding="utf-8")
    tmp.replace(path)


def tail(local_dir: Path, name: str, count: int = 200) -> list[dict[str, Any]]:
    """The last `count` events that parse as JSON objects; damaged lines are skipped."""
    try:
        lines = (local_dir / "logs" / name).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    out = []
    for line in lines[-count:]:
        with contextlib.suppress(ValueError):
            item = json.loads(line)
            if isinstance(item, dict):
                out.append(item)
    return out
