"""What `plan import` wrote, or would write, as lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def import_lines(rows: Sequence[Mapping[str, Any]], dry_run: bool) -> list[str]:
    lines: list[str] = []
    for row in rows:
        if dry_run:
            lines += [f"--- would write {row['path']}", str(row["text"]).rstrip("\n")]
            continue
        after = f", after {', '.join(row['requires'])}" if row["requires"] else ""
        count = f"{row['tasks']} task{'s' if row['tasks'] != 1 else ''}"
        lines.append(f"Created {row['id']}: {row['title']} ({count}{after})  {row['path']}")
    tasks = sum(row["tasks"] for row in rows)
    total = f"{len(rows)} milestone{'s' if len(rows) != 1 else ''}, {tasks} tasks"
    lines.append(f"{total} (dry run: nothing written)" if dry_run else total)
    return lines
